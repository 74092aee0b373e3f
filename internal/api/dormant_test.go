package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
)

// A dormant customer's password grant is 403 with code account_dormant and
// no token, and their earlier tokens stop working; the mailed token, sent
// to POST /auth/verify, brings the account back and the grant works again.
func TestDormantCustomerPasswordGrant(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	pair := f.signIn(t, minjiEmail, minjiPass)
	u, err := f.acc.Login(t.Context(), account.Login{Email: minjiEmail, Password: minjiPass})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := f.acc.MakeDormant(t.Context(), u.ID, u.LastLoginAt.Add(time.Second)); err != nil || !ok {
		t.Fatalf("MakeDormant = %v, %v", ok, err)
	}
	rec := f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": minjiEmail, "password": minjiPass}})
	wantProblem(t, rec, http.StatusForbidden)
	var body struct {
		Code        string `json:"code"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || body.Code != "account_dormant" || body.AccessToken != "" {
		t.Fatalf("answer %s", rec.Body)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": pair.RefreshToken}}), http.StatusUnauthorized)
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: pair.AccessToken}), http.StatusUnauthorized)

	token := f.mailToken(t, minjiEmail)
	if rec := f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": token}}); rec.Code != http.StatusOK {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body)
	}
	f.signIn(t, minjiEmail, minjiPass)
}
