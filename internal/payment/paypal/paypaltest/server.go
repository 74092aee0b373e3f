// Package paypaltest is a local fake of PayPal's REST API as the paypal
// adapter uses it (PAYMENTS.md §3): OAuth client-credentials tokens, Orders
// v2 create/get/capture, Payments v2 capture refunds and refund lookup, and
// verify-webhook-signature, with PayPal's error shapes, its order and capture
// status machine and PayPal-Request-Id replay. It keeps everything in memory
// and is safe for concurrent use.
//
// Test controls simulate what happens outside our server: the buyer
// approving in PayPal's window (Approve, or the /checkoutnow page for a
// browser), a capture PayPal declines (DeclineNextCapture), an order whose
// amount changed before capture (SetAmount), an outage or slow answer
// (FailNext, DelayNext), token expiry (SetTokenLifetime, ExpireTokens), and
// PayPal's signed notifications (Webhook). Calls counts requests per path.
//
// Assumptions, where PayPal's documentation gives no exact wording: a bearer
// token the fake did not issue (or that expired) is HTTP 401
// AUTHENTICATION_FAILURE; a refund over the capture's remaining balance is
// 422 REFUND_AMOUNT_EXCEEDED, of a fully refunded capture 422
// CAPTURE_FULLY_REFUNDED, of a capture not completed 422 REFUND_NOT_ALLOWED;
// only 2xx answers are stored for PayPal-Request-Id replay, so a retry after
// a refusal is tried afresh; a refund resource in a webhook carries custom_id
// but no related order id. Webhook signatures are the fake's own HMAC, not
// PayPal's RSA scheme (whose signed string is unconfirmed): only the fake's
// verify endpoint checks them.
package paypaltest

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/fake"
)

// Credentials the fake accepts. Configure the adapter with these.
const (
	ClientID  = "fake-paypal-client-id"
	Secret    = "fake-paypal-secret"
	WebhookID = "WH-FAKE-0001"
)

// DefaultTokenLifetime is the expires_in the fake gives tokens unless
// SetTokenLifetime says otherwise (PayPal's usual nine hours).
const DefaultTokenLifetime = 9 * time.Hour

// Server is the fake. Its zero value is not usable; call NewServer.
// FailNext (answered with PayPal's error body for the status), DelayNext,
// Calls and Wait come from fake.Faults, with paths exactly as requested
// (e.g. "/v2/checkout/orders/5O19…/capture"); a delayed request takes
// effect at once, as a slow PayPal's would, and its answer is held back, so
// a client that gives up meanwhile has an outcome it does not know.
type Server struct {
	fake.Faults
	ts      *httptest.Server
	signKey []byte

	// mu guards every field below.
	mu          sync.Mutex
	tokenLife   time.Duration
	tokens      map[string]time.Time // access token → expiry
	orders      map[string]*order
	captures    map[string]*order // capture id → its order
	refunds     map[string]*refund
	replies     map[string]reply // path + PayPal-Request-Id → first 2xx answer
	declineNext map[string]bool
}

type reply struct {
	status int
	body   []byte
}

// NewServer starts a fake PayPal. Close it when done (t.Cleanup(s.Close)).
func NewServer() *Server {
	s := &Server{
		signKey:     []byte(randomID(32)),
		tokenLife:   DefaultTokenLifetime,
		tokens:      map[string]time.Time{},
		orders:      map[string]*order{},
		captures:    map[string]*order{},
		refunds:     map[string]*refund{},
		replies:     map[string]reply{},
		declineNext: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth2/token", s.token)
	mux.HandleFunc("POST /v2/checkout/orders", s.api(s.createOrder))
	mux.HandleFunc("GET /v2/checkout/orders/{id}", s.api(s.getOrder))
	mux.HandleFunc("POST /v2/checkout/orders/{id}/capture", s.api(s.captureOrder))
	mux.HandleFunc("POST /v2/payments/captures/{id}/refund", s.api(s.refundCapture))
	mux.HandleFunc("GET /v2/payments/refunds/{id}", s.api(s.getRefund))
	mux.HandleFunc("POST /v1/notifications/verify-webhook-signature", s.api(s.verifyWebhook))
	mux.HandleFunc("GET /checkoutnow", s.buyerPage)
	s.ts = httptest.NewServer(s.controlled(mux))
	return s
}

// URL is the fake's base URL, for paypal.Config.BaseURL.
func (s *Server) URL() string { return s.ts.URL }

// Close stops the fake, cutting short any DelayNext wait.
func (s *Server) Close() {
	s.Faults.Close()
	s.ts.Close()
}

// Approve is the buyer approving order orderID in PayPal's window: the order
// becomes APPROVED and the result is the query PayPal adds to the return URL
// ({token: orderID, PayerID: …}). It returns nil when the order is unknown or
// past approval.
func (s *Server) Approve(orderID string) url.Values {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if o == nil || (o.status != "CREATED" && o.status != "PAYER_ACTION_REQUIRED" && o.status != "APPROVED") {
		return nil
	}
	if o.payerID == "" {
		o.payerID = randomID(13)
	}
	o.status = "APPROVED"
	o.updated = time.Now().UTC()
	return url.Values{"token": {o.id}, "PayerID": {o.payerID}}
}

// Cancel is the buyer giving up in PayPal's window: the order is left as it
// was (PayPal changes nothing) and the result is the query PayPal adds to the
// cancel URL ({token: orderID}).
func (s *Server) Cancel(orderID string) url.Values {
	return url.Values{"token": {orderID}}
}

// DeclineNextCapture makes the next capture of orderID come back as PayPal
// answers a refused funding source: the order COMPLETED, its capture
// DECLINED.
func (s *Server) DeclineNextCapture(orderID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.declineNext[orderID] = true
}

// SetAmount changes the amount of order orderID before capture, as an order
// patched from a tampered browser would be; value is PayPal's decimal
// string in the order's currency. It reports whether the order exists.
func (s *Server) SetAmount(orderID, value string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.orders[orderID]
	if o == nil {
		return false
	}
	o.value = value
	return true
}

// SetTokenLifetime sets the expires_in of tokens issued from now on (whole
// seconds; 0 makes each token valid only for calls made in the same second).
func (s *Server) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenLife = d
}

// ExpireTokens revokes every token issued so far, as PayPal may before
// their stated expiry; the next API call with one gets 401.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.tokens)
}

// controlled counts calls and applies FailNext and DelayNext.
func (s *Server) controlled(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.Arrive(r.URL.Path)
		defer c.Done()
		if c.Fail != 0 {
			writeError(w, c.Fail, genericError(c.Fail))
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		c.Hold(r.Context())
		if r.Context().Err() != nil {
			return // the client gave up; what it asked for is done
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	})
}

// api checks the bearer token and replays PayPal-Request-Id before h runs.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		exp, known := s.tokens[tok]
		s.mu.Unlock()
		if !ok || !known || !time.Now().Before(exp) {
			writeError(w, http.StatusUnauthorized, apiError{
				Name:    "AUTHENTICATION_FAILURE",
				Message: "Authentication failed due to missing authorization header, or invalid authentication credentials.",
			})
			return
		}
		id := r.Header.Get("PayPal-Request-Id")
		if r.Method != http.MethodPost || id == "" {
			h(w, r)
			return
		}
		key := r.URL.Path + "\x00" + id
		s.mu.Lock()
		prev, seen := s.replies[key]
		s.mu.Unlock()
		if seen {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(prev.status)
			_, _ = w.Write(prev.body)
			return
		}
		rec := httptest.NewRecorder()
		h(rec, r)
		if rec.Code >= 200 && rec.Code < 300 {
			s.mu.Lock()
			if _, raced := s.replies[key]; !raced {
				s.replies[key] = reply{status: rec.Code, body: bytes.Clone(rec.Body.Bytes())}
			}
			s.mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}
}

// token is POST /v1/oauth2/token: Basic client_id:secret, form
// grant_type=client_credentials.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok || id != ClientID || secret != Secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{
			"error": "invalid_client", "error_description": "Client Authentication failed",
		})
		return
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		writeJSON(w, http.StatusBadRequest, map[string]string{
			"error": "unsupported_grant_type", "error_description": "Grant Type is NULL or not supported",
		})
		return
	}
	tok := "A21AA" + randomID(40)
	s.mu.Lock()
	life := s.tokenLife
	s.tokens[tok] = time.Now().Add(life)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{
		"scope":        "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund",
		"access_token": tok,
		"token_type":   "Bearer",
		"app_id":       "APP-80W284485P519543T",
		"expires_in":   int64(life / time.Second),
		"nonce":        time.Now().UTC().Format(time.RFC3339) + randomID(8),
	})
}

// apiError is PayPal's error body.
type apiError struct {
	Name    string   `json:"name"`
	Message string   `json:"message"`
	DebugID string   `json:"debug_id"`
	Details []detail `json:"details,omitempty"`
	Links   []link   `json:"links,omitempty"`
}

type detail struct {
	Field       string `json:"field,omitempty"`
	Location    string `json:"location,omitempty"`
	Issue       string `json:"issue"`
	Description string `json:"description"`
}

type link struct {
	Href   string `json:"href"`
	Rel    string `json:"rel"`
	Method string `json:"method"`
}

func unprocessable(issue, description string) apiError {
	return apiError{
		Name:    "UNPROCESSABLE_ENTITY",
		Message: "The requested action could not be performed, semantically incorrect, or failed business validation.",
		Details: []detail{{Issue: issue, Description: description}},
	}
}

func invalidRequest(field, issue, description string) apiError {
	return apiError{
		Name:    "INVALID_REQUEST",
		Message: "Request is not well-formed, syntactically incorrect, or violates schema.",
		Details: []detail{{Field: field, Location: "body", Issue: issue, Description: description}},
	}
}

func notFound() apiError {
	return apiError{
		Name:    "RESOURCE_NOT_FOUND",
		Message: "The specified resource does not exist.",
		Details: []detail{{Issue: "INVALID_RESOURCE_ID", Description: "Specified resource ID does not exist. Please check the resource ID and try again."}},
	}
}

func genericError(status int) apiError {
	switch {
	case status == http.StatusServiceUnavailable:
		return apiError{Name: "SERVICE_UNAVAILABLE", Message: "Service Unavailable."}
	case status >= 500:
		return apiError{Name: "INTERNAL_SERVER_ERROR", Message: "An internal server error occurred."}
	case status == http.StatusUnauthorized:
		return apiError{Name: "AUTHENTICATION_FAILURE", Message: "Authentication failed due to missing authorization header, or invalid authentication credentials."}
	case status == http.StatusNotFound:
		return notFound()
	case status == http.StatusTooManyRequests:
		return apiError{Name: "RATE_LIMIT_REACHED", Message: "Too many requests. Blocked due to rate limiting."}
	case status == http.StatusBadRequest:
		return invalidRequest("", "INVALID_PARAMETER_VALUE", "The value of a field is invalid.")
	default:
		return unprocessable("UNPROCESSABLE_ENTITY", "The requested action could not be performed.")
	}
}

func writeError(w http.ResponseWriter, status int, e apiError) {
	e.DebugID = randomID(13)
	writeJSON(w, status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Paypal-Debug-Id", randomID(13))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// randomID is n characters of PayPal's id alphabet ([A-Z0-9]).
func randomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}

func (s *Server) href(format string, a ...any) string {
	return s.ts.URL + fmt.Sprintf(format, a...)
}
