package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/social/socialtest"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/points"
	"github.com/mallang/mallang/internal/web"
)

// These tests drive the whole shop as apptest builds it — the app's router
// with its middleware over the real services, on a loopback server — as a
// browser does, and check the pages it gets.

var _ web.Payments = (*payment.Service)(nil)

// sessionCookie is the name of the storefront's session cookie.
const sessionCookie = "mallang_session"

// accountShop is the test shop on a real server, with a fake social
// sign-in provider, and the services the tests set it up through.
type accountShop struct {
	shop    *apptest.Shop
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

// newAccountShop builds the test shop, with bank transfer, the test
// provider and extra, and Google, Kakao and Naver sign-in at a fake server.
func newAccountShop(t *testing.T, extra ...payment.Provider) *accountShop {
	t.Helper()
	fake := socialtest.NewServer(t)
	env := map[string]string{
		"MALLANG_BANK_ACCOUNT":     "123-45-6789",
		"MALLANG_BUYER_PROTECTION": "구매안전서비스: 말랑은행 에스크로 (제2026-01호)",
	}
	for _, p := range fake.Providers() {
		v := "MALLANG_" + strings.ToUpper(p.Name) + "_"
		env[v+"CLIENT_ID"], env[v+"CLIENT_SECRET"], env[v+"ISSUER"] = p.ClientID, p.ClientSecret, p.Issuer
		env[v+"AUTH_URL"], env[v+"TOKEN_URL"], env[v+"PROFILE_URL"] = p.AuthURL, p.TokenURL, p.ProfileURL
	}
	s, srv := apptest.NewServer(t, apptest.Options{Providers: extra, Env: env})
	return &accountShop{
		shop: s, srv: srv, d: s.DB, acc: s.Accounts, fake: fake, addrs: s.Addresses(), cat: s.Catalog,
		carts: s.Carts(), coupons: s.Coupons(), points: s.Points(), orders: s.Orders(), pays: s.Payments(), testpay: s.TestPay(),
	}
}

// deps are the shop's services as the app gives them to the storefront.
func (s *accountShop) deps() web.AccountDeps {
	a := s.shop
	return web.AccountDeps{Accounts: a.Accounts, Store: a.Sessions(), Addresses: a.Addresses(), Social: a.Social(),
		Carts: a.Carts(), Orders: a.Orders(), Checkout: a.Checkout(), Points: a.Points(), Payments: a.Payments(), Returns: a.Returns(), Inquiries: a.Inquiries()}
}

// response is what a browser got.
type response struct {
	status int
	header http.Header
	body   string
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

// mustContain fails for each of wants missing from body.
func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("body lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("body contains %q", n)
		}
	}
}

func count(body, s string) int { return strings.Count(body, s) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

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
