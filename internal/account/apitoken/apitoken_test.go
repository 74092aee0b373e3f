package apitoken_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

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
	clk   *fake.Clock
	s     *apitoken.Service
	buyer int64
	other int64
}

func setup(t *testing.T) fixture {
	t.Helper()
	d := dbtest.New(t)
	clk := fake.NewClock(start)
	s, err := apitoken.New(d, config(), audit.New(d, clk.Now), clk.Now)
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

// sha256Hex is how a refresh token is stored.
func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
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
		{"staff refresh not longer than access", func(c *apitoken.Config) { c.AccessTTL, c.StaffRefreshTTL = time.Hour, time.Hour }, false},
		{"staff refresh longer than staff family", func(c *apitoken.Config) { c.StaffRefreshTTL, c.StaffFamilyTTL = 2*time.Hour, time.Hour }, false},
		{"staff set", func(c *apitoken.Config) { c.StaffRefreshTTL, c.StaffFamilyTTL = 30*time.Minute, 8*time.Hour }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := config()
			tt.edit(&c)
			_, err := apitoken.New(d, c, audit.New(d, time.Now), time.Now)
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
