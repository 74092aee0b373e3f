package apitoken_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

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
			for _, p := range pairs {
				_, err := f.s.Verify(ctx, p.AccessToken)
				unauthenticated(t, "Verify", err, false)
				_, err = f.s.Refresh(ctx, p.RefreshToken, "", "")
				unauthenticated(t, "Refresh", err, false)
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
