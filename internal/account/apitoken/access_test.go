package apitoken_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// forge signs claims like the service does, with changes.
func forge(t *testing.T, method jwt.SigningMethod, signKey any, edit func(jwt.MapClaims)) string {
	t.Helper()
	now := start.UTC()
	c := jwt.MapClaims{
		"sub": "1", "iat": now.Unix(), "exp": now.Add(15 * time.Minute).Unix(), "iss": issuer,
		"aud": []string{"mallang-api"}, "jti": "abc", "sid": "1", "ver": 1,
	}
	if edit != nil {
		edit(c)
	}
	s, err := jwt.NewWithClaims(method, c).SignedString(signKey)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestVerifyRefusesTokens(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p := f.issue(t, f.buyer) // family 1, user 1: forged claims point at it
	if f.buyer != 1 {
		t.Fatalf("buyer has id %d, the forged tokens assume 1", f.buyer)
	}
	// The baseline forgery is accepted, so each refusal below is down to
	// its one change.
	if _, err := f.s.Verify(ctx, forge(t, jwt.SigningMethodHS256, key, nil)); err != nil {
		t.Fatalf("Verify of a well-formed token = %v", err)
	}
	parts := strings.Split(p.AccessToken, ".")
	other := forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["sub"] = "2" })
	tests := []struct {
		name  string
		token string
	}{
		{"empty", ""},
		{"garbage", "not.a.token"},
		{"wrong key", forge(t, jwt.SigningMethodHS256, bytes.Repeat([]byte("x"), 32), nil)},
		{"alg none", forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil)},
		{"alg none without signature", strings.Join(append(strings.Split(forge(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, nil), ".")[:2], ""), ".")},
		{"HS512 with the right key", forge(t, jwt.SigningMethodHS512, key, nil)},
		{"HS384 with the right key", forge(t, jwt.SigningMethodHS384, key, nil)},
		{"payload swapped", parts[0] + "." + strings.Split(other, ".")[1] + "." + parts[2]},
		{"signature cut", parts[0] + "." + parts[1] + "."},
		{"wrong audience", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["aud"] = "other-api" })},
		{"no audience", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { delete(c, "aud") })},
		{"wrong issuer", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["iss"] = "https://evil.example" })},
		{"no expiry", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { delete(c, "exp") })},
		{"expired", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["exp"] = start.UTC().Unix() - 1 })},
		{"issued in the future", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["iat"] = start.UTC().Unix() + 60 })},
		{"no session id", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { delete(c, "sid") })},
		{"other user's family", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["sub"] = "2" })},
		{"unknown family", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["sid"] = "99" })},
		{"old session version", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["ver"] = 0 })},
		{"newer session version", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["ver"] = 2 })},
		{"no token id", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { delete(c, "jti") })},
		{"non-numeric subject", forge(t, jwt.SigningMethodHS256, key, func(c jwt.MapClaims) { c["sub"] = "buyer@example.com" })},
		{"refresh token", p.RefreshToken},
	}
	// Every refusal reads the same, so errors tell a prober nothing.
	const want = "verify access token: invalid or expired token: unauthenticated"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.Verify(ctx, tt.token)
			unauthenticated(t, "Verify", err, false)
			if err.Error() != want {
				t.Errorf("error %q, want %q", err, want)
			}
		})
	}
}

func TestAccessTokenExpires(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p := f.issue(t, f.buyer)
	f.clk.Advance(15*time.Minute - time.Second) // iat was 09:05:00, now 09:19:59.25
	if _, err := f.s.Verify(ctx, p.AccessToken); err != nil {
		t.Fatalf("Verify a second before expiry: %v", err)
	}
	f.clk.Advance(time.Second)
	_, err := f.s.Verify(ctx, p.AccessToken)
	unauthenticated(t, "Verify at expiry", err, false)
	// The refresh token still gets a new one.
	p2, err := f.s.Refresh(ctx, p.RefreshToken, "app", "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Verify(ctx, p2.AccessToken); err != nil {
		t.Fatalf("Verify the refreshed token: %v", err)
	}
}
