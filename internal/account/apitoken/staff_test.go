package apitoken_test

import (
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account/apitoken"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
)

// grant is a staff grant for userID at session version 1 (a new user's).
func grant(userID int64, scopes ...string) apitoken.StaffGrant {
	return apitoken.StaffGrant{
		Actor:          audit.Actor{UserID: userID, Email: "buyer@example.com", IP: "203.0.113.7", UserAgent: "mallang-cli/1.0"},
		SessionVersion: 1, Scopes: scopes,
	}
}

func TestIssueStaff(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := t.Context()
	p, err := f.s.IssueStaff(ctx, grant(f.buyer, "catalog", "orders"))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Scopes, []string{"catalog", "orders"}) || p.ExpiresIn != apitoken.DefaultAccessTTL {
		t.Errorf("pair = %+v", p)
	}
	c, err := f.s.Verify(ctx, p.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Staff || !slices.Equal(c.Scopes, []string{"catalog", "orders"}) || c.UserID != f.buyer {
		t.Errorf("claims = %+v", c)
	}
	// A customer's sign-in has no scopes and is not staff.
	cp := f.issue(t, f.other)
	if len(cp.Scopes) != 0 {
		t.Errorf("customer pair scopes = %v", cp.Scopes)
	}
	if cc, err := f.s.Verify(ctx, cp.AccessToken); err != nil || cc.Staff || len(cc.Scopes) != 0 {
		t.Errorf("customer claims = %+v, %v", cc, err)
	}

	// The issue is audited, with who and the scopes.
	es := audittest.Entries(t, f.d, "apitoken.staff_issued")
	if len(es) != 1 {
		t.Fatalf("audit entries = %+v", es)
	}
	e := es[0]
	if e.ActorID != f.buyer || e.ActorEmail != "buyer@example.com" || e.IP != "203.0.113.7" || e.UserAgent != "mallang-cli/1.0" ||
		e.TargetType != "user" || e.Detail["scopes"] != "catalog,orders" || e.Detail["family_id"] == nil {
		t.Errorf("audit entry = %+v", e)
	}

	// A refresh keeps the scopes.
	next, err := f.s.Refresh(ctx, p.RefreshToken, "mallang-cli/1.0", "203.0.113.7")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(next.Scopes, []string{"catalog", "orders"}) {
		t.Errorf("refreshed scopes = %v", next.Scopes)
	}
	if c, err := f.s.Verify(ctx, next.AccessToken); err != nil || !c.Staff || len(c.Scopes) != 2 {
		t.Errorf("refreshed claims = %+v, %v", c, err)
	}
}

func TestIssueStaffRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(t *testing.T, f fixture)
		grant  func(f fixture) apitoken.StaffGrant
	}{
		// The rights the scopes came from were read before a role or
		// password change: the grant must not outlive it.
		{"session version moved on", func(t *testing.T, f fixture) {
			exec(t, f.d, `UPDATE users SET session_version = session_version + 1 WHERE id = ?`, f.buyer)
		}, func(f fixture) apitoken.StaffGrant { return grant(f.buyer, "orders") }},
		{"user deactivated", func(t *testing.T, f fixture) {
			exec(t, f.d, `UPDATE users SET active = FALSE WHERE id = ?`, f.buyer)
		}, func(f fixture) apitoken.StaffGrant { return grant(f.buyer, "orders") }},
		{"unknown user", func(*testing.T, fixture) {}, func(fixture) apitoken.StaffGrant { return grant(999999, "orders") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			tt.change(t, f)
			_, err := f.s.IssueStaff(t.Context(), tt.grant(f))
			unauthenticated(t, "IssueStaff", err, false)
			if es := audittest.Entries(t, f.d, "apitoken.staff_issued"); len(es) != 0 {
				t.Errorf("a refused grant was audited: %+v", es)
			}
		})
	}
	t.Run("bad scope", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		for _, sc := range []string{"", "two words", `quo"te`, "한글"} {
			if _, err := f.s.IssueStaff(t.Context(), grant(f.buyer, sc)); err == nil {
				t.Errorf("scope %q accepted", sc)
			}
		}
	})
}

// TestIssueStaffAuditRefused shows that a staff token whose audit entry
// cannot be written is not issued: the family rolls back with it.
func TestIssueStaffAuditRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	audittest.Refuse(t, f.d)
	if _, err := f.s.IssueStaff(t.Context(), grant(f.buyer, "orders")); err == nil {
		t.Fatal("IssueStaff without an audit entry succeeded")
	}
	var n int
	if err := f.d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM api_token_families`); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Errorf("%d families left behind", n)
	}
}

func TestStaffLifetimes(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t.Run("idle", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		p, err := f.s.IssueStaff(ctx, grant(f.buyer, "orders"))
		if err != nil {
			t.Fatal(err)
		}
		// Unused for the staff refresh lifetime (an hour), the sign-in ends,
		// though a customer's refresh token would last a month.
		f.clk.Advance(apitoken.DefaultStaffRefreshTTL)
		_, err = f.s.Refresh(ctx, p.RefreshToken, "", "")
		unauthenticated(t, "Refresh after an idle hour", err, false)
	})
	t.Run("family", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		p, err := f.s.IssueStaff(ctx, grant(f.buyer, "orders"))
		if err != nil {
			t.Fatal(err)
		}
		// Refreshing every 50 minutes keeps it for twelve hours, no more.
		for elapsed := time.Duration(0); elapsed+50*time.Minute < apitoken.DefaultStaffFamilyTTL; elapsed += 50 * time.Minute {
			f.clk.Advance(50 * time.Minute)
			if p, err = f.s.Refresh(ctx, p.RefreshToken, "", ""); err != nil {
				t.Fatalf("refresh at %v: %v", elapsed+50*time.Minute, err)
			}
		}
		c, err := f.s.Verify(ctx, p.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if end := start.UTC().Truncate(time.Second).Add(apitoken.DefaultStaffFamilyTTL); c.ExpiresAt.After(end) {
			t.Errorf("access token ends %v, after the family's end %v", c.ExpiresAt, end)
		}
		f.clk.Set(start.Add(apitoken.DefaultStaffFamilyTTL))
		_, err = f.s.Refresh(ctx, p.RefreshToken, "", "")
		unauthenticated(t, "Refresh after twelve hours", err, false)
		_, err = f.s.Verify(ctx, p.AccessToken)
		unauthenticated(t, "Verify after twelve hours", err, false)
	})
}

// TestStaffRevoked shows that a staff sign-in ends like a customer's: on a
// session version bump (a role or password change, "sign out everywhere")
// and on RevokeUser.
func TestStaffRevoked(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	for _, tt := range []struct {
		name string
		end  func(t *testing.T, f fixture)
	}{
		{"session version bumped", func(t *testing.T, f fixture) {
			exec(t, f.d, `UPDATE users SET session_version = session_version + 1 WHERE id = ?`, f.buyer)
		}},
		{"revoked", func(t *testing.T, f fixture) {
			if err := f.s.RevokeUser(ctx, f.d.Write(), f.buyer); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			p, err := f.s.IssueStaff(ctx, grant(f.buyer, "orders"))
			if err != nil {
				t.Fatal(err)
			}
			tt.end(t, f)
			_, err = f.s.Verify(ctx, p.AccessToken)
			unauthenticated(t, "Verify", err, false)
			_, err = f.s.Refresh(ctx, p.RefreshToken, "", "")
			unauthenticated(t, "Refresh", err, false)
		})
	}
}
