package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/ratelimit"
)

// These tests run the account endpoints over the real account, API token
// and address services and the real rate limiter on a fresh database —
// SQLite, or PostgreSQL when MALLANG_TEST_POSTGRES_URL is set — and check
// what a client receives.

// lockedBuffer is a log sink safe for the handler's concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type blockedIPs []string

func (b blockedIPs) Blocked(_ context.Context, ip string) (bool, error) {
	for _, x := range b {
		if x == ip {
			return true, nil
		}
	}
	return false, nil
}

type accountsFixture struct {
	d     *db.DB
	h     http.Handler
	clock *fake.Clock
	acc   *account.Service
	addr  *address.Service
	logs  *lockedBuffer
}

const (
	testIP      = "203.0.113.5"
	blockedIP   = "198.51.100.66"
	testAgent   = "MallangApp/3.1 (iOS 19)"
	minjiEmail  = "minji@example.com"
	minjiPass   = "말랑한 봄날의 산책"
	minjiPhone  = "010-1234-5678"
	minjiE164   = "+821012345678"
	testKeyText = "0123456789abcdef0123456789abcdef"
)

func newAccountsFixture(t *testing.T) *accountsFixture {
	t.Helper()
	d := dbtest.New(t)
	f := &accountsFixture{d: d, clock: fake.NewClock(time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)), logs: &lockedBuffer{}}
	kr := crypt.DeriveKeyring([]byte(testKeyText))
	tokens, err := apitoken.New(d, apitoken.Config{SigningKey: []byte(testKeyText), Issuer: testBaseURL}, f.clock.Now)
	if err != nil {
		t.Fatal(err)
	}
	f.addr = address.New(d, kr, f.clock.Now)
	limiter := ratelimit.New(d, f.clock.Now)
	f.acc = account.NewService(d, account.Options{
		BaseURL:       testBaseURL,
		Keyring:       kr,
		Mailer:        notify.NewOutbox(d, f.clock.Now),
		Limiter:       limiter,
		Blocklist:     blockedIPs{blockedIP},
		OnSessionsEnd: []account.Hook{tokens.RevokeUser},
		OnDelete:      []account.Hook{f.addr.DeleteAllForUser},
	}, f.clock.Now, nil)
	log := slog.New(slog.NewJSONHandler(f.logs, nil))
	a := New(Config{BaseURL: testBaseURL, Version: "test"}, stubCatalog{}, log)
	a.EnableAccounts(AccountDeps{Accounts: f.acc, Tokens: tokens, Addresses: f.addr, Limiter: limiter})
	mux := http.NewServeMux()
	a.Register(mux)
	f.h = mux
	return f
}

// req is one request to the API.
type req struct {
	method, path string
	body         any    // marshalled as JSON unless nil; a string is sent as is
	token        string // the bearer access token, if any
	ip           string // the client address; testIP when empty
}

// do serves r through the fixture's mux and returns the response.
func (f *accountsFixture) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(j)
	}
	hr := httptest.NewRequestWithContext(t.Context(), r.method, r.path, body)
	if body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	hr.Header.Set("User-Agent", testAgent)
	ip := r.ip
	if ip == "" {
		ip = testIP
	}
	hr.RemoteAddr = ip + ":51234"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	if cc := rec.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("%s %s: Cache-Control = %q, want no-store", r.method, r.path, cc)
	}
	return rec
}

// decode checks the status of rec and decodes its JSON body into v.
func decode[T any](t *testing.T, rec *httptest.ResponseRecorder, status int) T {
	t.Helper()
	var v T
	if rec.Code != status {
		t.Fatalf("status = %d, want %d; body %s", rec.Code, status, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("body: %v; %s", err, rec.Body)
	}
	return v
}

var mailTokenRE = regexp.MustCompile(`\?token=([A-Za-z0-9_-]+)`)

// mailToken returns the token of the newest mail to addr, read from the
// outbox table.
func (f *accountsFixture) mailToken(t *testing.T, addr string) string {
	t.Helper()
	q := f.d.Read()
	var text string
	if err := q.GetContext(t.Context(), &text, q.Rebind(`SELECT text_body FROM outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1`), addr); err != nil {
		t.Fatalf("mail to %s: %v", addr, err)
	}
	m := mailTokenRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no link in the mail to %s: %s", addr, text)
	}
	return m[1]
}

func signUpBody(email string) map[string]any {
	return map[string]any{
		"email": email, "password": minjiPass, "name": "김민지", "phone": minjiPhone,
		"agree_terms": true, "marketing_consent": true,
	}
}

// member signs email up and verifies it through the API.
func (f *accountsFixture) member(t *testing.T, email string) {
	t.Helper()
	decode[Status](t, f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody(email)}), http.StatusAccepted)
	decode[map[string]any](t, f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": f.mailToken(t, email)}}), http.StatusOK)
}

// signIn runs the password grant and returns the pair.
func (f *accountsFixture) signIn(t *testing.T, email, password string) Token {
	t.Helper()
	return decode[Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": email, "password": password}}), http.StatusOK)
}

// wantProblem checks that rec is a problem with status and, when fields are
// given, that its errors name exactly those locations.
func wantProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, locations ...string) problemBody {
	t.Helper()
	p := decodeProblem(t, rec, status)
	if len(locations) > 0 {
		var got []string
		for _, e := range p.Errors {
			got = append(got, e.Location)
		}
		slices.Sort(got)
		slices.Sort(locations)
		if strings.Join(got, " ") != strings.Join(locations, " ") {
			t.Errorf("error locations = %v, want %v (%s)", got, locations, rec.Body)
		}
	}
	return p
}

func TestAccountFlow(t *testing.T) {
	t.Parallel()
	f := newAccountsFixture(t)

	rec := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody("Minji@Example.com")})
	if st := decode[Status](t, rec, http.StatusAccepted); st.Status != "verification_sent" {
		t.Fatalf("sign-up = %+v", st)
	}
	// Not verified yet: the same 401 as a wrong password.
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": minjiEmail, "password": minjiPass}}), http.StatusUnauthorized)

	link := f.mailToken(t, minjiEmail)
	type verified struct {
		User map[string]any `json:"user"`
	}
	v := decode[verified](t, f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": link}}), http.StatusOK)
	if v.User["email"] != minjiEmail || v.User["email_verified"] != true {
		t.Fatalf("verify = %+v", v)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": link}}), http.StatusGone)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": "no-such-link"}}), http.StatusNotFound)

	p1 := f.signIn(t, "MINJI@example.com", minjiPass)
	if p1.TokenType != "Bearer" || p1.ExpiresIn != 900 || p1.AccessToken == "" || p1.RefreshToken == "" {
		t.Fatalf("token = %+v", p1)
	}

	rec = f.do(t, req{method: "GET", path: "/api/v1/me", token: p1.AccessToken})
	me := decode[map[string]any](t, rec, http.StatusOK)
	want := map[string]any{
		"email": minjiEmail, "name": "김민지", "phone": minjiE164, "marketing_consent": true,
		"marketing_consent_at": "2026-11-30T01:00:00Z", "email_verified": true, "role": "customer",
		"created_at": "2026-11-30T01:00:00Z",
	}
	for k, w := range want {
		if me[k] != w {
			t.Errorf("me[%s] = %v, want %v", k, me[k], w)
		}
	}
	if len(me) != len(want)+1 || me["id"] == nil {
		t.Errorf("me has other fields: %v", me)
	}
	for _, secret := range []string{"argon2", "password", "hash", "_enc", "session"} {
		if strings.Contains(rec.Body.String(), secret) {
			t.Errorf("me leaks %q: %s", secret, rec.Body)
		}
	}

	f.clock.Advance(5 * time.Minute)
	p2 := decode[Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p1.RefreshToken}}), http.StatusOK)
	if p2.RefreshToken == p1.RefreshToken || p2.AccessToken == p1.AccessToken {
		t.Fatalf("refresh did not rotate: %+v", p2)
	}
	decode[map[string]any](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p2.AccessToken}), http.StatusOK)

	// The first refresh token again: taken as theft, the sign-in ends.
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p1.RefreshToken}}), http.StatusUnauthorized)
	logs := f.logs.String()
	if !strings.Contains(logs, `"level":"WARN"`) || !strings.Contains(logs, "reused refresh token") ||
		!strings.Contains(logs, "of user "+jsonNumber(me["id"])) {
		t.Errorf("no warning naming the user: %s", logs)
	}
	for _, tok := range []string{p1.RefreshToken, p2.RefreshToken, p1.AccessToken, p2.AccessToken, minjiPass} {
		if strings.Contains(logs, tok) {
			t.Errorf("the log holds a token or password: %s", logs)
		}
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p2.RefreshToken}}), http.StatusUnauthorized)
	rec = f.do(t, req{method: "GET", path: "/api/v1/me", token: p2.AccessToken})
	wantProblem(t, rec, http.StatusUnauthorized)
	if h := rec.Header().Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
		t.Errorf("WWW-Authenticate = %q", h)
	}

	// A new sign-in, then logout ends it.
	p3 := f.signIn(t, minjiEmail, minjiPass)
	rec = f.do(t, req{method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": p3.RefreshToken}})
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Fatalf("logout = %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p3.AccessToken}), http.StatusUnauthorized)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p3.RefreshToken}}), http.StatusUnauthorized)
	// Logging out again, or with a token nobody has, still succeeds.
	for _, tok := range []string{p3.RefreshToken, "not-a-token", strings.Repeat("A", 43)} {
		if rec := f.do(t, req{method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refresh_token": tok}}); rec.Code != http.StatusNoContent {
			t.Errorf("logout with %q = %d %s", tok, rec.Code, rec.Body)
		}
	}
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestSignUp(t *testing.T) {
	t.Parallel()
	f := newAccountsFixture(t)
	f.member(t, minjiEmail)
	mails := func() int {
		var n int
		if err := f.d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM outbox`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := mails()
	// An address that has an account gets the same answer; its owner is
	// mailed instead.
	rec := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody(minjiEmail)})
	fresh := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody("jisoo@example.com")})
	if rec.Code != http.StatusAccepted || fresh.Code != http.StatusAccepted || rec.Body.String() != fresh.Body.String() {
		t.Fatalf("existing %d %s, new %d %s", rec.Code, rec.Body, fresh.Code, fresh.Body)
	}
	if n := mails(); n != before+2 {
		t.Fatalf("%d mails sent, want 2", n-before)
	}

	tests := []struct {
		name   string
		edit   func(map[string]any)
		fields []string
	}{
		{"bad email", func(b map[string]any) { b["email"] = "minji@" }, []string{"body.email"}},
		{"weak password", func(b map[string]any) { b["password"] = "Qwer1234!!" }, []string{"body.password"}},
		{"terms refused", func(b map[string]any) { b["agree_terms"] = false }, []string{"body.agree_terms"}},
		{"bad phone and no name", func(b map[string]any) { b["phone"] = "010-12"; b["name"] = " " }, []string{"body.name", "body.phone"}},
		{"phone missing", func(b map[string]any) { delete(b, "phone") }, []string{"body.phone"}},
		{"unknown field", func(b map[string]any) { b["role"] = "superuser" }, []string{"body.role"}},
		{"email too long", func(b map[string]any) { b["email"] = strings.Repeat("a", 250) + "@example.com" }, []string{"body.email"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := signUpBody("new" + string(rune('a'+i)) + "@example.com")
			tt.edit(b)
			wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: b}), http.StatusUnprocessableEntity, tt.fields...)
		})
	}
	// Problems do not echo what was sent.
	b := signUpBody("echo@example.com")
	b["unexpected"] = true
	if rec := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: b}); rec.Code != http.StatusUnprocessableEntity ||
		strings.Contains(rec.Body.String(), minjiPass) || strings.Contains(rec.Body.String(), "echo@") {
		t.Errorf("422 echoes the body: %s", rec.Body)
	}
	if rec := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: "{not json"}); rec.Code < 400 || rec.Code >= 500 {
		t.Errorf("malformed body = %d", rec.Code)
	}

	// Link limits: five mails per address an hour, then 429.
	for i := range 3 {
		if rec := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody("jisoo@example.com"), ip: "192.0.2." + string(rune('1'+i))}); rec.Code != http.StatusAccepted {
			t.Fatalf("sign-up %d = %d %s", i, rec.Code, rec.Body)
		}
	}
	rec = f.do(t, req{method: "POST", path: "/api/v1/auth/password/forgot", body: map[string]string{"email": "jisoo@example.com"}, ip: "192.0.2.9"})
	decode[Status](t, rec, http.StatusAccepted)
	rec = f.do(t, req{method: "POST", path: "/api/v1/auth/verify/resend", body: map[string]string{"email": "jisoo@example.com"}, ip: "192.0.2.10"})
	p := wantProblem(t, rec, http.StatusTooManyRequests)
	if rec.Header().Get("Retry-After") == "" || !strings.HasPrefix(p.Detail, "too many attempts; try again in ") {
		t.Errorf("429 = %v %+v", rec.Header(), p)
	}
	// A blocked address may not ask for mail at all.
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody("seoyeon@example.com"), ip: blockedIP}), http.StatusForbidden)
}

func TestAccountsOpenAPI(t *testing.T) {
	t.Parallel()
	f := newAccountsFixture(t)
	hr := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/openapi.json", nil)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	var doc struct {
		Paths map[string]map[string]struct {
			OperationID string                `json:"operationId"`
			Summary     string                `json:"summary"`
			Description string                `json:"description"`
			Security    []map[string][]string `json:"security"`
			RequestBody *struct {
				Content map[string]struct {
					Schema map[string]any `json:"schema"`
				} `json:"content"`
			} `json:"requestBody"`
			Responses map[string]struct {
				Headers map[string]any `json:"headers"`
			} `json:"responses"`
		}
		Components struct {
			Schemas         map[string]map[string]any `json:"schemas"`
			SecuritySchemes map[string]struct {
				Type, Scheme, BearerFormat string
			} `json:"securitySchemes"`
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if s := doc.Components.SecuritySchemes[bearerScheme]; s.Type != "http" || s.Scheme != "bearer" || s.BearerFormat != "JWT" {
		t.Errorf("bearer scheme = %+v", s)
	}
	want := []struct {
		method, path string
		authed       bool
		status       string
	}{
		{"post", "/api/v1/auth/token", false, "200"},
		{"post", "/api/v1/auth/refresh", false, "200"},
		{"post", "/api/v1/auth/logout", false, "204"},
		{"post", "/api/v1/auth/signup", false, "202"},
		{"post", "/api/v1/auth/verify", false, "200"},
		{"post", "/api/v1/auth/verify/resend", false, "202"},
		{"post", "/api/v1/auth/password/forgot", false, "202"},
		{"post", "/api/v1/auth/password/reset", false, "200"},
		{"get", "/api/v1/me", true, "200"},
		{"patch", "/api/v1/me", true, "200"},
		{"delete", "/api/v1/me", true, "204"},
		{"post", "/api/v1/me/password", true, "204"},
		{"get", "/api/v1/me/addresses", true, "200"},
		{"post", "/api/v1/me/addresses", true, "201"},
		{"get", "/api/v1/me/addresses/{id}", true, "200"},
		{"put", "/api/v1/me/addresses/{id}", true, "200"},
		{"delete", "/api/v1/me/addresses/{id}", true, "204"},
		{"post", "/api/v1/me/addresses/{id}/default", true, "200"},
	}
	for _, w := range want {
		op, ok := doc.Paths[w.path][w.method]
		if !ok {
			t.Errorf("no %s %s", w.method, w.path)
			continue
		}
		if op.OperationID == "" || op.Summary == "" || op.Description == "" {
			t.Errorf("%s %s: undocumented: %+v", w.method, w.path, op)
		}
		if _, ok := op.Responses[w.status]; !ok {
			t.Errorf("%s %s: no %s response", w.method, w.path, w.status)
		}
		authed := len(op.Security) == 1 && op.Security[0][bearerScheme] != nil
		if authed != w.authed {
			t.Errorf("%s %s: security %v", w.method, w.path, op.Security)
		}
		if r, ok := op.Responses["401"]; w.authed && (!ok || r.Headers["WWW-Authenticate"] == nil) {
			t.Errorf("%s %s: no 401 with WWW-Authenticate", w.method, w.path)
		}
		if r, ok := op.Responses["429"]; ok && r.Headers["Retry-After"] == nil {
			t.Errorf("%s %s: 429 without Retry-After", w.method, w.path)
		}
		if op.RequestBody != nil {
			s := op.RequestBody.Content["application/json"].Schema
			if ref, _ := s["$ref"].(string); ref != "" {
				name := ref[strings.LastIndex(ref, "/")+1:]
				s = doc.Components.Schemas[name]
			}
			props, _ := s["properties"].(map[string]any)
			for name, p := range props {
				if p.(map[string]any)["examples"] == nil {
					t.Errorf("%s %s: body field %s has no example", w.method, w.path, name)
				}
			}
		}
	}
	// Responses hold no secrets: no schema has a field for a hash or an
	// encrypted value.
	for name, s := range doc.Components.Schemas {
		props, _ := s["properties"].(map[string]any)
		for p := range props {
			if strings.Contains(p, "hash") || strings.HasSuffix(p, "_enc") || p == "session_version" {
				t.Errorf("schema %s has %s", name, p)
			}
		}
	}
	// The catalog document stays as it was when accounts are not enabled.
	plain := newMux(t, stubCatalog{}, nil)
	rec = get(t, plain, http.MethodGet, "/api/v1/openapi.json")
	if strings.Contains(rec.Body.String(), "/api/v1/auth/") || strings.Contains(rec.Body.String(), "securitySchemes") {
		t.Error("accounts documented without EnableAccounts")
	}
	decodeProblem(t, get(t, plain, http.MethodPost, "/api/v1/auth/token"), http.StatusNotFound)
	decodeProblem(t, get(t, plain, http.MethodGet, "/api/v1/me"), http.StatusNotFound)
}

func TestAccountsMethodNotAllowed(t *testing.T) {
	t.Parallel()
	f := newAccountsFixture(t)
	tests := []struct{ method, path, allow string }{
		{"GET", "/api/v1/auth/token", "POST"},
		{"DELETE", "/api/v1/me/addresses", "GET, HEAD, POST"},
		{"POST", "/api/v1/me", "GET, HEAD, PATCH, DELETE"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			rec := get(t, f.h, tt.method, tt.path)
			decodeProblem(t, rec, http.StatusMethodNotAllowed)
			if got := rec.Header().Get("Allow"); got != tt.allow {
				t.Errorf("Allow = %q, want %q", got, tt.allow)
			}
		})
	}
}
