package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
)

// A customer staff blocked gets 403 with the reason from the password grant,
// and their refresh token stops working.
func TestBlockedCustomerRefused(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	pair := f.signIn(t, minjiEmail, minjiPass)
	boss, err := f.acc.CreateSuperuser(t.Context(), "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.acc.Login(t.Context(), account.Login{Email: minjiEmail, Password: minjiPass})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.acc.Block(t.Context(), audit.Actor{UserID: boss.ID, Email: boss.Email}, u.ID, "결제 도용 의심"); err != nil {
		t.Fatal(err)
	}
	p := wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": minjiEmail, "password": minjiPass}}), http.StatusForbidden)
	if !strings.Contains(p.Detail, "결제 도용 의심") {
		t.Fatalf("detail %q does not give the reason", p.Detail)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": pair.RefreshToken}}), http.StatusUnauthorized)
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: pair.AccessToken}), http.StatusUnauthorized)
}
