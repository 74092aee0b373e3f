package portonetest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// do sends one request to the fake and returns status and body.
func do(t *testing.T, s *Server, method, path, auth, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func errType(t *testing.T, b []byte) string {
	t.Helper()
	var e struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("error body %q: %v", b, err)
	}
	if e.Message == "" {
		t.Fatalf("error body %s has no message", b)
	}
	return e.Type
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	s.Pay("order-1", 1000)
	tests := []struct {
		name   string
		auth   string
		status int
	}{
		{"documented scheme", "PortOne " + APISecret, http.StatusOK},
		{"bearer instead", "Bearer " + APISecret, http.StatusUnauthorized},
		{"wrong secret", "PortOne other-secret", http.StatusUnauthorized},
		{"lower-case scheme", "portone " + APISecret, http.StatusUnauthorized},
		{"none", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, b := do(t, s, http.MethodGet, "/payments/order-1", tt.auth, "", "")
			if status != tt.status {
				t.Fatalf("status = %d (%s), want %d", status, b, tt.status)
			}
			if status == http.StatusUnauthorized && errType(t, b) != "UNAUTHORIZED" {
				t.Fatalf("body = %s", b)
			}
		})
	}
	if n := s.Calls("/payments/order-1"); n != len(tests) {
		t.Fatalf("Calls = %d, want %d", n, len(tests))
	}
}

func TestCancelIdempotency(t *testing.T) {
	t.Parallel()
	s := NewServer()
	t.Cleanup(s.Close)
	s.Pay("order-2", 10000)
	auth := "PortOne " + APISecret
	body := `{"storeId":"` + StoreID + `","reason":"test","amount":3000}`

	st1, b1 := do(t, s, http.MethodPost, "/payments/order-2/cancel", auth, "cancel-order-2-attempt-1", body)
	st2, b2 := do(t, s, http.MethodPost, "/payments/order-2/cancel", auth, "cancel-order-2-attempt-1", body)
	if st1 != http.StatusOK || st2 != st1 || string(b2) != string(b1) {
		t.Fatalf("replay = %d %s, first %d %s", st2, b2, st1, b1)
	}
	st3, b3 := do(t, s, http.MethodPost, "/payments/order-2/cancel", auth, "cancel-order-2-attempt-2", body)
	if st3 != http.StatusOK || string(b3) == string(b1) {
		t.Fatalf("new key = %d %s; want a second cancellation", st3, b3)
	}
	_, got := do(t, s, http.MethodGet, "/payments/order-2", auth, "", "")
	var p paymentJSON
	if err := json.Unmarshal(got, &p); err != nil {
		t.Fatal(err)
	}
	if p.Status != statusPartCancel || p.Amount.Cancelled != 6000 || len(p.Cancellations) != 2 {
		t.Fatalf("payment = %s", got)
	}

	tests := []struct {
		name, key, body, want string
		status                int
	}{
		{"short key", "short", body, "INVALID_REQUEST", http.StatusBadRequest},
		{"other store", "", `{"storeId":"store-other","reason":"x"}`, "FORBIDDEN", http.StatusForbidden},
		{"no reason", "", `{"amount":1000}`, "INVALID_REQUEST", http.StatusBadRequest},
		{"unknown payment", "", `{"reason":"x"}`, "PAYMENT_NOT_FOUND", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "/payments/order-2/cancel"
			if tt.want == "PAYMENT_NOT_FOUND" {
				path = "/payments/order-404/cancel"
			}
			status, b := do(t, s, http.MethodPost, path, auth, tt.key, tt.body)
			if status != tt.status || errType(t, b) != tt.want {
				t.Fatalf("= %d %s, want %d %s", status, b, tt.status, tt.want)
			}
		})
	}
}
