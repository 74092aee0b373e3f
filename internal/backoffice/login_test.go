package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/backoffice"
)

func TestStaffLoginWithTOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	// First login: password, then the setup with a QR code.
	b := e.browser()
	st, body := b.post(bo+"/login", url.Values{"email": {"Boss@Example.com"}, "password": {password}})
	must(t, st, http.StatusOK, body)
	if b.path() != bo+"/setup-2fa" || !strings.Contains(body, `src="data:image/png;base64,`) {
		t.Fatalf("setup page at %s:\n%s", b.path(), body)
	}
	// The half-way session opens no page.
	if st, _ := b.get(bo + "/"); st != http.StatusOK || b.path() != bo+"/login" {
		t.Fatalf("dashboard before the second factor: %d at %s", st, b.path())
	}
	secret, _ := b.setUp("boss@example.com")
	st, body = b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	for _, want := range []string{`data-testid="section-outbox"`, `data-testid="section-honeypot"`, `data-testid="section-users"`, "boss@example.com"} {
		if !strings.Contains(body, want) {
			t.Errorf("dashboard lacks %s", want)
		}
	}
	for _, h := range []string{"Cache-Control", "X-Robots-Tag"} {
		if v := b.last.Header.Get(h); !strings.Contains(v, map[string]string{"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}[h]) {
			t.Errorf("%s = %q", h, v)
		}
	}
	// Sign out is a POST that ends the session.
	st, _ = b.post(bo+"/logout", nil)
	if st != http.StatusOK || b.path() != bo+"/login" {
		t.Fatalf("logout: %d at %s", st, b.path())
	}
	if b.get(bo + "/outbox"); b.path() != bo+"/login" {
		t.Fatal("outbox open after sign-out")
	}

	// Next login asks for the code.
	e.clock.Advance(30 * time.Second)
	code := e.code(secret)
	b2 := e.browser()
	st, body = b2.post(bo+"/login", url.Values{"email": {"boss@example.com"}, "password": {password}})
	if b2.path() != bo+"/login/code" {
		t.Fatalf("second login at %s (%d)\n%s", b2.path(), st, body)
	}
	st, body = b2.post(bo+"/login/code", url.Values{"code": {"000000"}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "코드가 올바르지 않거나") {
		t.Fatalf("wrong code: %d\n%s", st, body)
	}
	st, body = b2.post(bo+"/login/code", url.Values{"code": {code}})
	if st != http.StatusOK || b2.path() != bo+"/" {
		t.Fatalf("right code: %d at %s\n%s", st, b2.path(), body)
	}

	// The same code again, from another browser, is refused.
	b3 := e.browser()
	st, body = b3.signIn("boss@example.com", code)
	if st != http.StatusUnauthorized || b3.path() != bo+"/login/code" {
		t.Fatalf("replayed code: %d at %s\n%s", st, b3.path(), body)
	}
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	_, codes := e.browser().setUp("boss@example.com")
	b := e.browser()
	st, body := b.signIn("boss@example.com", strings.ToUpper(codes[3]))
	if st != http.StatusOK || b.path() != bo+"/" {
		t.Fatalf("recovery code: %d at %s\n%s", st, b.path(), body)
	}
	st, body = e.browser().signIn("boss@example.com", codes[3])
	must(t, st, http.StatusUnauthorized, body)
}

func TestCodeLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	secret, _ := e.browser().setUp("boss@example.com")
	// The limit counts in fixed windows and this env's clock starts at the
	// real time: begin at the start of a window so the step below stays in it.
	now := e.clock.Now()
	e.clock.Advance(now.Truncate(backoffice.CodeLimit.Window).Add(backoffice.CodeLimit.Window).Sub(now))
	b := e.browser()
	b.post(bo+"/login", url.Values{"email": {"boss@example.com"}, "password": {password}})
	for i := range backoffice.CodeLimit.Max {
		if st, body := b.post(bo+"/login/code", url.Values{"code": {"12345" + string(rune('0'+i))}}); st != http.StatusUnauthorized {
			t.Fatalf("wrong code %d: %d\n%s", i, st, body)
		}
	}
	e.clock.Advance(30 * time.Second)
	st, body := b.post(bo+"/login/code", url.Values{"code": {e.code(secret)}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "분 후에 다시 시도") || b.last.Header.Get("Retry-After") == "" {
		t.Fatalf("after the limit: %d\n%s", st, body)
	}
	st, body = b.post(bo+"/login/code?lang=en", url.Values{"code": {e.code(secret)}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "Try again in") {
		t.Fatalf("after the limit, in English: %d\n%s", st, body)
	}
}

func TestNonStaffGetsTheWrongPasswordAnswer(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "customer@example.com", account.Customer)
	e.user(t, "seller@example.com", account.Seller)
	wrong := e.browser()
	st, want := wrong.post(bo+"/login", url.Values{"email": {"boss@example.com"}, "password": {"not the password at all"}})
	must(t, st, http.StatusUnauthorized, want)
	if !strings.Contains(want, "이메일 또는 비밀번호가 올바르지 않습니다") {
		t.Fatalf("wrong password page:\n%s", want)
	}
	for _, email := range []string{"customer@example.com", "seller@example.com"} {
		b := e.browser()
		st, body := b.post(bo+"/login", url.Values{"email": {email}, "password": {password}})
		if st != http.StatusUnauthorized || strings.ReplaceAll(body, email, "boss@example.com") != want {
			t.Fatalf("%s: %d\n%s", email, st, body)
		}
		if st, body := b.get(bo + "/setup-2fa"); st != http.StatusUnauthorized {
			t.Fatalf("%s reached the setup: %d\n%s", email, st, body)
		}
	}
}

func TestStaffCookie(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn("boss@example.com")
	u, _ := url.Parse(e.srv.URL)
	var token string
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == "mallang_staff" {
			token = c.Value
		}
	}
	if token == "" {
		t.Fatal("no mallang_staff cookie")
	}
	// The cookie's attributes, as the server sets them.
	nb := e.browser()
	nb.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	nb.post(bo+"/login", url.Values{"email": {"boss@example.com"}, "password": {password}})
	sc := nb.last.Header.Get("Set-Cookie")
	for _, want := range []string{"mallang_staff=", "Path=/", "HttpOnly", "SameSite=Strict"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}

	tests := []struct {
		name   string
		cookie string
	}{
		{"absent", ""},
		{"tampered", token[:len(token)-2] + "xx"},
		{"made up", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+bo+"/outbox", nil)
			if tt.cookie != "" {
				req.AddCookie(&http.Cookie{Name: "mallang_staff", Value: tt.cookie})
			}
			res, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != bo+"/login" {
				t.Fatalf("%d to %s", res.StatusCode, res.Header.Get("Location"))
			}
		})
	}
	// The real one still works.
	if st, body := b.get(bo + "/outbox"); st != http.StatusOK || b.path() != bo+"/outbox" {
		t.Fatalf("real cookie: %d at %s\n%s", st, b.path(), body)
	}
}

func TestStorefrontSessionIsNoStaffSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A storefront session of a superuser (user id and version, no second
	// factor) opens nothing in the back office.
	st := account.NewSessionStore(e.d, nil, e.clock.Now)
	b := e.browser()
	data := storefrontSession(t, e.boss)
	if err := st.CommitCtx(context.Background(), "storefront-token-of-boss-0123456789", data, e.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(e.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: "mallang_staff", Value: "storefront-token-of-boss-0123456789", Path: "/"}})
	if b.get(bo + "/"); b.path() != bo+"/login" {
		t.Fatalf("storefront session opened %s", b.path())
	}
}
