package api_test

import (
	"net/http"
	"testing"

	"github.com/mallang/mallang/internal/api"
)

// The customer API takes a birthday at sign-up and in PATCH /me (left out,
// it stays; empty, it goes), refusing a date that does not exist with 422
// at body.birthday.
func TestMeBirthday(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	bad := signUpBody("bad@example.com")
	bad["birthday"] = "02-30"
	wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: bad}), http.StatusUnprocessableEntity, "body.birthday")
	body := signUpBody(minjiEmail)
	body["birthday"] = "1990-05-17"
	decode[api.Status](t, f.do(t, req{method: "POST", path: "/api/v1/auth/signup", body: body}), http.StatusAccepted)
	decode[map[string]any](t, f.do(t, req{method: "POST", path: "/api/v1/auth/verify", body: map[string]string{"token": f.mailToken(t, minjiEmail)}}), http.StatusOK)
	tok := f.signIn(t, minjiEmail, minjiPass).AccessToken
	if me := decode[api.User](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok}), http.StatusOK); me.Birthday != "1990-05-17" {
		t.Fatalf("birthday after sign-up = %q", me.Birthday)
	}
	profile := func(birthday any) map[string]any {
		b := map[string]any{"name": "김민지", "phone": minjiPhone, "marketing_consent": true}
		if birthday != nil {
			b["birthday"] = birthday
		}
		return b
	}
	tests := []struct {
		name     string
		birthday any
		status   int
		want     string
	}{
		{"left out", nil, http.StatusOK, "1990-05-17"},
		{"leap day", "02-29", http.StatusOK, "02-29"},
		{"not a date", "2001-02-29", http.StatusUnprocessableEntity, "02-29"},
		{"not a shape", "5월 17일", http.StatusUnprocessableEntity, "02-29"},
		{"removed", "", http.StatusOK, ""},
	}
	for _, tt := range tests {
		rec := f.do(t, req{method: "PATCH", path: "/api/v1/me", token: tok, body: profile(tt.birthday)})
		if tt.status == http.StatusOK {
			if got := decode[api.User](t, rec, http.StatusOK); got.Birthday != tt.want {
				t.Fatalf("%s: birthday %q, want %q", tt.name, got.Birthday, tt.want)
			}
			continue
		}
		wantProblem(t, rec, tt.status, "body.birthday")
		if me := decode[api.User](t, f.do(t, req{method: "GET", path: "/api/v1/me", token: tok}), http.StatusOK); me.Birthday != tt.want {
			t.Fatalf("%s: a refused birthday changed it to %q", tt.name, me.Birthday)
		}
	}
}
