package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// A blocked customer cannot sign in with the right password and is told
// the reason; their sessions and tokens end; unblocking lets them in again;
// both are audited with the staff member.
func TestBlockAndUnblock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	boss := f.superuser(t, "boss@shop.kr")
	if _, err := f.d.Write().ExecContext(ctx, f.d.Write().Rebind(`INSERT INTO sessions (token_hash, user_id, data, expires_at, created_at, updated_at)
		VALUES ('h', ?, ?, ?, ?, ?)`), u.ID, []byte{}, f.clock.Now().Add(time.Hour), f.clock.Now(), f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		reason string
		want   error
	}{
		{"reason required", "  ", &fault.Invalid{}},
		{"control characters", "a\x00b", &fault.Invalid{}},
	}
	for _, tt := range tests {
		if err := f.s.Block(ctx, staffOf(boss), u.ID, tt.reason); err == nil {
			t.Fatalf("%s: Block = nil, want invalid", tt.name)
		} else if _, ok := fault.AsInvalid(err); !ok {
			t.Fatalf("%s: Block = %v, want invalid", tt.name, err)
		}
	}
	if err := f.s.Block(ctx, staffOf(boss), u.ID, "반복된 허위 주문"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Block(ctx, staffOf(boss), u.ID, "again"); !errors.Is(err, ErrAlreadyBlocked) {
		t.Fatalf("second Block = %v, want ErrAlreadyBlocked", err)
	}
	if err := f.s.Block(ctx, staffOf(boss), boss.ID, "staff"); !errors.Is(err, fault.ErrForbidden) {
		t.Fatalf("Block of staff = %v, want forbidden", err)
	}
	if n := f.count(t, "sessions"); n != 0 {
		t.Fatalf("sessions after block = %d, want 0", n)
	}
	if len(f.ended) == 0 || f.ended[len(f.ended)-1] != u.ID {
		t.Fatalf("API tokens not ended: %v", f.ended)
	}
	_, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password, IP: "198.51.100.7", UserAgent: "test"})
	b, ok := AsBlocked(err)
	if !ok || b.Reason != "반복된 허위 주문" || !errors.Is(err, fault.ErrForbidden) {
		t.Fatalf("Login of blocked = %v, want BlockedError with the reason", err)
	}
	if _, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion+1); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("SessionUser of blocked = %v", err)
	}
	if err := f.s.Standing(ctx, f.d.Read(), u.ID); err == nil {
		t.Fatal("Standing of blocked = nil")
	}
	if err := f.s.Unblock(ctx, staffOf(boss), u.ID, "소명 확인"); err != nil {
		t.Fatal(err)
	}
	if err := f.s.Unblock(ctx, staffOf(boss), u.ID, "again"); !errors.Is(err, ErrNotBlocked) {
		t.Fatalf("second Unblock = %v, want ErrNotBlocked", err)
	}
	if _, err := f.s.Login(ctx, Login{Email: minji.Email, Password: minji.Password}); err != nil {
		t.Fatalf("Login after unblock = %v", err)
	}
	if err := f.s.Standing(ctx, f.d.Read(), u.ID); err != nil {
		t.Fatalf("Standing after unblock = %v", err)
	}
	var n int
	if err := f.d.Read().GetContext(ctx, &n, f.d.Read().Rebind(`SELECT COUNT(*) FROM audit_log WHERE actor_id = ? AND action IN ('user.blocked', 'user.unblocked')`), boss.ID); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("audit entries = %d, want 2", n)
	}
}

// Every sign-in attempt of an account is recorded with its address, user
// agent and outcome, and old ones are pruned.
func TestLoginEvents(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	for _, pw := range []string{"wrong password!!", minji.Password} {
		_, _ = f.s.Login(ctx, Login{Email: minji.Email, Password: pw, IP: "198.51.100.7", UserAgent: "Mozilla/5.0"})
	}
	_, _ = f.s.Login(ctx, Login{Email: "nobody@example.com", Password: "whatever it is", IP: "198.51.100.7"})
	es, err := f.s.LoginEvents(ctx, u.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || !es[0].Success || es[1].Success || es[0].IP != "198.51.100.7" || es[0].UserAgent != "Mozilla/5.0" || es[0].Method != LoginPassword {
		t.Fatalf("events = %+v", es)
	}
	if n := f.count(t, "login_events"); n != 2 {
		t.Fatalf("login_events = %d, want 2 (none for an unknown address)", n)
	}
	f.clock.Advance(KeepLoginEvents + time.Hour)
	if n, err := f.s.PruneLoginEvents(ctx); err != nil || n != 2 {
		t.Fatalf("PruneLoginEvents = %d, %v; want 2", n, err)
	}
}

// Consents are kept as a history: terms and marketing at sign-up, each
// later change of the marketing consent.
func TestConsentHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	u := f.signedUp(t)
	for _, on := range []bool{true, true, false} {
		if _, err := f.s.UpdateProfile(ctx, u.ID, Profile{Name: u.Name, Phone: u.Phone, MarketingConsent: on}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := f.s.Consents(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []ConsentEvent{{Kind: ConsentMarketing, Given: false}, {Kind: ConsentMarketing, Given: true},
		{Kind: ConsentMarketing, Given: false}, {Kind: ConsentTerms, Given: true}}
	if len(cs) != len(want) {
		t.Fatalf("consents = %+v, want %d", cs, len(want))
	}
	for i, c := range cs {
		if c.Kind != want[i].Kind || c.Given != want[i].Given {
			t.Fatalf("consent %d = %+v, want %+v", i, c, want[i])
		}
	}
}
