package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/social/socialtest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/web"
)

func TestEnableAccountsNeedsEveryService(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	tests := []struct {
		name  string
		unset func(*web.AccountDeps)
	}{
		{"Accounts", func(d *web.AccountDeps) { d.Accounts = nil }},
		{"Store", func(d *web.AccountDeps) { d.Store = nil }},
		{"Addresses", func(d *web.AccountDeps) { d.Addresses = nil }},
		{"Social", func(d *web.AccountDeps) { d.Social = (*social.Service)(nil) }}, // a service not yet made
		{"Carts", func(d *web.AccountDeps) { d.Carts = nil }},
		{"Orders", func(d *web.AccountDeps) { d.Orders = nil }},
		{"Checkout", func(d *web.AccountDeps) { d.Checkout = nil }},
		{"Points", func(d *web.AccountDeps) { d.Points = nil }},
		{"Payments", func(d *web.AccountDeps) { d.Payments = (*payment.Service)(nil) }},
		{"Inquiries", func(d *web.AccountDeps) { d.Inquiries = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			deps := s.deps()
			tt.unset(&deps)
			defer func() {
				msg, _ := recover().(string)
				if !strings.Contains(msg, tt.name) {
					t.Errorf("EnableAccounts without %s: panic %q", tt.name, msg)
				}
			}()
			web.New(web.Config{BaseURL: s.srv.URL, Now: s.shop.Clock.Now}, s.cat, slog.New(slog.DiscardHandler)).EnableAccounts(deps)
		})
	}
	t.Run("all given", func(t *testing.T) {
		t.Parallel()
		web.New(web.Config{BaseURL: s.srv.URL, Now: s.shop.Clock.Now}, s.cat, slog.New(slog.DiscardHandler)).EnableAccounts(s.deps())
	})
}

func TestSignUpVerifyLoginLogout(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.browser(t)

	r := b.get("/signup")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `name="email"`, `name="password"`, `name="phone"`, `name="terms"`, "회원가입", `autocomplete="new-password"`, "/auth/kakao")

	// Bad input: the form again, each wrong field marked, nothing stored.
	bad := url.Values{"email": {"minji@"}, "password": {"1234567890"}, "name": {""}, "phone": {"02-12"}}
	r = b.post("/signup", bad)
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, `data-testid="error-email"`, "올바른 이메일 주소가 아닙니다", `data-testid="error-password"`, "너무 흔한 비밀번호",
		`data-testid="error-name"`, `data-testid="error-phone"`, `data-testid="error-terms"`, `aria-invalid="true"`, `value="minji@"`)
	mustNotContain(t, r.body, `value="1234567890"`) // passwords are never echoed
	var users int
	if err := s.d.Read().GetContext(context.Background(), &users, `SELECT COUNT(*) FROM users`); err != nil || users != 0 {
		t.Fatalf("users after a refused sign-up: %d, %v", users, err)
	}

	wantStatus(t, b.post("/signup", signupForm), http.StatusSeeOther, "/signup/sent")
	r = b.get("/signup/sent")
	mustContain(t, r.body, "minji@example.com", "메일을 확인해 주세요")

	// Not verified yet: the login says what to do.
	r = b.post("/login", url.Values{"email": {"minji@example.com"}, "password": {signupForm.Get("password")}})
	wantStatus(t, r, http.StatusUnauthorized, "")
	mustContain(t, r.body, "인증 메일의 링크를 열지 않았다면")

	link := s.mailLink(t, "minji@example.com")
	r = b.get(link)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "이메일 인증 완료")
	wantStatus(t, b.get(link), http.StatusGone, "")
	r = b.get("/account/verify?token=not-a-real-token")
	wantStatus(t, r, http.StatusNotFound, "")
	mustContain(t, r.body, "올바른 링크가 아닙니다")

	// The account page needs a login and comes back after it.
	wantStatus(t, b.get("/account/profile"), http.StatusSeeOther, "/login?next=%2Faccount%2Fprofile")
	before := b.sessionCookie()
	wantStatus(t, b.post("/login", url.Values{"email": {"MINJI@example.com"}, "password": {signupForm.Get("password")}, "next": {"/account/profile"}}),
		http.StatusSeeOther, "/account/profile")
	if after := b.sessionCookie(); after == "" || after == before {
		t.Fatalf("the session token was not renewed at login (%q → %q)", before, after)
	}
	r = b.get("/account")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "김민지", "minji@example.com", "010-1234-5678")
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("account page Cache-Control %q", r.header.Get("Cache-Control"))
	}

	wantStatus(t, b.post("/logout", nil), http.StatusSeeOther, "/")
	wantStatus(t, b.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
}

func TestSessionCookieCannotBeForged(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	cookie := b.sessionCookie()
	for _, forged := range []string{cookie + "x", strings.ToUpper(cookie), "", strings.Repeat("a", 43)} {
		req, _ := http.NewRequest(http.MethodGet, s.srv.URL+"/account", nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: forged})
		res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			t.Fatalf("forged cookie %q got %d", forged, res.StatusCode)
		}
	}
	wantStatus(t, b.get("/account"), http.StatusOK, "")
}

func TestLoginLimitAnswers429(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	s.member(t, signupForm)
	b := s.browser(t)
	for range account.LoginAccountLimit.Max {
		wantStatus(t, b.post("/login", url.Values{"email": {"minji@example.com"}, "password": {"틀린 비밀번호입니다"}}), http.StatusUnauthorized, "")
	}
	r := b.post("/login", url.Values{"email": {"minji@example.com"}, "password": {signupForm.Get("password")}})
	wantStatus(t, r, http.StatusTooManyRequests, "")
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 1 || secs > 900 {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	mustContain(t, r.body, "분 뒤에 다시 시도해 주세요")
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	phone := s.member(t, signupForm)
	laptop := s.browser(t)
	laptop.login("minji@example.com", signupForm.Get("password"))

	r := laptop.post("/account/password", url.Values{"current_password": {"wrong"}, "password": {"새 비밀번호는 더 길어요"}, "confirm": {"새 비밀번호는 더 길어요"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "현재 비밀번호가 맞지 않습니다")
	r = laptop.post("/account/password", url.Values{"current_password": {signupForm.Get("password")}, "password": {"새 비밀번호는 더 길어요"}, "confirm": {"다른 확인"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "새 비밀번호와 다릅니다")

	wantStatus(t, laptop.post("/account/password", url.Values{"current_password": {signupForm.Get("password")}, "password": {"새 비밀번호는 더 길어요"}, "confirm": {"새 비밀번호는 더 길어요"}}),
		http.StatusSeeOther, "/account")
	wantStatus(t, laptop.get("/account"), http.StatusOK, "")
	wantStatus(t, phone.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
}

func TestForgotAndResetPassword(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	s.member(t, signupForm)
	b := s.browser(t)
	// The answer is the same for an unknown address.
	known := b.post("/account/forgot", url.Values{"email": {"minji@example.com"}})
	unknown := b.post("/account/forgot", url.Values{"email": {"nobody@example.com"}})
	wantStatus(t, known, http.StatusOK, "")
	wantStatus(t, unknown, http.StatusOK, "")
	mustContain(t, unknown.body, "가입된 계정이 있으면 메일을 보냈습니다")
	link := s.mailLink(t, "minji@example.com")
	r := b.get(link)
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, `name="token"`, "새 비밀번호 정하기")
	token := strings.SplitN(link, "token=", 2)[1]
	r = b.post("/account/reset", url.Values{"token": {token}, "password": {"짧다"}, "confirm": {"짧다"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "10자 이상")
	wantStatus(t, b.post("/account/reset", url.Values{"token": {token}, "password": {"다시 정한 좋은 비밀번호"}, "confirm": {"다시 정한 좋은 비밀번호"}}),
		http.StatusSeeOther, "/account")
	wantStatus(t, b.get("/account"), http.StatusOK, "")
	r = b.get(link)
	wantStatus(t, r, http.StatusGone, "")
	mustContain(t, r.body, "이미 사용한 링크입니다")
}

func TestProfileAndAddresses(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	r := b.post("/account/profile", url.Values{"name": {"김민지"}, "phone": {"없음"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "올바른 전화번호가 아닙니다", `value="없음"`)
	wantStatus(t, b.post("/account/profile", url.Values{"name": {"김민지B"}, "phone": {"02-312-3456"}, "marketing": {"on"}}), http.StatusSeeOther, "/account")
	r = b.get("/account")
	mustContain(t, r.body, "김민지B", "02-312-3456", "받음", "회원 정보를 저장했습니다")
	// The profile form offers the number as the customer wrote it, not in E.164.
	r = b.get("/account/profile")
	mustContain(t, r.body, `value="02-312-3456"`)
	mustNotContain(t, r.body, "+82")

	r = b.get("/account/addresses/new")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "postcode", `data-postcode`, "/static/postcode.")
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "t1.daumcdn.net") {
		t.Errorf("address form CSP %q", csp)
	}
	r = b.post("/account/addresses/new", url.Values{"recipient": {"김민지"}, "phone": {"010-1111-2222"}, "postcode": {"123"}, "line1": {""}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	mustContain(t, r.body, "우편번호는 숫자 5자리입니다", `data-testid="error-line1"`)
	wantStatus(t, b.post("/account/addresses/new", url.Values{"label": {"집"}, "recipient": {"김민지"}, "phone": {"010-1111-2222"},
		"postcode": {"04524"}, "line1": {"서울 중구 세종대로 110"}, "line2": {"3층"}}), http.StatusSeeOther, "/account/addresses")
	r = b.get("/account/addresses")
	mustContain(t, r.body, "서울 중구 세종대로 110", "기본 배송지", "010-1111-2222", "(04524)")

	mine, err := s.addrs.List(context.Background(), 1)
	if err != nil || len(mine) != 1 {
		t.Fatalf("addresses %v, %v", mine, err)
	}
	r = b.get("/account/addresses/" + strconv.FormatInt(mine[0].ID, 10) + "/edit")
	mustContain(t, r.body, `value="010-1111-2222"`)
	mustNotContain(t, r.body, "+82")
	// Another customer cannot see, change or delete it.
	other := s.member(t, url.Values{"email": {"other@example.com"}, "password": {"또 다른 고객의 암호"}, "name": {"이서준"}, "phone": {"010-9999-8888"}, "terms": {"on"}})
	id := strconv.FormatInt(mine[0].ID, 10)
	wantStatus(t, other.get("/account/addresses/"+id+"/edit"), http.StatusNotFound, "")
	wantStatus(t, other.post("/account/addresses/"+id+"/edit", url.Values{"recipient": {"해커"}, "phone": {"010-1111-2222"}, "postcode": {"04524"}, "line1": {"x"}}), http.StatusNotFound, "")
	wantStatus(t, other.post("/account/addresses/"+id+"/delete", nil), http.StatusNotFound, "")
	wantStatus(t, other.post("/account/addresses/"+id+"/default", nil), http.StatusNotFound, "")
	r = other.get("/account/addresses")
	mustNotContain(t, r.body, "세종대로")
	if a, err := s.addrs.Get(context.Background(), 1, mine[0].ID); err != nil || a.Recipient != "김민지" {
		t.Fatalf("the address changed: %+v, %v", a, err)
	}
	wantStatus(t, b.post("/account/addresses/"+id+"/delete", nil), http.StatusSeeOther, "/account/addresses")
	mustContain(t, b.get("/account/addresses").body, "저장된 배송지가 없습니다")
}

func TestDeleteAccountPage(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	b := s.member(t, signupForm)
	r := b.post("/account/delete", url.Values{"confirm": {"wrong"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "")
	wantStatus(t, b.post("/account/delete", url.Values{"confirm": {signupForm.Get("password")}}), http.StatusSeeOther, "/account/deleted")
	wantStatus(t, b.get("/account"), http.StatusSeeOther, "/login?next=%2Faccount")
	wantStatus(t, b.post("/login", url.Values{"email": {"minji@example.com"}, "password": {signupForm.Get("password")}}), http.StatusUnauthorized, "")
}

func TestSocialLogin(t *testing.T) {
	t.Parallel()
	s := newAccountShop(t)
	s.fake.SetUser(social.Kakao, socialtest.FakeUser{Subject: "3141592653", Email: "seojun@example.com", EmailVerified: true, Name: "이서준"})
	b := s.browser(t)
	r := b.get("/auth/kakao")
	wantStatus(t, r, http.StatusSeeOther, "")
	// The fake provider answers at once with a redirect to the callback.
	req, _ := http.NewRequest(http.MethodGet, r.header.Get("Location"), nil)
	r = b.do(req)
	wantStatus(t, r, http.StatusFound, "")
	callback := r.header.Get("Location")
	if !strings.HasPrefix(callback, s.srv.URL+"/auth/kakao/callback?") {
		t.Fatalf("callback %q", callback)
	}
	req, _ = http.NewRequest(http.MethodGet, callback, nil)
	wantStatus(t, b.do(req), http.StatusSeeOther, "/account")
	r = b.get("/account")
	wantStatus(t, r, http.StatusOK, "")
	mustContain(t, r.body, "이서준", "seojun@example.com", "계정을 만들었습니다")
	// The callback again (a replayed state) does not sign anyone in.
	c := s.browser(t)
	r = c.do(mustRequest(t, callback))
	wantStatus(t, r, http.StatusSeeOther, "/login")
	mustContain(t, c.get("/login").body, "로그인 시간이 지났습니다")
	wantStatus(t, c.get("/auth/unknown"), http.StatusNotFound, "")
}

func mustRequest(t *testing.T, u string) *http.Request {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
