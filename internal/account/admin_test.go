package account

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/fault"
)

// superuser makes an active superuser with email.
func (f *fixture) superuser(t *testing.T, email string) User {
	t.Helper()
	u, err := f.s.CreateSuperuser(context.Background(), email, "관리자", "말랑한 관리자의 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestListUsers(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	boss := f.superuser(t, "boss@example.com")
	for i := range 7 {
		u := f.superuser(t, fmt.Sprintf("member%d@example.com", i))
		if _, err := f.s.SetRole(ctx, audit.Actor{UserID: boss.ID}, u.ID, Customer, nil); err != nil {
			t.Fatal(err)
		}
	}
	staff := f.superuser(t, "Staff.Kim@Example.com")
	if _, err := f.s.SetRole(ctx, audit.Actor{UserID: boss.ID}, staff.ID, Staff, Permissions{PermMail}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		q         UserQuery
		wantN     int
		wantTotal int
		first     string
	}{
		{"all, first page", UserQuery{Limit: 3}, 3, 9, "staff.kim@example.com"},
		{"all, last page", UserQuery{Limit: 3, Offset: 6}, 3, 9, "member1@example.com"},
		{"search email, any case", UserQuery{Search: "MEMBER"}, 7, 7, "member6@example.com"},
		{"search name", UserQuery{Search: "관리"}, 9, 9, "staff.kim@example.com"},
		{"staff only", UserQuery{StaffOnly: true}, 2, 2, "staff.kim@example.com"},
		{"like wildcards are literal", UserQuery{Search: "%_"}, 0, 0, ""},
		{"nothing", UserQuery{Search: "nobody"}, 0, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			us, total, err := f.s.ListUsers(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(us) != tt.wantN || total != tt.wantTotal {
				t.Fatalf("got %d of %d, want %d of %d", len(us), total, tt.wantN, tt.wantTotal)
			}
			if tt.first != "" && us[0].Email != tt.first {
				t.Fatalf("first = %s, want %s", us[0].Email, tt.first)
			}
		})
	}
}

func TestSetRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	boss := f.superuser(t, "boss@example.com")
	u := f.signedUp(t)

	st := NewSessionStore(f.d, nil, f.clock.Now)
	data, err := scs.GobCodec{}.Encode(f.clock.Now().Add(time.Hour), map[string]any{SessionUserID: u.ID, SessionVersion: u.SessionVersion})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.CommitCtx(ctx, "minji-session", data, f.clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}

	c, err := f.s.SetRole(ctx, staffOf(boss), u.ID, Staff, Permissions{PermSecurity, PermMail, PermMail})
	if err != nil {
		t.Fatal(err)
	}
	if c.FromRole != Customer || c.ToRole != Staff || c.ToPermissions.String() != "mail,security" || !c.Changed() || c.Email != "minji@example.com" {
		t.Fatalf("change = %+v", c)
	}
	es := audittest.Entries(t, f.d, "user.role_changed")
	if len(es) != 1 || es[0].ActorID != boss.ID || es[0].ActorEmail != boss.Email || es[0].TargetType != "user" ||
		es[0].TargetID != strconv.FormatInt(u.ID, 10) || es[0].Detail["email"] != "minji@example.com" || es[0].Detail["from_role"] != "customer" ||
		es[0].Detail["to_role"] != "staff" || es[0].Detail["from_permissions"] != "" || es[0].Detail["to_permissions"] != "mail,security" {
		t.Fatalf("entries = %+v", es)
	}
	if _, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("old session still valid: %v", err)
	}
	if n, _ := st.UserSessions(ctx, u.ID); n != 0 {
		t.Fatalf("%d sessions left", n)
	}
	if len(f.ended) != 1 || f.ended[0] != u.ID {
		t.Fatalf("API tokens ended for %v", f.ended)
	}
	got, _ := f.s.User(ctx, u.ID)
	if got.Role != Staff || !got.Can(PermMail) || got.Can(PermCatalog) {
		t.Fatalf("user = %+v", got)
	}

	// The same again changes nothing, ends no session and records nothing.
	c, err = f.s.SetRole(ctx, staffOf(boss), u.ID, Staff, Permissions{PermMail, PermSecurity})
	if err != nil || c.Changed() {
		t.Fatalf("no-op = %+v, %v", c, err)
	}
	if es := audittest.Entries(t, f.d, ""); len(es) != 1 {
		t.Fatalf("a no-op recorded %+v", es[0])
	}
	if again, _ := f.s.User(ctx, u.ID); again.SessionVersion != got.SessionVersion {
		t.Fatal("a no-op moved the session version")
	}

	// A superuser keeps no permission list.
	c, err = f.s.SetRole(ctx, audit.Actor{UserID: boss.ID}, u.ID, Superuser, Permissions{PermMail})
	if err != nil || len(c.ToPermissions) != 0 {
		t.Fatalf("to superuser = %+v, %v", c, err)
	}

	// An audit log that refuses the entry rolls the change back.
	g := newFixture(t)
	gboss, gu := g.superuser(t, "boss@example.com"), g.signedUp(t)
	audittest.Refuse(t, g.d)
	if _, err := g.s.SetRole(ctx, staffOf(gboss), gu.ID, Staff, nil); err == nil {
		t.Fatal("SetRole with the audit log refusing succeeded")
	}
	if back, _ := g.s.User(ctx, gu.ID); back.Role != Customer || back.SessionVersion != gu.SessionVersion {
		t.Fatalf("after the refused entry: %+v", back)
	}

	for _, tt := range []struct {
		name          string
		actor, target int64
		role          Role
		perms         Permissions
		want          error
	}{
		{"unknown role", boss.ID, u.ID, Role("king"), nil, errInvalid},
		{"unknown permission", boss.ID, u.ID, Staff, Permissions{"fly"}, errInvalid},
		{"no such user", boss.ID, 9999, Staff, nil, fault.ErrNotFound},
		{"no such actor", 9999, u.ID, Staff, nil, fault.ErrForbidden},
		{"another superuser may", u.ID, boss.ID, Customer, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.SetRole(ctx, audit.Actor{UserID: tt.actor}, tt.target, tt.role, tt.perms)
			if tt.want == errInvalid {
				if _, ok := fault.AsInvalid(err); !ok {
					t.Fatalf("SetRole = %v, want *fault.Invalid", err)
				}
				return
			}
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("SetRole = %v, want %v", err, tt.want)
			}
		})
	}
	// boss is a customer now, so may no longer change roles.
	if _, err := f.s.SetRole(ctx, audit.Actor{UserID: boss.ID}, u.ID, Staff, nil); !errors.Is(err, fault.ErrForbidden) {
		t.Fatalf("customer changes a role: %v", err)
	}
}

// errInvalid stands for a *fault.Invalid in test tables.
var errInvalid = errors.New("invalid")

func TestLastSuperuserKeepsRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.superuser(t, "a@example.com")
	if _, err := f.s.SetRole(ctx, audit.Actor{UserID: a.ID}, a.ID, Staff, Permissions{PermSecurity}); !errors.Is(err, ErrLastSuperuser) || !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("demote the only superuser = %v", err)
	}
	b := f.superuser(t, "b@example.com")
	if _, err := f.s.SetRole(ctx, audit.Actor{UserID: a.ID}, a.ID, Staff, nil); err != nil {
		t.Fatalf("demote self with another superuser left = %v", err)
	}
	if _, err := f.s.SetRole(ctx, audit.Actor{UserID: b.ID}, b.ID, Customer, nil); !errors.Is(err, ErrLastSuperuser) {
		t.Fatalf("demote the last one = %v", err)
	}
}

func TestSuperusersDemotingEachOther(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a := f.superuser(t, "a@example.com")
	b := f.superuser(t, "b@example.com")
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, pair := range [][2]int64{{a.ID, b.ID}, {b.ID, a.ID}} {
		wg.Go(func() {
			_, errs[i] = f.s.SetRole(ctx, audit.Actor{UserID: pair[0]}, pair[1], Staff, nil)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrLastSuperuser), errors.Is(err, fault.ErrForbidden):
		default:
			t.Fatalf("SetRole = %v", err)
		}
	}
	_, n, err := f.s.ListUsers(ctx, UserQuery{StaffOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var supers int
	us, _, _ := f.s.ListUsers(ctx, UserQuery{})
	for _, u := range us {
		if u.Role == Superuser {
			supers++
		}
	}
	if ok != 1 || supers != 1 || n != 2 {
		t.Fatalf("%d changes went through, %d superusers left (errors %v)", ok, supers, errs)
	}
}

// staffOf is u acting in the back office.
func staffOf(u User) audit.Actor {
	return audit.Actor{UserID: u.ID, Email: u.Email, IP: "192.0.2.1", UserAgent: "account test"}
}

// A reset of the second factor, the end of the sessions and its audit
// entry commit together.
func TestResetSecondFactor(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	boss := f.superuser(t, "boss@example.com")
	u := f.signedUp(t)
	if err := f.s.ResetSecondFactor(ctx, staffOf(boss), u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.SessionUser(ctx, u.ID, u.SessionVersion); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("session survived: %v", err)
	}
	if len(f.resets) != 1 || f.resets[0] != u.ID || len(f.ended) != 1 {
		t.Fatalf("second factors reset %v, sessions ended %v", f.resets, f.ended)
	}
	es := audittest.Entries(t, f.d, "twofactor.reset")
	if len(es) != 1 || es[0].ActorID != boss.ID || es[0].TargetID != strconv.FormatInt(u.ID, 10) || es[0].Detail["email"] != u.Email {
		t.Fatalf("entries = %+v", es)
	}
	if err := f.s.ResetSecondFactor(ctx, staffOf(boss), 9999); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("ResetSecondFactor(unknown) = %v", err)
	}

	audittest.Refuse(t, f.d)
	now, _ := f.s.User(ctx, u.ID)
	if err := f.s.ResetSecondFactor(ctx, staffOf(boss), u.ID); err == nil {
		t.Fatal("ResetSecondFactor with the audit log refusing succeeded")
	}
	if again, _ := f.s.User(ctx, u.ID); again.SessionVersion != now.SessionVersion {
		t.Fatal("a refused entry left the sessions ended")
	}
}
