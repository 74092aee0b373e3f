package order_test

import (
	"slices"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// Staff move many orders at once: each through the table of transitions in
// a transaction of its own, audited with them; the ones the table refuses
// are reported with why and left as they were.
func TestBulkTransition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		from    []order.Status
		to      order.Status
		reason  string
		changed []int // indexes into from
		refused map[int]string
	}{
		{"paid ones to preparing", []order.Status{order.Paid, order.PendingPayment, order.Paid, order.Shipped},
			order.Preparing, "", []int{0, 2}, map[int]string{1: order.RefusedNotAllowed, 3: order.RefusedNotAllowed}},
		{"shipped ones delivered", []order.Status{order.Shipped, order.Delivered}, order.Delivered, "",
			[]int{0}, map[int]string{1: order.RefusedNotAllowed}},
		{"unpaid ones cancelled, paid ones kept for a refund", []order.Status{order.PendingPayment, order.Paid, order.AwaitingDeposit},
			order.Cancelled, "재고 부족", []int{0, 2}, map[int]string{1: order.RefusedPaid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			v := sh.Product(t, "말랑 드립백커피", 8000, 100)
			staff := sh.Staff(t, "staff@example.com")
			var ids []int64
			for _, st := range tt.from {
				o := sh.PlaceOne(t, v, 1)
				sh.SetStatus(t, o.ID, st)
				ids = append(ids, o.ID)
			}
			before := map[int64]int{}
			for _, id := range ids {
				h, err := sh.Orders.History(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				before[id] = len(h)
			}
			res, err := sh.Orders.BulkTransition(t.Context(), append(ids, 999999, ids[0]), tt.to, order.Staff(staff), tt.reason)
			if err != nil {
				t.Fatal(err)
			}
			var changed []int64
			for _, it := range res.Changed {
				changed = append(changed, it.OrderID)
			}
			var want []int64
			for _, i := range tt.changed {
				want = append(want, ids[i])
			}
			if !slices.Equal(changed, want) {
				t.Fatalf("changed %v, want %v", changed, want)
			}
			refused := map[int64]string{}
			for _, it := range res.Refused {
				refused[it.OrderID] = it.Refusal
			}
			if refused[999999] != order.RefusedNotFound || len(refused) != len(tt.refused)+1 {
				t.Fatalf("refused %v, want %v and 999999 not found", refused, tt.refused)
			}
			for i, why := range tt.refused {
				if refused[ids[i]] != why {
					t.Errorf("order %d refused %q, want %q", i, refused[ids[i]], why)
				}
			}
			for i, id := range ids {
				o, err := sh.Orders.AdminGet(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				h, err := sh.Orders.History(t.Context(), id)
				if err != nil {
					t.Fatal(err)
				}
				if slices.Contains(tt.changed, i) {
					last := h[len(h)-1]
					if o.Status != tt.to || len(h) != before[id]+1 || last.Actor.ID != staff.UserID || last.Reason != tt.reason {
						t.Errorf("order %d: %s, history %+v", i, o.Status, h)
					}
				} else if o.Status != tt.from[i] || len(h) != before[id] {
					t.Errorf("refused order %d moved: %s, %d history entries", i, o.Status, len(h))
				}
			}
			entries := audittest.Entries(t, sh.D, "order.status_changed")
			if len(entries) != len(tt.changed) {
				t.Fatalf("%d audit entries, want %d", len(entries), len(tt.changed))
			}
			for _, e := range entries {
				if e.ActorID != staff.UserID || !slices.Contains(want, mustID(t, e.TargetID)) {
					t.Errorf("audit entry %+v", e)
				}
			}
		})
	}
}

// A request names the orders and a status staff may set in bulk, at most
// MaxBulk orders, and a reason for cancelling.
func TestBulkTransitionInvalid(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	staff := order.Staff(sh.Staff(t, "staff@example.com"))
	many := make([]int64, order.MaxBulk+1)
	for i := range many {
		many[i] = int64(i + 1)
	}
	tests := []struct {
		name   string
		ids    []int64
		to     order.Status
		reason string
		field  string
	}{
		{"no orders", nil, order.Preparing, "", "ids"},
		{"too many", many, order.Preparing, "", "ids"},
		{"not a status", []int64{1}, "lost", "", "to"},
		{"shipping needs a parcel", []int64{1}, order.Shipped, "", "to"},
		{"paying needs the money", []int64{1}, order.Paid, "", "to"},
		{"cancelling needs a reason", []int64{1}, order.Cancelled, " ", "reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sh.Orders.BulkTransition(t.Context(), tt.ids, tt.to, staff, tt.reason)
			inv, ok := isInvalidErr(err)
			if !ok || inv[tt.field] == "" {
				t.Fatalf("BulkTransition = %v, want a message for %q", err, tt.field)
			}
		})
	}
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}
