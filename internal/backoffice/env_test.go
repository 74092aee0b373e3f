package backoffice_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/twofactor"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/security/honeypot"
)

const (
	bo       = "/manage-3f9a1c2b7d"
	password = "말랑한 관리자의 긴 비밀번호"
)

// env is the whole shop (apptest) served on a loopback port, so every
// request goes through the shop's router and middleware to the back office
// mounted at bo. Its fields are the shop's real services. The shop also
// takes payments through flaky, a provider a test can make refuse refunds.
type env struct {
	t      *testing.T
	shop   *apptest.Shop
	d      *db.DB
	clock  *fake.Clock
	acc    *account.Service
	tf     *twofactor.Service
	trap   *honeypot.Trap
	audit  *audit.Log
	outbox *notify.Outbox
	flaky  *flaky
	srv    *httptest.Server
	boss   account.User
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fl := &flaky{}
	// The clock starts at the real time, since the session manager stamps
	// the staff sessions' expiries from it.
	shop, srv := apptest.NewServer(t, apptest.Options{
		Start:     time.Now().UTC().Truncate(time.Second),
		Providers: []payment.Provider{fl},
		Env:       map[string]string{"MALLANG_ADMIN_PATH": bo},
	})
	e := &env{t: t, shop: shop, d: shop.DB, clock: shop.Clock, acc: shop.Accounts, tf: shop.TwoFactor(), trap: shop.Trap(),
		audit: shop.Audit(), outbox: shop.Outbox(), flaky: fl, srv: srv}
	e.boss = e.user(t, "boss@example.com", account.Superuser)
	return e
}

// user makes an active account with role (and perms, for staff).
func (e *env) user(t *testing.T, email string, role account.Role, perms ...account.Permission) account.User {
	t.Helper()
	ctx := context.Background()
	u, err := e.acc.CreateSuperuser(ctx, email, "직원", password)
	if err != nil {
		t.Fatal(err)
	}
	if role != account.Superuser {
		// Set directly: the fixture's accounts leave no audit entry.
		q := e.d.Write()
		if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET role = ?, permissions = ? WHERE id = ?`),
			role, account.Permissions(perms).String(), u.ID); err != nil {
			t.Fatal(err)
		}
	}
	u, err = e.acc.User(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// browser is one client with its own cookie jar.
type browser struct {
	t    *testing.T
	e    *env
	c    *http.Client
	last *http.Response
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, e: e, c: &http.Client{Jar: jar}}
}

// do sends a request and returns the final status and body, following
// redirects.
func (b *browser) do(req *http.Request) (int, string) {
	b.t.Helper()
	req.Header.Set("User-Agent", "backoffice-test/1.0")
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	b.last = res
	return res.StatusCode, string(body)
}

func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// path is where the last response ended up after redirects.
func (b *browser) path() string { return b.last.Request.URL.Path }

var (
	secretRE   = regexp.MustCompile(`data-testid="secret">([A-Z2-7 ]+)<`)
	recoveryRE = regexp.MustCompile(`data-testid="recovery-code">([a-z2-9-]+)<`)
)

// code is the TOTP code of secret at the env's time.
func (e *env) code(secret string) string {
	e.t.Helper()
	c, err := totp.GenerateCodeCustom(secret, e.clock.Now(), totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// setUp signs a staff member in for the first time: password, then the
// authenticator setup. It returns the secret and the recovery codes.
func (b *browser) setUp(email string) (string, []string) {
	b.t.Helper()
	st, body := b.post(bo+"/login", url.Values{"email": {email}, "password": {password}})
	if st != http.StatusOK || b.path() != bo+"/setup-2fa" {
		b.t.Fatalf("password step: %d at %s\n%s", st, b.path(), body)
	}
	m := secretRE.FindStringSubmatch(body)
	if m == nil {
		b.t.Fatalf("no secret on the setup page:\n%s", body)
	}
	secret := strings.ReplaceAll(m[1], " ", "")
	st, body = b.post(bo+"/setup-2fa", url.Values{"code": {b.e.code(secret)}})
	if st != http.StatusOK {
		b.t.Fatalf("setup: %d\n%s", st, body)
	}
	var codes []string
	for _, m := range recoveryRE.FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	if len(codes) != twofactor.RecoveryCodes {
		b.t.Fatalf("%d recovery codes shown", len(codes))
	}
	return secret, codes
}

// signIn signs a staff member in who has an authenticator, with code.
func (b *browser) signIn(email, code string) (int, string) {
	b.t.Helper()
	st, body := b.post(bo+"/login", url.Values{"email": {email}, "password": {password}})
	if st != http.StatusOK || b.path() != bo+"/login/code" {
		b.t.Fatalf("password step: %d at %s\n%s", st, b.path(), body)
	}
	return b.post(bo+"/login/code", url.Values{"code": {code}})
}

// staffIn sets up and signs in a staff member in a new browser, and moves
// the clock on a step so the next code is fresh.
func (e *env) staffIn(email string) (*browser, string) {
	e.t.Helper()
	b := e.browser()
	secret, _ := b.setUp(email)
	e.clock.Advance(30 * time.Second)
	return b, secret
}

// storefrontSession is the data of a storefront session of u.
func storefrontSession(t *testing.T, u account.User) []byte {
	t.Helper()
	b, err := scs.GobCodec{}.Encode(time.Now().Add(time.Hour), map[string]any{account.SessionUserID: u.ID, account.SessionVersion: u.SessionVersion})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// must fails the test unless the status is want.
func must(t *testing.T, st, want int, body string) {
	t.Helper()
	if st != want {
		t.Fatalf("status %d, want %d\n%s", st, want, body)
	}
}
