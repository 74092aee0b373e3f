package apitoken_test

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

// clock is a fake clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// start is 09:05:00.25 KST on 1 March 2025: not UTC, and not on a second.
var start = time.Date(2025, 3, 1, 9, 5, 0, 250_000_000, time.FixedZone("KST", 9*3600))

var (
	key    = bytes.Repeat([]byte("k"), 32)
	issuer = "https://shop.example"
)

func config() apitoken.Config {
	return apitoken.Config{SigningKey: key, Issuer: issuer}
}

type fixture struct {
	d     *db.DB
	clk   *clock
	s     *apitoken.Service
	buyer int64
	other int64
}

func setup(t *testing.T) fixture {
	t.Helper()
	d := dbtest.New(t)
	clk := newClock(start)
	s, err := apitoken.New(d, config(), clk.Now)
	if err != nil {
		t.Fatal(err)
	}
	return fixture{d: d, clk: clk, s: s, buyer: user(t, d, "buyer@example.com", true), other: user(t, d, "other@example.com", true)}
}

// user inserts a user and returns its id.
func user(t *testing.T, d *db.DB, email string, active bool) int64 {
	t.Helper()
	var id int64
	err := d.Write().QueryRowxContext(t.Context(), d.Write().Rebind(
		`INSERT INTO users (email, name, role, active) VALUES (?, '김말랑', 'customer', ?) RETURNING id`), email, active).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func exec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	if _, err := d.Write().ExecContext(t.Context(), d.Write().Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func (f fixture) issue(t *testing.T, userID int64) apitoken.Pair {
	t.Helper()
	p, err := f.s.Issue(t.Context(), userID, "MallangApp/2.1 (iPhone; iOS 18.3)", "203.0.113.7")
	if err != nil {
		t.Fatalf("Issue(%d): %v", userID, err)
	}
	return p
}

// unauthenticated fails unless err is fault.ErrUnauthenticated, and
// ErrReused exactly when reused.
func unauthenticated(t *testing.T, what string, err error, reused bool) {
	t.Helper()
	if !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("%s = %v, want fault.ErrUnauthenticated", what, err)
	}
	if errors.Is(err, apitoken.ErrReused) != reused {
		t.Fatalf("%s = %v; errors.Is(err, ErrReused) = %v, want %v", what, err, !reused, reused)
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	tests := []struct {
		name string
		edit func(*apitoken.Config)
		ok   bool
	}{
		{"defaults", func(*apitoken.Config) {}, true},
		{"short key", func(c *apitoken.Config) { c.SigningKey = key[:31] }, false},
		{"no key", func(c *apitoken.Config) { c.SigningKey = nil }, false},
		{"no issuer", func(c *apitoken.Config) { c.Issuer = " " }, false},
		{"access not shorter than refresh", func(c *apitoken.Config) { c.AccessTTL, c.RefreshTTL = time.Hour, time.Hour }, false},
		{"refresh longer than family", func(c *apitoken.Config) { c.RefreshTTL, c.FamilyTTL = 48*time.Hour, 24*time.Hour }, false},
		{"sub-second access", func(c *apitoken.Config) { c.AccessTTL = time.Millisecond }, false},
		{"negative access", func(c *apitoken.Config) { c.AccessTTL = -time.Minute }, false},
		{"all set", func(c *apitoken.Config) { c.AccessTTL, c.RefreshTTL, c.FamilyTTL = 5*time.Minute, time.Hour, time.Hour }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config()
			tt.edit(&c)
			_, err := apitoken.New(d, c, time.Now)
			if (err == nil) != tt.ok {
				t.Fatalf("New = %v, want ok %v", err, tt.ok)
			}
		})
	}
}

func TestIssueVerify(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p := f.issue(t, f.buyer)
	if p.ExpiresIn != 15*time.Minute {
		t.Errorf("ExpiresIn = %v, want 15m", p.ExpiresIn)
	}
	if len(p.RefreshToken) != 43 || strings.ContainsAny(p.RefreshToken, "+/=") {
		t.Errorf("refresh token %q is not 32 bytes of unpadded base64url", p.RefreshToken)
	}
	c, err := f.s.Verify(ctx, p.AccessToken)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	iat := start.UTC().Truncate(time.Second)
	if c.UserID != f.buyer || c.FamilyID <= 0 || c.SessionVersion != 1 || c.TokenID == "" ||
		!c.IssuedAt.Equal(iat) || !c.ExpiresAt.Equal(iat.Add(15*time.Minute)) || c.IssuedAt.Location() != time.UTC {
		t.Errorf("Verify = %+v", c)
	}

	// The payload carries exactly the documented claims.
	var raw jwt.MapClaims
	if _, _, err := jwt.NewParser().ParseUnverified(p.AccessToken, &raw); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sub", "iat", "exp", "iss", "aud", "jti", "sid", "ver"} {
		if _, ok := raw[name]; !ok {
			t.Errorf("claim %s missing from %v", name, raw)
		}
	}
	if aud, _ := raw.GetAudience(); len(aud) != 1 || aud[0] != "mallang-api" || raw["iss"] != issuer {
		t.Errorf("aud %v, iss %v", aud, raw["iss"])
	}

	// A second sign-in is another family with its own ids.
	p2 := f.issue(t, f.buyer)
	c2, err := f.s.Verify(ctx, p2.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c2.FamilyID == c.FamilyID || c2.TokenID == c.TokenID || p2.RefreshToken == p.RefreshToken {
		t.Errorf("two sign-ins share ids: %+v, %+v", c, c2)
	}

	// Only the hash of a refresh token is stored, with the cleaned client.
	var hashes []string
	if err := f.d.Read().SelectContext(ctx, &hashes, `SELECT token_hash FROM api_refresh_tokens`); err != nil {
		t.Fatal(err)
	}
	for _, h := range hashes {
		if h == p.RefreshToken || h == p2.RefreshToken || len(h) != 64 {
			t.Errorf("stored token_hash %q", h)
		}
	}
}

func TestIssueRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	inactive := user(t, f.d, "inactive@example.com", false)
	deleted := user(t, f.d, "deleted@example.com", true)
	exec(t, f.d, `UPDATE users SET deleted_at = ? WHERE id = ?`, start.UTC(), deleted)
	for name, id := range map[string]int64{"unknown": 999, "inactive": inactive, "deleted": deleted} {
		t.Run(name, func(t *testing.T) {
			_, err := f.s.Issue(t.Context(), id, "app", "203.0.113.7")
			unauthenticated(t, "Issue", err, false)
		})
	}
}

func TestClientCleaned(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	long := strings.Repeat("말", 300)
	tests := []struct {
		name, client, ip string
		wantClient       string
		wantIP           string
	}{
		{"plain", "MallangApp/2.1", "2001:db8::1", "MallangApp/2.1", "2001:db8::1"},
		{"long korean cut by characters", long, "203.0.113.7", strings.Repeat("말", 200), "203.0.113.7"},
		{"control characters and bad UTF-8", "App\x00/1\r\nX-Forged: 1\xff", " 203.0.113.8 ", "App/1X-Forged: 1\uFFFD", "203.0.113.8"},
		{"empty", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := f.s.Issue(ctx, f.buyer, tt.client, tt.ip)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Client string `db:"client"`
				IP     string `db:"ip"`
			}
			if err := f.d.Read().GetContext(ctx, &got, f.d.Read().Rebind(
				`SELECT client, ip FROM api_refresh_tokens WHERE token_hash = ?`), sha256Hex(p.RefreshToken)); err != nil {
				t.Fatal(err)
			}
			if got.Client != tt.wantClient || got.IP != tt.wantIP {
				t.Fatalf("stored client %q, ip %q; want %q, %q", got.Client, got.IP, tt.wantClient, tt.wantIP)
			}
		})
	}
}

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

func TestRefreshRotates(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p1 := f.issue(t, f.buyer)
	c1, err := f.s.Verify(ctx, p1.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	f.clk.Advance(10 * time.Minute)
	p2, err := f.s.Refresh(ctx, p1.RefreshToken, "MallangApp/2.2", "203.0.113.9")
	if err != nil {
		t.Fatalf("Refresh: %v", err)
	}
	if p2.RefreshToken == p1.RefreshToken || p2.AccessToken == p1.AccessToken || p2.ExpiresIn != 15*time.Minute {
		t.Fatalf("Refresh = %+v after %+v", p2, p1)
	}
	c2, err := f.s.Verify(ctx, p2.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c2.FamilyID != c1.FamilyID || c2.UserID != f.buyer || c2.TokenID == c1.TokenID {
		t.Fatalf("refreshed claims %+v, first %+v", c2, c1)
	}
	// The chain is recorded.
	var parents int
	if err := f.d.Read().GetContext(ctx, &parents, f.d.Read().Rebind(`
		SELECT COUNT(*) FROM api_refresh_tokens c JOIN api_refresh_tokens p ON p.id = c.parent_id
		WHERE c.token_hash = ? AND p.token_hash = ? AND p.used_at IS NOT NULL AND c.used_at IS NULL`),
		sha256Hex(p2.RefreshToken), sha256Hex(p1.RefreshToken)); err != nil || parents != 1 {
		t.Fatalf("parent link: %d, %v", parents, err)
	}

	// The old token again is a theft signal: the whole family goes.
	_, err = f.s.Refresh(ctx, p1.RefreshToken, "", "")
	unauthenticated(t, "Refresh with the rotated token", err, true)
	_, err = f.s.Refresh(ctx, p2.RefreshToken, "", "")
	unauthenticated(t, "Refresh with the newest token after reuse", err, false)
	for name, tok := range map[string]string{"first": p1.AccessToken, "second": p2.AccessToken} {
		_, err := f.s.Verify(ctx, tok)
		unauthenticated(t, "Verify "+name+" access token after reuse", err, false)
	}
	// Reusing again still reports reuse, for the log.
	_, err = f.s.Refresh(ctx, p1.RefreshToken, "", "")
	unauthenticated(t, "Refresh with the rotated token again", err, true)
}

func TestReuseLeavesOtherFamilies(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	phone := f.issue(t, f.buyer)
	tablet := f.issue(t, f.buyer)
	if _, err := f.s.Refresh(ctx, phone.RefreshToken, "", ""); err != nil {
		t.Fatal(err)
	}
	_, err := f.s.Refresh(ctx, phone.RefreshToken, "", "")
	unauthenticated(t, "reuse", err, true)
	if _, err := f.s.Verify(ctx, tablet.AccessToken); err != nil {
		t.Fatalf("the other sign-in's access token: %v", err)
	}
	if _, err := f.s.Refresh(ctx, tablet.RefreshToken, "", ""); err != nil {
		t.Fatalf("the other sign-in's refresh token: %v", err)
	}
}

func TestRefreshRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, f fixture, p apitoken.Pair) string // returns the token to present
	}{
		{"unknown", func(t *testing.T, f fixture, p apitoken.Pair) string {
			return strings.Repeat("A", 43)
		}},
		{"malformed", func(t *testing.T, f fixture, p apitoken.Pair) string { return p.RefreshToken + "x" }},
		{"empty", func(t *testing.T, f fixture, p apitoken.Pair) string { return "" }},
		{"access token", func(t *testing.T, f fixture, p apitoken.Pair) string { return p.AccessToken }},
		{"expired", func(t *testing.T, f fixture, p apitoken.Pair) string {
			f.clk.Advance(30 * 24 * time.Hour)
			return p.RefreshToken
		}},
		{"session version bumped", func(t *testing.T, f fixture, p apitoken.Pair) string {
			exec(t, f.d, `UPDATE users SET session_version = session_version + 1 WHERE id = ?`, f.buyer)
			return p.RefreshToken
		}},
		{"user deactivated", func(t *testing.T, f fixture, p apitoken.Pair) string {
			exec(t, f.d, `UPDATE users SET active = FALSE WHERE id = ?`, f.buyer)
			return p.RefreshToken
		}},
		{"user deleted", func(t *testing.T, f fixture, p apitoken.Pair) string {
			exec(t, f.d, `UPDATE users SET deleted_at = ? WHERE id = ?`, start.UTC(), f.buyer)
			return p.RefreshToken
		}},
		{"logged out", func(t *testing.T, f fixture, p apitoken.Pair) string {
			if err := f.s.Revoke(t.Context(), p.RefreshToken); err != nil {
				t.Fatal(err)
			}
			return p.RefreshToken
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			p := f.issue(t, f.buyer)
			tok := tt.change(t, f, p)
			_, err := f.s.Refresh(t.Context(), tok, "", "")
			unauthenticated(t, "Refresh", err, false)
			// A refused token is not consumed: it is refused the same way
			// again, not reported as reused.
			_, err = f.s.Refresh(t.Context(), tok, "", "")
			unauthenticated(t, "Refresh again", err, false)
		})
	}
}

func TestRefreshJustBeforeExpiry(t *testing.T) {
	t.Parallel()
	f := setup(t)
	p := f.issue(t, f.buyer)
	f.clk.Advance(30*24*time.Hour - time.Second)
	if _, err := f.s.Refresh(t.Context(), p.RefreshToken, "", ""); err != nil {
		t.Fatalf("Refresh a second before expiry: %v", err)
	}
}

func TestFamilyLifetime(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p := f.issue(t, f.buyer)
	// Refreshing every 29 days keeps the sign-in until its 90 days are up.
	for i := range 3 {
		f.clk.Advance(29 * 24 * time.Hour)
		next, err := f.s.Refresh(ctx, p.RefreshToken, "", "")
		if err != nil {
			t.Fatalf("refresh %d: %v", i, err)
		}
		p = next
	}
	// Day 87: the family ends at 90 days, and so do its tokens.
	f.clk.Advance(3*24*time.Hour - 5*time.Minute)
	next, err := f.s.Refresh(ctx, p.RefreshToken, "", "")
	if err != nil {
		t.Fatalf("refresh near the end: %v", err)
	}
	if next.ExpiresIn != 5*time.Minute {
		t.Errorf("ExpiresIn near the family's end = %v, want 5m", next.ExpiresIn)
	}
	c, err := f.s.Verify(ctx, next.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if want := start.UTC().Truncate(time.Second).Add(90 * 24 * time.Hour); !c.ExpiresAt.Equal(want) {
		t.Errorf("ExpiresAt = %v, want the family's end %v", c.ExpiresAt, want)
	}
	f.clk.Advance(5 * time.Minute)
	_, err = f.s.Refresh(ctx, next.RefreshToken, "", "")
	unauthenticated(t, "Refresh after 90 days", err, false)
}

func TestRevoke(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	phone := f.issue(t, f.buyer)
	tablet := f.issue(t, f.buyer)
	rotated := phone.RefreshToken
	phone, err := f.s.Refresh(ctx, phone.RefreshToken, "", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.s.Revoke(ctx, phone.RefreshToken); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	_, err = f.s.Verify(ctx, phone.AccessToken)
	unauthenticated(t, "Verify after logout", err, false)
	_, err = f.s.Refresh(ctx, phone.RefreshToken, "", "")
	unauthenticated(t, "Refresh after logout", err, false)
	// Other sign-ins stay.
	if _, err := f.s.Verify(ctx, tablet.AccessToken); err != nil {
		t.Fatalf("Verify the other sign-in: %v", err)
	}
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"twice", phone.RefreshToken, nil},
		{"with a rotated token of the family", rotated, nil},
		{"unknown", strings.Repeat("A", 43), fault.ErrUnauthenticated},
		{"malformed", "x", fault.ErrUnauthenticated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := f.s.Revoke(ctx, tt.token); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Fatalf("Revoke = %v, want %v", err, tt.want)
			}
		})
	}
	// A rotated token also ends its family, and the revocation time stays
	// the first.
	f.clk.Advance(time.Hour)
	if err := f.s.Revoke(ctx, tablet.RefreshToken); err != nil {
		t.Fatal(err)
	}
	var revoked []time.Time
	if err := f.d.Read().SelectContext(ctx, &revoked, `SELECT revoked_at FROM api_token_families ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if len(revoked) != 2 || !revoked[0].Equal(start) || !revoked[1].Equal(start.Add(time.Hour)) {
		t.Fatalf("revoked_at = %v", revoked)
	}
}

func TestUserChanges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, f fixture)
	}{
		{"session version bumped", func(t *testing.T, f fixture) {
			exec(t, f.d, `UPDATE users SET session_version = session_version + 1 WHERE id = ?`, f.buyer)
		}},
		{"password changed: bump and RevokeUser in one transaction", func(t *testing.T, f fixture) {
			err := f.d.InTx(t.Context(), func(q db.Querier) error {
				if _, err := q.ExecContext(t.Context(), q.Rebind(
					`UPDATE users SET password_hash = 'new', session_version = session_version + 1 WHERE id = ?`), f.buyer); err != nil {
					return err
				}
				return f.s.RevokeUser(t.Context(), q, f.buyer)
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"RevokeUser alone", func(t *testing.T, f fixture) {
			if err := f.s.RevokeUser(t.Context(), f.d.Write(), f.buyer); err != nil {
				t.Fatal(err)
			}
		}},
		{"deactivated", func(t *testing.T, f fixture) {
			exec(t, f.d, `UPDATE users SET active = FALSE WHERE id = ?`, f.buyer)
		}},
		{"deleted", func(t *testing.T, f fixture) {
			exec(t, f.d, `UPDATE users SET deleted_at = ? WHERE id = ?`, start.UTC(), f.buyer)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			ctx := t.Context()
			pairs := []apitoken.Pair{f.issue(t, f.buyer), f.issue(t, f.buyer)}
			bystander := f.issue(t, f.other)
			tt.change(t, f)
			for i, p := range pairs {
				_, err := f.s.Verify(ctx, p.AccessToken)
				unauthenticated(t, "Verify", err, false)
				_, err = f.s.Refresh(ctx, p.RefreshToken, "", "")
				unauthenticated(t, "Refresh", err, false)
				_ = i
			}
			if _, err := f.s.Verify(ctx, bystander.AccessToken); err != nil {
				t.Fatalf("another user's token: %v", err)
			}
		})
	}
}

func TestRevokeUserRollsBack(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p := f.issue(t, f.buyer)
	boom := errors.New("boom")
	err := f.d.InTx(ctx, func(q db.Querier) error {
		if err := f.s.RevokeUser(ctx, q, f.buyer); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := f.s.Verify(ctx, p.AccessToken); err != nil {
		t.Fatalf("Verify after a rolled-back RevokeUser: %v", err)
	}
}

func TestNewSignInAfterPasswordChange(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	f.issue(t, f.buyer)
	exec(t, f.d, `UPDATE users SET session_version = session_version + 1 WHERE id = ?`, f.buyer)
	p := f.issue(t, f.buyer)
	c, err := f.s.Verify(ctx, p.AccessToken)
	if err != nil || c.SessionVersion != 2 {
		t.Fatalf("Verify = %+v, %v; want version 2", c, err)
	}
	if _, err := f.s.Refresh(ctx, p.RefreshToken, "", ""); err != nil {
		t.Fatal(err)
	}
}

func TestPrune(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	day := 24 * time.Hour
	count := func(table string) int {
		t.Helper()
		var n int
		if err := f.d.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM `+table); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// Day 0: "idle" signs in and is never used again; "loggedout" signs in
	// and out; "active" refreshes every 20 days.
	idle := f.issue(t, f.buyer)
	loggedout := f.issue(t, f.buyer)
	if err := f.s.Revoke(ctx, loggedout.RefreshToken); err != nil {
		t.Fatal(err)
	}
	active := f.issue(t, f.other)
	for range 2 { // day 20, day 40
		f.clk.Advance(20 * day)
		var err error
		if active, err = f.s.Refresh(ctx, active.RefreshToken, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if count("api_token_families") != 3 || count("api_refresh_tokens") != 5 {
		t.Fatalf("%d families, %d tokens", count("api_token_families"), count("api_refresh_tokens"))
	}
	s := start.UTC()
	tests := []struct {
		name             string
		before           time.Time
		want             int64
		families, tokens int
	}{
		{"nothing ended yet", s.Add(-time.Second), 0, 3, 5},
		// The revoked family and its token.
		{"at the logout", s, 2, 2, 4},
		// The idle family's only token expired: token and family go; the
		// active family loses its first, rotated token and keeps the rest.
		{"thirty days on", s.Add(30 * day), 3, 1, 2},
		{"again", s.Add(30 * day), 0, 1, 2},
	}
	for _, tt := range tests { // in order: each prunes what the last left
		n, err := f.s.Prune(ctx, tt.before)
		if err != nil || n != tt.want {
			t.Fatalf("%s: Prune = %d, %v; want %d", tt.name, n, err, tt.want)
		}
		if fam, tok := count("api_token_families"), count("api_refresh_tokens"); fam != tt.families || tok != tt.tokens {
			t.Fatalf("%s: %d families and %d tokens left, want %d and %d", tt.name, fam, tok, tt.families, tt.tokens)
		}
	}
	// The active sign-in still works, its chain cut where pruned.
	if _, err := f.s.Verify(ctx, active.AccessToken); err != nil {
		t.Fatalf("Verify the active sign-in: %v", err)
	}
	if _, err := f.s.Refresh(ctx, active.RefreshToken, "", ""); err != nil {
		t.Fatalf("Refresh the active sign-in: %v", err)
	}
	_, err := f.s.Refresh(ctx, idle.RefreshToken, "", "")
	unauthenticated(t, "Refresh a pruned token", err, false)
}
