package customer_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/points"
)

// shopWith returns a test shop, a customer with a phone number and one
// address, and a staff actor.
func shopWith(t *testing.T) (*apptest.Shop, account.User, audit.Actor) {
	t.Helper()
	s := apptest.New(t, apptest.Options{})
	ctx := context.Background()
	u, err := s.Accounts.CreateSuperuser(ctx, "minji@example.com", "김민지", "말랑한 봄날의 산책")
	if err != nil {
		t.Fatal(err)
	}
	q := s.DB.Write()
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE users SET role = 'customer' WHERE id = ?`), u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Accounts.UpdateProfile(ctx, u.ID, account.Profile{Name: "김민지", Phone: "010-1234-5678", MarketingConsent: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Addresses().Create(ctx, u.ID, address.Input{Recipient: "김민지", Phone: "010-1234-5678", Postcode: "06236",
		Line1: "서울특별시 강남구 테헤란로 152", Line2: "12층"}); err != nil {
		t.Fatal(err)
	}
	boss, err := s.Accounts.CreateSuperuser(ctx, "boss@example.com", "사장님", "사장님의 아주 긴 비밀번호")
	if err != nil {
		t.Fatal(err)
	}
	return s, u, audit.Actor{UserID: boss.ID, Email: boss.Email, IP: "192.0.2.9", UserAgent: "test"}
}

func auditCount(t *testing.T, s *apptest.Shop, action string) int {
	t.Helper()
	var n int
	q := s.DB.Read()
	if err := q.GetContext(context.Background(), &n, q.Rebind(`SELECT COUNT(*) FROM audit_log WHERE action = ?`), action); err != nil {
		t.Fatal(err)
	}
	return n
}

// The profile shows the phone decrypted, the grade, the balance and the
// consent and sign-in histories.
func TestGet(t *testing.T) {
	t.Parallel()
	s, u, _ := shopWith(t)
	ctx := t.Context()
	if _, err := s.Accounts.Login(ctx, account.Login{Email: u.Email, Password: "말랑한 봄날의 산책", IP: "198.51.100.1", UserAgent: "Safari"}); err != nil {
		t.Fatal(err)
	}
	c, err := s.Customers().Get(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if c.Phone != "+821012345678" || c.Grade.Code == "" || len(c.Consents) != 1 || !c.Consents[0].Given ||
		len(c.Logins) != 1 || c.Logins[0].UserAgent != "Safari" {
		t.Fatalf("customer %+v", c)
	}
}

// Adjustments change the ledger and are audited in their transaction with
// the staff member; a bad one changes nothing; taking more than the
// balance follows the points rule (refused).
func TestAdjustPoints(t *testing.T) {
	t.Parallel()
	s, u, boss := shopWith(t)
	ctx := t.Context()
	cs := s.Customers()
	tests := []struct {
		name   string
		delta  int64
		reason string
		field  string
	}{
		{"zero", 0, "이유", "delta"},
		{"no reason", 100, "  ", "reason"},
		{"too large", 20_000_000, "이유", "delta"},
		{"more than the balance", -1, "회수", "delta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := cs.AdjustPoints(ctx, boss, u.ID, tt.delta, tt.reason)
			if inv, ok := fault.AsInvalid(err); !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("AdjustPoints = %v, want %s named", err, tt.field)
			}
		})
	}
	if n := auditCount(t, s, "points.adjusted"); n != 0 {
		t.Fatalf("refused adjustments audited: %d", n)
	}
	if b, err := cs.AdjustPoints(ctx, boss, u.ID, 5000, "배송 지연 보상"); err != nil || b != 5000 {
		t.Fatalf("AdjustPoints +5000 = %d, %v", b, err)
	}
	if b, err := cs.AdjustPoints(ctx, boss, u.ID, -2000, "중복 지급 회수"); err != nil || b != 3000 {
		t.Fatalf("AdjustPoints -2000 = %d, %v", b, err)
	}
	if _, err := cs.AdjustPoints(ctx, boss, u.ID, -3001, "초과 회수"); err == nil {
		t.Fatal("took more than the balance")
	}
	es, err := cs.Ledger(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 || es[0].Amount != -2000 || es[0].Memo != "중복 지급 회수" || es[0].ActorID != boss.UserID ||
		es[0].Kind != points.KindAdjust || es[1].Amount != 5000 || es[0].BalanceAfter != 3000 {
		t.Fatalf("ledger %+v", es)
	}
	if n := auditCount(t, s, "points.adjusted"); n != 2 {
		t.Fatalf("audited adjustments = %d, want 2", n)
	}
}

// Addresses are masked (nothing decrypted) until revealed; each reveal is
// audited with who viewed whose addresses.
func TestRevealAddresses(t *testing.T) {
	t.Parallel()
	s, u, boss := shopWith(t)
	ctx := t.Context()
	cs := s.Customers()
	masked, err := cs.Addresses(ctx, u.ID)
	if err != nil || len(masked) != 1 || masked[0].Recipient != "" || masked[0].Line1 != "" || !masked[0].IsDefault {
		t.Fatalf("masked = %+v, %v", masked, err)
	}
	if n := auditCount(t, s, "customer.addresses_viewed"); n != 0 {
		t.Fatalf("masked view audited")
	}
	full, err := cs.RevealAddresses(ctx, boss, u.ID)
	if err != nil || len(full) != 1 || !strings.Contains(full[0].Line1, "테헤란로") {
		t.Fatalf("revealed = %+v, %v", full, err)
	}
	es, _, err := s.Audit().List(ctx, audit.Filter{Action: "customer.addresses_viewed"})
	if err != nil || len(es) != 1 || es[0].ActorID != boss.UserID || es[0].TargetID != strconv.FormatInt(u.ID, 10) || es[0].TargetType != "user" {
		t.Fatalf("audit %+v, %v", es, err)
	}
}
