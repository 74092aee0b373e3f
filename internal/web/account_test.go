package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/social"
	"github.com/mallang/mallang/internal/account/social/socialtest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/ratelimit"
	"github.com/mallang/mallang/internal/shipping"
)

// accountShop is a storefront with accounts on a real server.
type accountShop struct {
	srv     *httptest.Server
	d       *db.DB
	acc     *account.Service
	fake    *socialtest.Server
	addrs   *address.Service
	cat     *catalog.Service
	carts   *cart.Service
	coupons *coupon.Service
	points  *points.Service
	orders  *order.Service
	pays    *payment.Service
	testpay *testpay.Provider
}

func newAccountShop(t *testing.T) *accountShop {
	t.Helper()
	d := dbtest.New(t)
	kr := crypt.DeriveKeyring([]byte("0123456789abcdef0123456789abcdef"))
	s := &accountShop{d: d, addrs: address.New(d, kr, time.Now), fake: socialtest.NewServer(t)}
	mux := http.NewServeMux()
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	s.acc = account.NewService(d, account.Options{
		BaseURL: s.srv.URL, Keyring: kr, Mailer: notify.NewOutbox(d, time.Now), Limiter: ratelimit.New(d, time.Now),
		OnDelete: []account.Hook{s.addrs.DeleteAllForUser},
	}, time.Now, nil)
	soc, err := social.New(d, s.fake.Providers(), s.srv.URL, nil, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s.cat = catalog.NewService(d, time.Now, nil, nil)
	s.carts = cart.New(d, s.cat, cart.Config{}, time.Now)
	s.coupons, s.points = coupon.New(d, audit.New(d, time.Now), time.Now), points.New(d, time.Now)
	s.orders = order.NewService(d, order.Deps{Catalog: s.cat, Cart: s.carts, Addresses: s.addrs, Coupons: s.coupons,
		Points: s.points, Shipping: shipping.New(d, audit.New(d, time.Now), time.Now), Promotions: promotion.New(d, s.cat, audit.New(d, time.Now), time.Now), Keyring: kr},
		order.Config{}, time.Now, nil)
	s.testpay, err = testpay.New([]byte("web tests: the test provider's signing key"), func(ref string) string {
		return s.srv.URL + "/pay/testpay/" + ref
	}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	s.pays = payment.NewService(d, payment.Deps{Orders: s.orders, Keyring: kr}, payment.Config{BaseURL: s.srv.URL,
		Bank:            payment.BankAccount{Bank: "말랑은행", Account: "123-45-6789", Holder: "(주)말랑"},
		BuyerProtection: "구매안전서비스: 말랑은행 에스크로 (제2026-01호)"}, []payment.Provider{s.testpay}, time.Now, nil)
	h := New(Config{BaseURL: s.srv.URL, ShopName: "말랑상점"}, s.cat, slog.New(slog.DiscardHandler))
	h.EnableAccounts(AccountDeps{Accounts: s.acc, Store: account.NewSessionStore(d, nil, time.Now), Addresses: s.addrs, Social: soc,
		Carts: s.carts, Orders: s.orders, Checkout: checkout.New(d, s.orders, s.pays), Points: s.points, Payments: s.pays})
	h.Register(mux)
	return s
}

// browser is one visitor with its own cookies. It does not follow
// redirects, so tests see each one.
type browser struct {
	t *testing.T
	c *http.Client
	s *accountShop
}

func (s *accountShop) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	req.Header.Set("Accept-Language", "ko-KR")
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, b.s.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (b *browser) sessionCookie() string {
	u, _ := url.Parse(b.s.srv.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

func wantStatus(t *testing.T, r response, status int, location string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body:\n%.2000s", r.status, status, r.body)
	}
	if location != "" && r.header.Get("Location") != location {
		t.Fatalf("Location %q, want %q", r.header.Get("Location"), location)
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s"<]+\?token=[A-Za-z0-9_-]+`)

// mailLink returns the path of the newest one-time link mailed to addr.
func (s *accountShop) mailLink(t *testing.T, addr string) string {
	t.Helper()
	var text string
	err := s.d.Read().GetContext(context.Background(), &text, s.d.Read().Rebind(`SELECT text_body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1`), addr)
	if err != nil {
		t.Fatalf("mail to %s: %v", addr, err)
	}
	m := linkRE.FindString(text)
	if m == "" {
		t.Fatalf("no link in mail to %s:\n%s", addr, text)
	}
	return strings.TrimPrefix(m, s.srv.URL)
}

var signupForm = url.Values{"email": {"minji@example.com"}, "password": {"말랑한 봄날의 산책"}, "name": {"김민지"}, "phone": {"010-1234-5678"}, "terms": {"on"}}

// member signs up and verifies minji, and returns a signed-in browser.
func (s *accountShop) member(t *testing.T, form url.Values) *browser {
	t.Helper()
	b := s.browser(t)
	wantStatus(t, b.post("/signup", form), http.StatusSeeOther, "/signup/sent")
	wantStatus(t, b.get(s.mailLink(t, form.Get("email"))), http.StatusOK, "")
	b.login(form.Get("email"), form.Get("password"))
	return b
}

func (b *browser) login(email, password string) {
	b.t.Helper()
	wantStatus(b.t, b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/account"}}), http.StatusSeeOther, "/account")
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

func TestLoginRedirectStaysOnSite(t *testing.T) {
	t.Parallel()
	for _, next := range []string{"//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/account\r\nSet-Cookie: x=y"} {
		if got := safeNext(next); got != "/account" {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
	if got := safeNext("/account/addresses?x=1"); got != "/account/addresses?x=1" {
		t.Errorf("safeNext kept %q", got)
	}
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
