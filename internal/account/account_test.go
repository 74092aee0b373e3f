package account

import (
	"context"
	"errors"
	"github.com/mallang/mallang/internal/account/address"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify/notifytest"
	"github.com/mallang/mallang/internal/ratelimit"
)

func TestPasswordHash(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("말랑말랑한-비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=12288,t=3,p=1$") {
		t.Fatalf("hash %q is not argon2id PHC", h)
	}
	// An unknown address must cost what a known one does.
	if params := h[:strings.LastIndex(h[:strings.LastIndex(h, "$")], "$")]; !strings.HasPrefix(dummyHash, params+"$") {
		t.Fatalf("the dummy hash %q does not have the parameters of new hashes (%s)", dummyHash, params)
	}
	tests := []struct {
		name, hash, pw string
		want           bool
		wantErr        bool
	}{
		{"right", h, "말랑말랑한-비밀번호", true, false},
		{"wrong", h, "말랑말랑한-비밀번호!", false, false},
		// A hash made with the first release's parameters (m=19 MiB, t=2).
		{"earlier parameters", "$argon2id$v=19$m=19456,t=2,p=1$66eQ656R7IaM6riILTAxMjM$qIjVG0QkP2QUpgWWOjI1oq4qL8l2mSmGdtSqswU3ry0", "예전-비밀번호", true, false},
		{"earlier parameters, wrong", "$argon2id$v=19$m=19456,t=2,p=1$66eQ656R7IaM6riILTAxMjM$qIjVG0QkP2QUpgWWOjI1oq4qL8l2mSmGdtSqswU3ry0", "예전-비밀번호!", false, false},
		{"garbage hash", "$bcrypt$x", "x", false, true},
		{"truncated hash", h[:30], "x", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, err := CheckPassword(tt.hash, tt.pw)
			if ok != tt.want || (err != nil) != tt.wantErr {
				t.Fatalf("CheckPassword = %v, %v", ok, err)
			}
		})
	}
}

func TestCreateSuperuser(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	ctx := context.Background()
	f := &fixture{}
	s := NewService(d, Options{Keyring: crypt.DeriveKeyring(make([]byte, 32)), Mailer: notifytest.Outbox(d, time.Now),
		Limiter: ratelimit.New(d, time.Now, []byte("test rate-limit secret")), Blocklist: blocklist(nil), Audit: audit.New(d, time.Now), SecondFactor: secondFactor{f},
		Tokens: noted{f, &f.ended}, Addresses: noted{f, &f.gone}, Identities: noted{f, &f.unlinked},
		Dormant: address.New(d, crypt.DeriveKeyring(make([]byte, 32)), time.Now)},
		func() time.Time { return time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC) }, slog.New(slog.NewTextHandler(io.Discard, nil)))

	_, err := s.CreateSuperuser(ctx, "not-an-address", "", "short")
	inv, ok := fault.AsInvalid(err)
	if !ok || inv.Fields["email"] == "" || inv.Fields["password"] == "" {
		t.Fatalf("bad input: %v", err)
	}
	u, err := s.CreateSuperuser(ctx, " Boss@Shop.KR ", "사장님", "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "boss@shop.kr" || u.Role != Superuser || !u.Active {
		t.Fatalf("user = %+v", u)
	}
	if _, err := s.Authenticate(ctx, "BOSS@shop.kr", "correct horse battery"); err != nil {
		t.Fatalf("Authenticate: %v", err)
	}
	// Running createadmin again for the same address resets the password.
	if _, err := s.CreateSuperuser(ctx, "boss@shop.kr", "사장님", "a brand new password"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Authenticate(ctx, "boss@shop.kr", "correct horse battery"); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("old password still works: %v", err)
	}
	if _, err := s.Authenticate(ctx, "nobody@shop.kr", "whatever"); !errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("unknown address: %v", err)
	}
	var n int
	if err := d.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM users`); err != nil || n != 1 {
		t.Fatalf("users = %d, %v", n, err)
	}
	// A database that cannot answer is a failure, not a wrong password.
	d.Close()
	if _, err := s.Authenticate(ctx, "boss@shop.kr", "a brand new password"); err == nil || errors.Is(err, fault.ErrUnauthenticated) {
		t.Fatalf("Authenticate on a closed database = %v, want a database error", err)
	}
}
