package stats_test

import (
	"testing"

	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/promotion"
	"github.com/mallang/mallang/internal/stats"
)

// A paid order's grade discount is counted, in the transaction that pays
// it, on its own: the day's and the month's figures carry it, and what was
// paid is the gross less it.
func TestGradeDiscountCounted(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	ctx := t.Context()
	if _, err := h.Promos.UpdateGrade(ctx, h.staff.Audit, "gold", promotion.GradeChange{Name: "골드", EarnPermille: 30,
		MinSpend: 1000000, DiscountPercent: 10}); err != nil {
		t.Fatal(err)
	}
	gold := h.Customer(t, "gold@example.com")
	if err := h.Promos.SetGrade(ctx, h.staff.Audit, gold, "gold"); err != nil {
		t.Fatal(err)
	}
	v := h.Product(t, "한라봉", 30000, 100)
	at := kstTime("2026-12-02", 10, 0, 0)
	o := h.place(t, at, gold, "card", order.PCWeb, map[int64]int64{v: 2}) // 60,000 − 6,000, ships free
	if o.GradeDiscount != 6000 || o.Total != 54000 {
		t.Fatalf("order grade discount %d, total %d; want 6000, 54000", o.GradeDiscount, o.Total)
	}
	welcome := h.place(t, at, 0, "card", order.PCWeb, map[int64]int64{v: 1}) // no discount, + 3,000 shipping
	for _, day := range []stats.Range{{From: "2026-12-02", To: "2026-12-02"}, {From: "2026-12-01", To: "2026-12-31"}} {
		if f, err := h.Stats.Total(ctx, day); err != nil || f.Orders != 0 {
			t.Fatalf("before payment: %+v, %v", f, err)
		}
	}
	h.pay(t, o, at.Add(0))
	h.pay(t, welcome, at.Add(0))
	for _, r := range []stats.Range{{From: "2026-12-02", To: "2026-12-02"}, {From: "2026-11-01", To: "2026-12-31"}} {
		f, err := h.Stats.Total(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if f.Orders != 2 || f.Gross != 90000 || f.GradeDiscount != 6000 || f.Paid != 87000 ||
			f.Paid != f.Gross-f.GradeDiscount-f.Coupon-f.Points+f.Shipping {
			t.Errorf("figures over %v = %+v; want 2 orders, gross 90,000, grade discount 6,000, paid 87,000", r, f)
		}
	}
}
