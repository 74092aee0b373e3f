package api_test

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/api"
)

func TestPasswordGrant(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	if _, err := f.acc.CreateSuperuser(t.Context(), "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호"); err != nil {
		t.Fatal(err)
	}
	token := func(email, password, ip string) *httptest.ResponseRecorder {
		return f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": email, "password": password}, ip: ip})
	}

	wrong := wantProblem(t, token(minjiEmail, "틀린 비밀번호입니다", ""), http.StatusUnauthorized)
	unknown := wantProblem(t, token("nobody@example.com", minjiPass, ""), http.StatusUnauthorized)
	if wrong.Detail != unknown.Detail {
		t.Errorf("401 details differ: %q, %q", wrong.Detail, unknown.Detail)
	}
	// Staff with the right password are asked for their second factor
	// (TestStaffToken goes on from here).
	staff := wantProblem(t, token("boss@example.com", "사장님의 아주 긴 비밀번호", ""), http.StatusUnauthorized, "body.totp_code")
	if staff.Detail == wrong.Detail || !strings.Contains(staff.Detail, "totp_code") {
		t.Errorf("staff without a code: %q", staff.Detail)
	}
	wantProblem(t, token(minjiEmail, minjiPass, blockedIP), http.StatusForbidden)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": minjiEmail}}), http.StatusUnprocessableEntity, "body.password")

	// Brute force on one account from many addresses: after five failures
	// in the window (one made above) even the right password is refused.
	for i := range 4 {
		wantProblem(t, token(minjiEmail, "틀린 비밀번호입니다", "192.0.2."+string(rune('1'+i))), http.StatusUnauthorized)
	}
	rec := token(minjiEmail, minjiPass, "192.0.2.200")
	p := wantProblem(t, rec, http.StatusTooManyRequests)
	if ra := rec.Header().Get("Retry-After"); ra != "900" || p.Detail != "too many attempts; try again in 15 minutes" {
		t.Errorf("Retry-After %q, detail %q", ra, p.Detail)
	}
	f.clock.Advance(15 * time.Minute)
	f.signIn(t, minjiEmail, minjiPass)
}

func TestBearerTokens(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	p := f.signIn(t, minjiEmail, minjiPass)
	f.member(t, "jisoo@example.com")
	other := f.signIn(t, "jisoo@example.com", minjiPass)

	parts := strings.Split(p.AccessToken, ".")
	otherParts := strings.Split(other.AccessToken, ".")
	noneHeader := b64(`{"alg":"none","typ":"JWT"}`)
	tests := []struct {
		name, header string
		challenge    string // the WWW-Authenticate error, "" for none
	}{
		{"missing", "", ""},
		{"other scheme", "Basic bWluamk6cGFzcw==", ""},
		{"empty bearer", "Bearer ", ""},
		{"garbage", "Bearer not.a.jwt", "invalid_token"},
		{"tampered payload", "Bearer " + parts[0] + "." + otherParts[1] + "." + parts[2], "invalid_token"},
		{"bad signature", "Bearer " + parts[0] + "." + parts[1] + "." + otherParts[2], "invalid_token"},
		{"alg none", "Bearer " + noneHeader + "." + parts[1] + ".", "invalid_token"},
		{"refresh token as access", "Bearer " + p.RefreshToken, "invalid_token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hr := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/me", nil)
			if tt.header != "" {
				hr.Header.Set("Authorization", tt.header)
			}
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, hr)
			wantProblem(t, rec, http.StatusUnauthorized)
			h := rec.Header().Get("WWW-Authenticate")
			if !strings.HasPrefix(h, "Bearer ") || strings.Contains(h, "error=") != (tt.challenge != "") ||
				(tt.challenge != "" && !strings.Contains(h, `error="`+tt.challenge+`"`)) {
				t.Errorf("WWW-Authenticate = %q", h)
			}
			if rec.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control = %q", rec.Header().Get("Cache-Control"))
			}
		})
	}
	// The scheme is case-insensitive.
	hr := httptest.NewRequestWithContext(t.Context(), "GET", "/api/v1/me", nil)
	hr.Header.Set("Authorization", "bearer "+p.AccessToken)
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	if rec.Code != http.StatusOK {
		t.Fatalf("valid token = %d %s", rec.Code, rec.Body)
	}
	// An invalid token is refused before the body is looked at.
	wantProblem(t, f.do(t, req{method: "PATCH", path: "/api/v1/me", body: "{", token: "x"}), http.StatusUnauthorized)

	// Expired: the access token lasts 15 minutes.
	f.clock.Advance(15*time.Minute + time.Second)
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p.AccessToken}), http.StatusUnauthorized)
	p = decode[api.Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p.RefreshToken}}), http.StatusOK)
	decode[map[string]any](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p.AccessToken}), http.StatusOK)
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestRefreshLimit(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	p := f.signIn(t, minjiEmail, minjiPass)
	// Good refreshes do not count.
	for range api.RefreshLimit.Max + 1 {
		p = decode[api.Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p.RefreshToken}}), http.StatusOK)
	}
	for range api.RefreshLimit.Max {
		wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": strings.Repeat("B", 43)}}), http.StatusUnauthorized)
	}
	rec := f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p.RefreshToken}})
	wantProblem(t, rec, http.StatusTooManyRequests)
	if rec.Header().Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	// Another address is not limited, and the refused call did not use the
	// token up.
	decode[api.Token](t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p.RefreshToken}, ip: "192.0.2.77"}), http.StatusOK)
}
