package tosstest_test

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/payment/toss/tosstest"
)

// do sends one request to the fake and returns its status and error code
// ("" on success).
func do(t *testing.T, srv *tosstest.Server, method, path, auth, idemKey, body string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, srv.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	if idemKey != "" {
		req.Header.Set("Idempotency-Key", idemKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var e struct{ Code string }
	if resp.StatusCode != http.StatusOK {
		_ = json.Unmarshal(raw, &e)
	}
	return resp.StatusCode, e.Code, raw
}

func basic(userPass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(userPass))
}

func TestAuth(t *testing.T) {
	t.Parallel()
	srv := tosstest.NewServer()
	defer srv.Close()
	q := srv.Authorize("ORD-auth-01", 1000, "")
	path := tosstest.PaymentPath(q.Get("paymentKey"))
	tests := []struct {
		name, auth string
		want       int
	}{
		{"secret key and colon", basic(tosstest.SecretKey + ":"), http.StatusOK},
		{"no colon", basic(tosstest.SecretKey), http.StatusUnauthorized},
		{"client key", basic(tosstest.ClientKey + ":"), http.StatusUnauthorized},
		{"bearer", "Bearer " + tosstest.SecretKey, http.StatusUnauthorized},
		{"none", "", http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, code, _ := do(t, srv, "GET", path, tt.auth, "", "")
			if status != tt.want || (status != http.StatusOK && code != "UNAUTHORIZED_KEY") {
				t.Fatalf("GET with %q = %d %s, want %d", tt.auth, status, code, tt.want)
			}
		})
	}
	if n := srv.Calls(path); n != len(tests) {
		t.Errorf("Calls = %d, want %d", n, len(tests))
	}
}

func TestIdempotency(t *testing.T) {
	t.Parallel()
	srv := tosstest.NewServer()
	defer srv.Close()
	auth := basic(tosstest.SecretKey + ":")
	q := srv.Authorize("ORD-idem-01", 1000, "")
	key := q.Get("paymentKey")
	if status, code, _ := do(t, srv, "POST", tosstest.ConfirmPath, auth, "c1",
		`{"paymentKey":"`+key+`","orderId":"ORD-idem-01","amount":1000}`); status != http.StatusOK {
		t.Fatalf("confirm = %d %s", status, code)
	}

	cancel := `{"cancelReason":"test","cancelAmount":300}`
	_, _, first := do(t, srv, "POST", tosstest.CancelPath(key), auth, "k1", cancel)
	_, _, again := do(t, srv, "POST", tosstest.CancelPath(key), auth, "k1", cancel)
	if string(first) != string(again) {
		t.Fatalf("same key answered differently:\n%s\n%s", first, again)
	}
	_, _, other := do(t, srv, "POST", tosstest.CancelPath(key), auth, "k2", cancel)
	var p struct{ BalanceAmount int64 }
	if err := json.Unmarshal(other, &p); err != nil || p.BalanceAmount != 400 {
		t.Fatalf("balance after two cancels of 300 = %d (%v), want 400", p.BalanceAmount, err)
	}
	if status, code, _ := do(t, srv, "POST", tosstest.CancelPath(key), auth, "k3", `{"cancelReason":"test","cancelAmount":401}`); status != http.StatusBadRequest || code != "NOT_CANCELABLE_AMOUNT" {
		t.Fatalf("cancel over the balance = %d %s", status, code)
	}
	if status, code, _ := do(t, srv, "POST", tosstest.CancelPath(key), auth, "k4", `{"cancelAmount":1}`); status != http.StatusBadRequest || code != "INVALID_REQUEST" {
		t.Fatalf("cancel without a reason = %d %s", status, code)
	}
}
