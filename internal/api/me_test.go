package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/api"
)

func TestChangePasswordEndsSignIns(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	app := f.signIn(t, minjiEmail, minjiPass)
	tablet := f.signIn(t, minjiEmail, minjiPass)
	const newPass = "새로 정한 아주 긴 비밀번호"

	tests := []struct {
		name     string
		body     map[string]string
		location string
	}{
		{"wrong current", map[string]string{"current_password": "틀린 비밀번호입니다", "password": newPass}, "body.current_password"},
		{"weak new", map[string]string{"current_password": minjiPass, "password": "1234567890"}, "body.password"},
		{"same again", map[string]string{"current_password": minjiPass, "password": minjiPass}, "body.password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/me/password", body: tt.body, token: app.AccessToken}), http.StatusUnprocessableEntity, tt.location)
		})
	}
	rec := f.do(t, req{method: "POST", path: "/api/v1/me/password", body: map[string]string{"current_password": minjiPass, "password": newPass}, token: app.AccessToken})
	if rec.Code != http.StatusNoContent {
		t.Fatalf("change password = %d %s", rec.Code, rec.Body)
	}
	for _, p := range []api.Token{app, tablet} {
		wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p.AccessToken}), http.StatusUnauthorized)
		wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p.RefreshToken}}), http.StatusUnauthorized)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": minjiEmail, "password": minjiPass}}), http.StatusUnauthorized)
	p := f.signIn(t, minjiEmail, newPass)
	decode[map[string]any](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p.AccessToken}), http.StatusOK)
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	old := f.signIn(t, minjiEmail, minjiPass)

	known := f.do(t, req{method: "POST", path: "/api/v1/auth/password/forgot", body: map[string]string{"email": minjiEmail}})
	unknown := f.do(t, req{method: "POST", path: "/api/v1/auth/password/forgot", body: map[string]string{"email": "nobody@example.com"}})
	if known.Code != http.StatusAccepted || known.Body.String() != unknown.Body.String() || known.Code != unknown.Code {
		t.Fatalf("forgot: known %d %s, unknown %d %s", known.Code, known.Body, unknown.Code, unknown.Body)
	}
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/password/forgot", body: map[string]string{"email": "not an address"}}), http.StatusUnprocessableEntity, "body.email")
	link := f.mailToken(t, minjiEmail)
	const newPass = "새로 정한 아주 긴 비밀번호"
	reset := func(token, password string) *httptest.ResponseRecorder {
		return f.do(t, req{method: "POST", path: "/api/v1/auth/password/reset", body: map[string]string{"token": token, "password": password}})
	}
	wantProblem(t, reset(link, "minji-is-my-name"), http.StatusUnprocessableEntity, "body.password")
	wantProblem(t, reset("no-such-link", newPass), http.StatusNotFound)
	if st := decode[api.Status](t, reset(link, newPass), http.StatusOK); st.Status != "password_reset" {
		t.Fatalf("reset = %+v", st)
	}
	wantProblem(t, reset(link, newPass+"!"), http.StatusGone)
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: old.AccessToken}), http.StatusUnauthorized)
	f.signIn(t, minjiEmail, newPass)

	// An expired link is 410 too.
	decode[api.Status](t, f.do(t, req{method: "POST", path: "/api/v1/auth/password/forgot", body: map[string]string{"email": minjiEmail}}), http.StatusAccepted)
	link = f.mailToken(t, minjiEmail)
	f.clock.Advance(2 * time.Hour)
	wantProblem(t, reset(link, "또 다른 아주 긴 비밀번호"), http.StatusGone)
}

func TestProfileAndDeletion(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	p := f.signIn(t, minjiEmail, minjiPass)

	rec := f.do(t, req{method: "PATCH", path: "/api/v1/me", token: p.AccessToken,
		body: map[string]any{"name": "김민지2", "phone": "+82 10 9876 5432", "marketing_consent": false}})
	me := decode[map[string]any](t, rec, http.StatusOK)
	if me["name"] != "김민지2" || me["phone"] != "+821098765432" || me["marketing_consent"] != false || me["marketing_consent_at"] != nil {
		t.Fatalf("updated = %v", me)
	}
	wantProblem(t, f.do(t, req{method: "PATCH", path: "/api/v1/me", token: p.AccessToken,
		body: map[string]any{"name": "", "phone": "12", "marketing_consent": true}}), http.StatusUnprocessableEntity, "body.name", "body.phone")
	wantProblem(t, f.do(t, req{method: "PATCH", path: "/api/v1/me", token: p.AccessToken,
		body: map[string]any{"name": "김민지"}}), http.StatusUnprocessableEntity, "body.marketing_consent", "body.phone")

	if _, err := f.addr.Create(t.Context(), int64(me["id"].(float64)), address.Input{Recipient: "김민지", Phone: minjiPhone, Postcode: "06236", Line1: "서울 강남구 테헤란로 427"}); err != nil {
		t.Fatal(err)
	}
	wantProblem(t, f.do(t, req{method: "DELETE", path: "/api/v1/me", token: p.AccessToken, body: map[string]string{"confirm": "틀린 비밀번호입니다"}}), http.StatusUnprocessableEntity, "body.confirm")
	rec = f.do(t, req{method: "DELETE", path: "/api/v1/me", token: p.AccessToken, body: map[string]string{"confirm": minjiPass}})
	if rec.Code != http.StatusNoContent {
		t.Fatalf("delete = %d %s", rec.Code, rec.Body)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/me", token: p.AccessToken}), http.StatusUnauthorized)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refresh_token": p.RefreshToken}}), http.StatusUnauthorized)
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/token", body: map[string]string{"email": minjiEmail, "password": minjiPass}}), http.StatusUnauthorized)
	var n int
	if err := f.d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM addresses`); err != nil || n != 0 {
		t.Fatalf("addresses left: %d, %v", n, err)
	}
}
