package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/social/socialtest"
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

// socialSignIn runs the fake provider's sign-in in b and returns the
// callback's answer.
func socialSignIn(t *testing.T, s *accountShop, b *browser) response {
	t.Helper()
	r := b.get("/auth/kakao")
	wantStatus(t, r, http.StatusSeeOther, "")
	r = b.do(mustRequest(t, r.header.Get("Location")))
	wantStatus(t, r, http.StatusFound, "")
	return b.do(mustRequest(t, r.header.Get("Location")))
}

// A blocked customer's social sign-in is refused with the reason; each
// social sign-in is in the sign-in history.
func TestBlockedCustomerSocialSignIn(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	s.fake.SetUser(social.Kakao, socialtest.FakeUser{Subject: "271828", Email: "seojun@example.com", EmailVerified: true, Name: "이서준"})
	wantStatus(t, socialSignIn(t, s, s.browser(t)), http.StatusSeeOther, "/account")
	u, err := s.acc.User(t.Context(), userIDByEmail(t, s, "seojun@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	boss, err := s.acc.CreateSuperuser(t.Context(), "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.acc.Block(t.Context(), audit.Actor{UserID: boss.ID, Email: boss.Email}, u.ID, "명의 도용 신고"); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t)
	wantStatus(t, socialSignIn(t, s, b), http.StatusSeeOther, "/login")
	mustContain(t, b.get("/login").body, "이용이 제한된 계정이라 로그인할 수 없습니다. 사유: 명의 도용 신고")
	es, err := s.acc.LoginEvents(t.Context(), u.ID, 10)
	if err != nil || len(es) != 2 || es[0].Success || !es[1].Success || es[0].Method != account.LoginSocial {
		t.Fatalf("sign-ins %+v, %v", es, err)
	}
}

func userIDByEmail(t *testing.T, s *accountShop, email string) int64 {
	t.Helper()
	var id int64
	if err := s.d.Read().GetContext(t.Context(), &id, s.d.Read().Rebind(`SELECT id FROM users WHERE email = ?`), email); err != nil {
		t.Fatal(err)
	}
	return id
}
