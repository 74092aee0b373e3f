package order_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/coupon"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/points"
)

// buy places, for a new customer holding give points, an order of the
// variants (one each) spending pointsToUse and using couponCode, and marks
// it paid.
func buy(t *testing.T, sh *ordertest.Shop, give, pointsToUse int64, couponCode string, variants ...int64) order.Order {
	t.Helper()
	sh.N++
	u := sh.Customer(t, fmt.Sprintf("buyer%d@example.com", sh.N))
	if give > 0 {
		sh.Give(t, u, give)
	}
	for _, v := range variants {
		sh.Add(t, u, v, 1)
	}
	o, err := sh.Place(t.Context(), order.PlaceInput{UserID: u, IdempotencyKey: "k", AddressID: sh.Address(t, u),
		PaymentMethod: "card", Channel: order.PCWeb, PointsToUse: pointsToUse, CouponCode: couponCode})
	if err != nil {
		t.Fatal(err)
	}
	sh.SetStatus(t, o.ID, order.Paid)
	return o
}

// confirm ships, delivers and confirms order o, which earns its points.
func confirm(t *testing.T, sh *ordertest.Shop, o order.Order) {
	t.Helper()
	sh.SetStatus(t, o.ID, order.Delivered)
	if _, err := sh.Orders.ConfirmPurchase(t.Context(), o.UserID, o.ID); err != nil {
		t.Fatal(err)
	}
}

// refund plans and applies, as the payment service does on its
// transaction, the refund of lines of order o (all that are left for none).
func refund(t *testing.T, sh *ordertest.Shop, o order.Order, staff order.Actor, lines ...int64) (order.RefundPlan, error) {
	t.Helper()
	p, err := sh.Orders.PlanRefund(t.Context(), o.ID, lines)
	if err != nil {
		return p, err
	}
	return p, sh.D.InTx(t.Context(), func(q db.Querier) error {
		return sh.Orders.ApplyRefund(t.Context(), q, p, staff, "환불")
	})
}

func ledger(t *testing.T, sh *ordertest.Shop, userID int64) (es []points.Entry, balance int64) {
	t.Helper()
	now := sh.Clock.Now()
	es, err := sh.Points.Entries(t.Context(), userID, now.AddDate(-1, 0, 0), now.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	b, err := sh.Points.Balance(t.Context(), userID)
	if err != nil {
		t.Fatal(err)
	}
	return es, b
}

func sumKind(es []points.Entry, orderID int64, kind string) int64 {
	var n int64
	for _, e := range es {
		if e.OrderID == orderID && e.Kind == kind {
			n += e.Amount
		}
	}
	return n
}

// Refunding lines of a confirmed order takes back their share of the
// points it earned, the rest with the last line; points the customer spent
// already take the balance below zero, and the next earnings pay it off.
func TestRefundTakesBackEarnedPoints(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		spendEarned  bool    // the customer spends the earned points before the refunds
		wantTaken    []int64 // by the refund of line 0, then of line 1
		wantBalances []int64
	}{
		{"points still there", false, []int64{1000, 500}, []int64{500, 0}},
		{"points spent already", true, []int64{1000, 500}, []int64{-1000, -1500}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			staff := order.Staff(sh.Staff(t, "staff@example.com"))
			a := sh.Product(t, "말랑 찻잔 세트", 100000, 10)
			b := sh.Product(t, "말랑 찻잎", 50000, 10)
			o := buy(t, sh, 0, 0, "", a, b) // ₩150,000, free shipping: earns 1,500
			confirm(t, sh, o)
			if _, bal := ledger(t, sh, o.UserID); bal != 1500 {
				t.Fatalf("balance after confirmation %d, want 1500", bal)
			}
			if tt.spendEarned {
				if err := sh.D.InTx(t.Context(), func(q db.Querier) error {
					return sh.Points.Spend(t.Context(), q, o.UserID, 1500, o.ID+1000)
				}); err != nil {
					t.Fatal(err)
				}
			}
			for i, line := range []int64{o.Lines[0].ID, o.Lines[1].ID} {
				p, err := refund(t, sh, o, staff, line)
				if err != nil {
					t.Fatalf("refund of line %d: %v", i, err)
				}
				if p.PointsTakenBack != tt.wantTaken[i] {
					t.Fatalf("plan %d takes back %d, want %d", i, p.PointsTakenBack, tt.wantTaken[i])
				}
				es, bal := ledger(t, sh, o.UserID)
				if bal != tt.wantBalances[i] {
					t.Fatalf("balance after refund %d = %d, want %d", i, bal, tt.wantBalances[i])
				}
				last := es[len(es)-1]
				if last.Kind != points.KindRevoke || last.Amount != -tt.wantTaken[i] || last.Memo != "주문 "+o.Number+" 환불로 적립 취소" {
					t.Fatalf("last entry %+v, want the take-back of %d", last, tt.wantTaken[i])
				}
			}
			// A refund applied again is refused and takes nothing back.
			p := order.RefundPlan{OrderID: o.ID, UserID: o.UserID, Number: o.Number, LineIDs: []int64{o.Lines[1].ID},
				PointsTakenBack: 500, Whole: true}
			err := sh.D.InTx(t.Context(), func(q db.Querier) error { return sh.Orders.ApplyRefund(t.Context(), q, p, staff, "다시") })
			if !errors.Is(err, fault.ErrConflict) {
				t.Fatalf("ApplyRefund again = %v, want ErrConflict", err)
			}
			es, bal := ledger(t, sh, o.UserID)
			if got := sumKind(es, o.ID, points.KindRevoke); got != -1500 || bal != tt.wantBalances[1] {
				t.Fatalf("taken back %d, balance %d after the retry; want -1500, %d", got, bal, tt.wantBalances[1])
			}
			if tt.spendEarned {
				// Spending is refused below zero; the next earnings pay the
				// debt off first.
				if err := sh.D.InTx(t.Context(), func(q db.Querier) error {
					return sh.Points.Spend(t.Context(), q, o.UserID, 1, o.ID+2000)
				}); err == nil {
					t.Fatal("spending at a negative balance succeeded")
				}
				if n, err := sh.Points.Spendable(t.Context(), o.UserID); err != nil || n != 0 {
					t.Fatalf("Spendable = %d, %v; want 0", n, err)
				}
				sh.Give(t, o.UserID, 2000)
				if n, err := sh.Points.Spendable(t.Context(), o.UserID); err != nil || n != 500 {
					t.Fatalf("Spendable after earning 2,000 = %d, %v; want 500", n, err)
				}
			}
		})
	}
}

// A whole refund gives back the coupon while it can still be used; an
// expired coupon stays used and the audit log says so.
func TestRefundReturnsCouponOnlyWhileValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		after        time.Duration // between the order and its refund
		wantReleased bool
	}{
		{"still valid", time.Hour, true},
		{"expired", 48 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sh := ordertest.NewShop(t)
			boss := sh.Staff(t, "staff@example.com")
			if _, err := sh.Coupons.Create(t.Context(), boss, coupon.NewCoupon{Code: "DAY", Name: "하루 할인",
				Kind: coupon.KindFixed, Amount: 3000, StartsAt: sh.Clock.Now().Add(-time.Hour),
				EndsAt: sh.Clock.Now().Add(24 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			v := sh.Product(t, "말랑 머그", 40000, 10)
			o := buy(t, sh, 0, 0, "DAY", v)
			sh.SetStatus(t, o.ID, order.Shipped)
			sh.Clock.Advance(tt.after)
			if _, err := refund(t, sh, o, order.Staff(boss)); err != nil {
				t.Fatal(err)
			}
			if _, released := sh.CouponUse(t, o.ID); released != tt.wantReleased {
				t.Fatalf("coupon released = %v, want %v", released, tt.wantReleased)
			}
			entries, _, err := audit.New(sh.D, sh.Clock.Now).List(t.Context(), audit.Filter{Action: "order.coupon_kept"})
			if err != nil {
				t.Fatal(err)
			}
			if kept := len(entries) == 1 && entries[0].Detail["why"] == coupon.KeptExpired &&
				entries[0].ActorID == boss.UserID; kept == tt.wantReleased {
				t.Fatalf("audit entries %+v, want one kept entry: %v", entries, !tt.wantReleased)
			}
		})
	}
}

// For random orders (lines, points spent) confirmed and then refunded in
// random parts in random order, the take-backs add up to what the order
// earned, the points spent come back exactly once, and the customer's
// balance ends where it was before the order.
func TestRefundsNetPointsExactly(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	staff := order.Staff(sh.Staff(t, "staff@example.com"))
	prices := []int64{990, 4500, 12000, 34600, 49900, 158000}
	var variants []int64
	for i, p := range prices {
		variants = append(variants, sh.Product(t, fmt.Sprintf("상품 %d", i), p, 1_000_000))
	}
	rapid.Check(t, func(rt *rapid.T) {
		var vs []int64
		var goods int64
		for _, i := range rapid.SliceOfNDistinct(rapid.IntRange(0, len(variants)-1), 1, 5, rapid.ID).Draw(rt, "products") {
			vs = append(vs, variants[i])
			goods += prices[i]
		}
		give := rapid.Int64Range(0, 20000).Draw(rt, "balance")
		// Points pay for goods only, not shipping.
		use := min(give, goods, rapid.SampledFrom([]int64{0, 0, 500, 3000, 20000}).Draw(rt, "points"))
		o := buy(t, sh, give, use, "", vs...)
		if o.PointsUsed != use {
			t.Fatalf("order spent %d points, want %d", o.PointsUsed, use)
		}
		confirm(t, sh, o)
		es, _ := ledger(t, sh, o.UserID)
		earned := sumKind(es, o.ID, points.KindEarn)
		if earned != o.PointsToEarn {
			t.Fatalf("earned %d, want %d", earned, o.PointsToEarn)
		}
		if rapid.Bool().Draw(rt, "spend earned") && earned > 0 {
			// The customer spends what the order earned: refunds then owe it.
			if err := sh.D.InTx(t.Context(), func(q db.Querier) error {
				return sh.Points.Spend(t.Context(), q, o.UserID, earned, o.ID+1_000_000)
			}); err != nil {
				t.Fatal(err)
			}
			give -= earned
		}
		ids := rapid.Permutation(lineIDs(o)).Draw(rt, "order of refunds")
		var planned, given int64
		for len(ids) > 0 {
			n := rapid.IntRange(1, len(ids)).Draw(rt, "lines in this refund")
			var part []int64
			if n < len(ids) || rapid.Bool().Draw(rt, "name the last lines") {
				part = ids[:n]
			}
			p, err := refund(t, sh, o, staff, part...)
			if err != nil {
				t.Fatalf("refund of %v: %v", part, err)
			}
			ids = ids[n:]
			planned += p.PointsTakenBack
			given += p.Points
			es, _ := ledger(t, sh, o.UserID)
			if got := -sumKind(es, o.ID, points.KindRevoke); got != planned || got > earned {
				t.Fatalf("taken back %d so far, planned %d, earned %d", got, planned, earned)
			}
		}
		es, bal := ledger(t, sh, o.UserID)
		if got := -sumKind(es, o.ID, points.KindRevoke); got != earned || planned != earned {
			t.Fatalf("taken back %d (planned %d), want all %d earned", got, planned, earned)
		}
		if got := sumKind(es, o.ID, points.KindRefund); got != use || given != use {
			t.Fatalf("points given back %d (planned %d), want the %d spent", got, given, use)
		}
		if bal != give {
			t.Fatalf("balance %d at the end, want %d as before the order", bal, give)
		}
	})
}

func lineIDs(o order.Order) []int64 {
	ids := make([]int64, len(o.Lines))
	for i, l := range o.Lines {
		ids[i] = l.ID
	}
	return ids
}
