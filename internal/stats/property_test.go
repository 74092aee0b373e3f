package stats_test

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/promotion"
)

// snapshot reads every summary row as text, in a fixed order.
func snapshot(t *testing.T, h *history) []string {
	t.Helper()
	var rows []string
	q := h.D.Read()
	var sales []struct {
		Day      string `db:"day"`
		Channel  string `db:"channel"`
		Method   string `db:"method"`
		Grade    string `db:"grade"`
		Customer string `db:"customer"`
		Orders   int64  `db:"orders"`
		Items    int64  `db:"items"`
		Gross    int64  `db:"gross"`
		Coupon   int64  `db:"coupon"`
		GradeOff int64  `db:"grade_discount"`
		Points   int64  `db:"points"`
		Shipping int64  `db:"shipping"`
		Paid     int64  `db:"paid"`
		Refunds  int64  `db:"refunds"`
		Count    int64  `db:"refund_count"`
	}
	if err := q.SelectContext(t.Context(), &sales, `SELECT day, channel, method, grade, customer, orders, items, gross, coupon,
		grade_discount, points, shipping, paid, refunds, refund_count FROM stats_sales ORDER BY day, channel, method, grade, customer`); err != nil {
		t.Fatal(err)
	}
	for _, s := range sales {
		rows = append(rows, fmt.Sprintf("%+v", s))
	}
	var items []struct {
		Day      string `db:"day"`
		Variant  int64  `db:"variant_id"`
		Product  int64  `db:"product_id"`
		Items    int64  `db:"items"`
		Gross    int64  `db:"gross"`
		Discount int64  `db:"discount"`
		RItems   int64  `db:"refunded_items"`
		Refunds  int64  `db:"refunds"`
	}
	if err := q.SelectContext(t.Context(), &items, `SELECT day, variant_id, product_id, items, gross, discount, refunded_items, refunds
		FROM stats_items ORDER BY day, variant_id`); err != nil {
		t.Fatal(err)
	}
	for _, s := range items {
		rows = append(rows, fmt.Sprintf("%+v", s))
	}
	var months []string
	if err := q.SelectContext(t.Context(), &months, `SELECT month || ' ' || channel || ' ' || method || ' ' || grade || ' ' || customer
		|| ' ' || orders || ' ' || items || ' ' || gross || ' ' || coupon || ' ' || grade_discount || ' ' || points || ' ' || shipping || ' ' || paid
		|| ' ' || refunds || ' ' || refund_count FROM stats_sales_monthly ORDER BY month, channel, method, grade, customer`); err != nil {
		t.Fatal(err)
	}
	var itemMonths []string
	if err := q.SelectContext(t.Context(), &itemMonths, `SELECT month || ' ' || variant_id || ' ' || product_id || ' ' || items
		|| ' ' || gross || ' ' || discount || ' ' || refunded_items || ' ' || refunds FROM stats_items_monthly ORDER BY month, variant_id`); err != nil {
		t.Fatal(err)
	}
	return append(append(rows, months...), itemMonths...)
}

// TestKeptEqualsRebuilt plays random histories — orders placed and paid at
// random moments around midnight over a few days, by new and returning
// customers, some never paid, some refunded whole or in part on a later
// day — and checks that the summaries kept in the transactions equal the
// summaries Rebuild computes from the orders and refunds.
func TestKeptEqualsRebuilt(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			rnd := rand.New(rand.NewPCG(seed, 16))
			h := newHistory(t)
			vs := []int64{h.Product(t, "귤", 10000, 1000), h.Product(t, "한라봉", 30000, 1000), h.Product(t, "녹차", 7000, 1000)}
			// Silver and gold customers get a grade discount, which the
			// summaries count on their own.
			for _, g := range []struct {
				code, name string
				earn       int
				spend      int64
				discount   int
			}{{"silver", "실버", 20, 300000, 3}, {"gold", "골드", 30, 1000000, 7}} {
				if _, err := h.Promos.UpdateGrade(t.Context(), h.staff.Audit, g.code, promotion.GradeChange{Name: g.name,
					EarnPermille: g.earn, MinSpend: g.spend, DiscountPercent: g.discount}); err != nil {
					t.Fatal(err)
				}
			}
			var customers []int64
			at := kstTime("2026-11-29", 22, 0, 0)
			channels := []order.Channel{order.PCWeb, order.MobileWeb, order.API}
			for range 12 {
				at = at.Add(time.Duration(rnd.IntN(5*60)) * time.Minute)
				var who int64
				if len(customers) > 0 && rnd.IntN(2) == 0 {
					who = customers[rnd.IntN(len(customers))]
				}
				lines := map[int64]int64{}
				for range 1 + rnd.IntN(3) {
					lines[vs[rnd.IntN(len(vs))]] += int64(1 + rnd.IntN(3))
				}
				fresh := who == 0
				if fresh && rnd.IntN(2) == 0 {
					h.n++
					who = h.Customer(t, fmt.Sprintf("g%d@example.com", h.n))
					if err := h.Promos.SetGrade(t.Context(), h.staff.Audit, who, []string{"silver", "gold"}[rnd.IntN(2)]); err != nil {
						t.Fatal(err)
					}
				}
				o := h.place(t, at, who, "card", channels[rnd.IntN(3)], lines)
				if fresh {
					customers = append(customers, o.UserID)
				}
				if rnd.IntN(5) == 0 {
					continue // never paid
				}
				at = at.Add(time.Duration(1+rnd.IntN(120)) * time.Minute)
				h.pay(t, o, at)
				switch rnd.IntN(4) {
				case 0:
					later := at.Add(time.Duration(1+rnd.IntN(30*60)) * time.Minute)
					h.refund(t, o, at.Add(time.Minute), later)
				case 1:
					full, err := h.Orders.AdminGet(t.Context(), o.ID)
					if err != nil {
						t.Fatal(err)
					}
					if len(full.Lines) > 1 {
						later := at.Add(time.Duration(1+rnd.IntN(30*60)) * time.Minute)
						h.refund(t, o, at.Add(time.Minute), later, full.Lines[0].ID)
					}
				}
			}
			kept := snapshot(t, h)
			if len(kept) == 0 {
				t.Fatal("nothing was counted")
			}
			if err := h.Stats.Rebuild(t.Context(), "2026-11-01", "2026-12-31"); err != nil {
				t.Fatal(err)
			}
			if rebuilt := snapshot(t, h); !reflect.DeepEqual(kept, rebuilt) {
				t.Errorf("kept:\n%v\nrebuilt:\n%v", kept, rebuilt)
			}
			// Classified afresh (no grade changed), the orders give the same.
			if _, err := h.D.Write().ExecContext(t.Context(), `DELETE FROM stats_orders`); err != nil {
				t.Fatal(err)
			}
			if err := h.Stats.Rebuild(t.Context(), "2026-11-01", "2026-12-31"); err != nil {
				t.Fatal(err)
			}
			if again := snapshot(t, h); !reflect.DeepEqual(kept, again) {
				t.Errorf("kept:\n%v\nclassified again:\n%v", kept, again)
			}
		})
	}
}
