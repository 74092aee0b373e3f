// Package deliverytrackertest is a local Delivery Tracker for tests: it
// answers the track query as the service documents it (credentials in the
// Authorization header, errors in the body with HTTP 200, the last event's
// status code), for parcels a test registers.
package deliverytrackertest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Credentials the fake accepts.
const (
	ClientID     = "test-client"
	ClientSecret = "test-secret"
)

// Server is the fake service.
type Server struct {
	URL string // the GraphQL endpoint

	mu      sync.Mutex
	parcels map[string]event // by carrier id + " " + number
	calls   int
}

type event struct {
	code string
	at   time.Time
}

// New starts the fake; it stops when the test ends.
func New(t testing.TB) *Server {
	s := &Server{parcels: map[string]event{}}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/graphql"
	return s
}

// Set records the last event of a parcel: its status code (AT_PICKUP,
// IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERED, …) at time at.
func (s *Server) Set(carrierID, number, code string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parcels[carrierID+" "+number] = event{code: code, at: at}
}

// Calls is how many track queries the fake answered.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

type gqlError struct {
	Message    string            `json:"message"`
	Extensions map[string]string `json:"extensions"`
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(code, msg string) {
		_ = json.NewEncoder(w).Encode(map[string]any{"data": nil, "errors": []gqlError{{Message: msg, Extensions: map[string]string{"code": code}}}})
	}
	if r.Method != http.MethodPost || r.URL.Path != "/graphql" {
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("Authorization") != "TRACKQL-API-KEY "+ClientID+":"+ClientSecret {
		fail("UNAUTHENTICATED", "invalid credentials")
		return
	}
	var body struct {
		Query     string            `json:"query"`
		Variables map[string]string `json:"variables"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || !strings.Contains(body.Query, "track(") ||
		body.Variables["carrierId"] == "" || body.Variables["trackingNumber"] == "" {
		fail("BAD_REQUEST", "a track query with carrierId and trackingNumber is expected")
		return
	}
	s.mu.Lock()
	s.calls++
	ev, ok := s.parcels[body.Variables["carrierId"]+" "+body.Variables["trackingNumber"]]
	s.mu.Unlock()
	if !ok {
		fail("NOT_FOUND", "운송장 정보를 찾을 수 없습니다.")
		return
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"track": map[string]any{
		"lastEvent": map[string]any{"time": ev.at.Format(time.RFC3339), "status": map[string]any{"code": ev.code}, "description": ""},
	}}})
}
