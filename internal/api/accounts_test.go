package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/api"
)

func TestAccountFlow(t *testing.T) {
	t.Parallel()
	f := newShop(t)

	rec := f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: signUpBody("Minji@Example.com")})
	if st := decode[api.Status](t, rec, http.StatusAccepted); st.Status != "verification_sent" {
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
		"created_at": "2026-11-30T01:00:00Z", "birthday": "",
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
	p2 := decode[api.Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p1.RefreshToken}}), http.StatusOK)
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
	f := newShop(t)
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
	decode[api.Status](t, rec, http.StatusAccepted)
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
	f := newShop(t)
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
}

func TestAccountsMethodNotAllowed(t *testing.T) {
	t.Parallel()
	f := newShop(t)
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
