package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/social/socialtest"
)

// (MakeDormant is given a moment after the last sign-in: the clock stays,
// so the browser's session stays valid.)
//
// A dormant account's right password gives no session, only the message
// and a mailed link (in Korean and in English); the link's page says the
// account is back, and then signing in works.
func TestDormantCustomerSignsInThroughTheLink(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	u, err := s.acc.Login(t.Context(), account.Login{Email: signupForm.Get("email"), Password: signupForm.Get("password")})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := s.acc.MakeDormant(t.Context(), u.ID, s.shop.Clock.Now().Add(time.Second)); err != nil || !ok {
		t.Fatalf("MakeDormant = %v, %v", ok, err)
	}
	wantStatus(t, b.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
	tests := []struct{ lang, want string }{
		{"en", "This account went dormant after a long time without a sign-in."},
		{"ko", "휴면 계정으로 전환된 계정입니다. 가입하신 이메일로 휴면 해제 링크를 보냈으니"},
	}
	fresh := s.browser(t)
	for _, tt := range tests {
		r := fresh.post("/login?lang="+tt.lang, url.Values{"email": {signupForm.Get("email")}, "password": {signupForm.Get("password")}})
		wantStatus(t, r, http.StatusForbidden, "")
		mustContain(t, r.body, tt.want)
	}
	wantStatus(t, fresh.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
	r := fresh.get(s.mailLink(t, signupForm.Get("email")))
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "휴면 상태가 풀리고 보관하던 정보가 되돌아왔습니다")
	fresh.login(signupForm.Get("email"), signupForm.Get("password"))
	if got, err := s.acc.User(t.Context(), u.ID); err != nil || got.Name != "김민지" || got.Phone != "+821012345678" {
		t.Fatalf("after waking: %+v, %v", got, err)
	}
}

// A dormant account's social sign-in is refused the same way.
func TestDormantCustomerSocialSignIn(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	s.fake.SetUser(social.Kakao, socialtest.FakeUser{Subject: "271828", Email: "seojun@example.com", EmailVerified: true, Name: "이서준"})
	wantStatus(t, socialSignIn(t, s, s.browser(t)), http.StatusSeeOther, "/account")
	id := userIDByEmail(t, s, "seojun@example.com")
	if ok, err := s.acc.MakeDormant(t.Context(), id, s.shop.Clock.Now().Add(time.Second)); err != nil || !ok {
		t.Fatalf("MakeDormant = %v, %v", ok, err)
	}
	b := s.browser(t)
	wantStatus(t, socialSignIn(t, s, b), http.StatusSeeOther, "/login")
	if body := b.get("/login").body; !strings.Contains(body, "휴면 계정으로 전환된 계정입니다") {
		t.Fatalf("login page:\n%s", body)
	}
	wantStatus(t, b.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
	mustContain(t, s.mailLink(t, "seojun@example.com"), "/account/verify?token=")
}
