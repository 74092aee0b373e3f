package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
)

// A customer staff blocked is signed out everywhere and refused at the
// login form with the reason, in Korean and in English.
func TestBlockedCustomerCannotSignIn(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	wantStatus(t, b.get("/account"), http.StatusOK, "")
	u, err := s.acc.Login(t.Context(), account.Login{Email: signupForm.Get("email"), Password: signupForm.Get("password")})
	if err != nil {
		t.Fatal(err)
	}
	boss, err := s.acc.CreateSuperuser(t.Context(), "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.acc.Block(t.Context(), audit.Actor{UserID: boss.ID, Email: boss.Email}, u.ID, "허위 주문 반복"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, b.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
	tests := []struct{ lang, want string }{
		{"ko", "이용이 제한된 계정이라 로그인할 수 없습니다. 사유: 허위 주문 반복"},
		{"en", "This account is blocked and cannot sign in. Reason: 허위 주문 반복"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r := b.post("/login?lang="+tt.lang, url.Values{"email": {signupForm.Get("email")}, "password": {signupForm.Get("password")}})
			wantStatus(t, r, http.StatusForbidden, "")
			mustContain(t, r.body, tt.want)
		})
	}
}
