package coupon_test

import (
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// An issued coupon is its customer's alone, usable once, listed as theirs
// and not among the shop's coupons, and audited.
func TestIssue(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	owner := newUser(t, d, "owner@example.com")
	other := newUser(t, d, "other@example.com")
	g := coupon.Grant{Name: "생일 축하 쿠폰", Kind: coupon.KindFixed, Amount: 5000, MinOrder: 10000, EndsAt: t0.AddDate(0, 0, 30), Prefix: "BDAY"}
	var c coupon.Coupon
	if err := d.InTx(t.Context(), func(q db.Querier) (err error) {
		c, err = s.Issue(t.Context(), q, audit.Actor{}, owner, g)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Code, "BDAY-") || c.UserID != owner || c.TotalLimit != 1 {
		t.Fatalf("issued %+v", c)
	}
	tests := []struct {
		name   string
		user   int64
		reason string
	}{
		{"another customer", other, "is not a valid coupon code"},
		{"a visitor", 0, "is not a valid coupon code"},
		{"the owner", owner, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Check(t.Context(), strings.ToLower(c.Code), tt.user)
			if got := reason(err); got != tt.reason || (tt.reason == "" && err != nil) {
				t.Fatalf("Check by %d = %v, want %q", tt.user, err, tt.reason)
			}
		})
	}
	if got := reason(redeem(t, s, d, c.ID, other, 1)); got != "is not a valid coupon code" {
		t.Fatalf("another customer redeemed it: %q", got)
	}
	own, err := s.Own(t.Context(), owner)
	if err != nil || len(own) != 1 || own[0].Code != c.Code {
		t.Fatalf("Own = %+v, %v", own, err)
	}
	if err := redeem(t, s, d, c.ID, owner, 2); err != nil {
		t.Fatal(err)
	}
	if got := reason(redeem(t, s, d, c.ID, owner, 3)); got == "" {
		t.Fatal("redeemed twice")
	}
	if own, err := s.Own(t.Context(), owner); err != nil || len(own) != 0 {
		t.Fatalf("a used coupon is still offered: %+v, %v", own, err)
	}
	if list, err := s.List(t.Context(), 50, 0); err != nil || len(list) != 0 {
		t.Fatalf("the shop's list shows %+v, %v", list, err)
	}
	var n int
	if err := d.Read().GetContext(t.Context(), &n, `SELECT COUNT(*) FROM audit_log WHERE action = 'coupon.issued'`); err != nil || n != 1 {
		t.Fatalf("%d audit entries, %v", n, err)
	}
	// Bad terms issue nothing.
	g.Amount = 0
	err = d.InTx(t.Context(), func(q db.Querier) error { _, err := s.Issue(t.Context(), q, audit.Actor{}, owner, g); return err })
	if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["amount"] == "" {
		t.Fatalf("Issue with no amount = %v", err)
	}
}
