package stats_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/stats"
)

// kstTime is a time on the Korean clock.
func kstTime(day string, h, m, s int) time.Time {
	d, err := time.ParseInLocation(stats.DayLayout, day, kst.Zone)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second)
}

// history places, pays and refunds orders by bank transfer on a shop, moving
// its clock to each event's moment.
type history struct {
	*ordertest.Shop
	staff order.Actor
	n     int
}

func newHistory(t *testing.T) *history {
	sh := ordertest.NewShop(t)
	return &history{Shop: sh, staff: order.Staff(sh.Staff(t, "staff@example.com"))}
}

// place places an order of quantities of variants at the moment at for a
// new customer, or for customer when not 0, waiting for a bank transfer.
func (h *history) place(t *testing.T, at time.Time, customer int64, method string, channel order.Channel, lines map[int64]int64) order.Order {
	t.Helper()
	h.Clock.Set(at.UTC())
	h.n++
	if customer == 0 {
		customer = h.Customer(t, fmt.Sprintf("c%d@example.com", h.n))
	}
	for v, q := range lines {
		h.Add(t, customer, v, q)
	}
	o, err := h.Place(t.Context(), order.PlaceInput{UserID: customer, IdempotencyKey: fmt.Sprintf("k%d", h.n),
		AddressID: h.Address(t, customer), PaymentMethod: method, Channel: channel})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Payments.Start(t.Context(), payment.StartInput{OrderID: o.ID, UserID: customer, Method: payment.BankTransfer,
		Depositor: "김말랑"}); err != nil {
		t.Fatal(err)
	}
	return o
}

// pay confirms order o's deposit at the moment at.
func (h *history) pay(t *testing.T, o order.Order, at time.Time) {
	t.Helper()
	h.Clock.Set(at.UTC())
	if _, err := h.Payments.ConfirmDeposit(t.Context(), h.staff.Audit, o.ID, "김말랑"); err != nil {
		t.Fatal(err)
	}
}

// refund refunds lines of order o (all, when none) asked at asked and
// transferred at sent; it returns the money sent back.
func (h *history) refund(t *testing.T, o order.Order, asked, sent time.Time, lines ...int64) int64 {
	t.Helper()
	h.Clock.Set(asked.UTC())
	rf, err := h.Payments.Refund(t.Context(), payment.RefundInput{OrderID: o.ID, LineIDs: lines, Reason: "변심", Actor: h.staff,
		Account: &payment.BankAccount{Bank: "088", Account: "110-123-456789", Holder: "김말랑"}})
	if err != nil {
		t.Fatal(err)
	}
	h.Clock.Set(sent.UTC())
	if _, err := h.Payments.RecordRefundTransfer(t.Context(), h.staff.Audit, rf.ID, "이체 완료"); err != nil {
		t.Fatal(err)
	}
	return rf.Amount
}

func day(t *testing.T, rows []stats.Row, key string) stats.Figures {
	t.Helper()
	for _, r := range rows {
		if r.Key == key {
			return r.Figures
		}
	}
	t.Fatalf("no row %s in %+v", key, rows)
	return stats.Figures{}
}

func sales(t *testing.T, s *stats.Service, from, to string, by stats.Period) []stats.Row {
	t.Helper()
	rows, err := s.Sales(context.Background(), stats.Range{From: from, To: to}, by)
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		run  func(t *testing.T, h *history, v1, v2 int64) map[string]stats.Figures
	}{
		{"paid at 23:59:59 counts on that Korean day, a second later on the next", func(t *testing.T, h *history, v1, v2 int64) map[string]stats.Figures {
			a := h.place(t, kstTime("2026-11-30", 20, 0, 0), 0, "card", order.PCWeb, map[int64]int64{v1: 2})
			h.pay(t, a, kstTime("2026-11-30", 23, 59, 59))
			b := h.place(t, kstTime("2026-11-30", 21, 0, 0), 0, "card", order.MobileWeb, map[int64]int64{v2: 1})
			h.pay(t, b, kstTime("2026-12-01", 0, 0, 0))
			return map[string]stats.Figures{
				"2026-11-30": {Orders: 1, Items: 2, Gross: 20000, Shipping: 3000, Paid: 23000},
				"2026-12-01": {Orders: 1, Items: 1, Gross: 30000, Shipping: 3000, Paid: 33000},
			}
		}},
		{"an order never paid is not counted", func(t *testing.T, h *history, v1, v2 int64) map[string]stats.Figures {
			a := h.place(t, kstTime("2026-11-30", 10, 0, 0), 0, "card", order.PCWeb, map[int64]int64{v1: 1})
			h.Clock.Set(kstTime("2026-11-30", 11, 0, 0).UTC())
			if _, err := h.Orders.RequestCancel(t.Context(), a.UserID, a.ID, "변심"); err != nil {
				t.Fatal(err)
			}
			return map[string]stats.Figures{"2026-11-30": {}, "2026-12-01": {}}
		}},
		{"a refund counts on the day the money went back, across a month", func(t *testing.T, h *history, v1, v2 int64) map[string]stats.Figures {
			a := h.place(t, kstTime("2026-11-30", 9, 0, 0), 0, "card", order.PCWeb, map[int64]int64{v1: 1, v2: 1})
			h.pay(t, a, kstTime("2026-11-30", 10, 0, 0))
			sent := h.refund(t, a, kstTime("2026-11-30", 23, 0, 0), kstTime("2026-12-01", 9, 0, 0))
			if sent != 43000 {
				t.Errorf("sent back %d, want 43000", sent)
			}
			return map[string]stats.Figures{
				"2026-11-30": {Orders: 1, Items: 2, Gross: 40000, Shipping: 3000, Paid: 43000},
				"2026-12-01": {Refunds: 43000, RefundCount: 1},
			}
		}},
		{"a partial refund counts the lines' share", func(t *testing.T, h *history, v1, v2 int64) map[string]stats.Figures {
			a := h.place(t, kstTime("2026-12-01", 9, 0, 0), 0, "card", order.PCWeb, map[int64]int64{v1: 3, v2: 1})
			h.pay(t, a, kstTime("2026-12-01", 10, 0, 0))
			full, err := h.Orders.AdminGet(t.Context(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			var line int64
			for _, l := range full.Lines {
				if l.VariantID == v2 {
					line = l.ID
				}
			}
			h.refund(t, a, kstTime("2026-12-01", 12, 0, 0), kstTime("2026-12-01", 13, 0, 0), line)
			// 60,000 won of goods, free shipping: the 30,000 won line's share is 30,000.
			return map[string]stats.Figures{
				"2026-11-30": {},
				"2026-12-01": {Orders: 1, Items: 4, Gross: 60000, Paid: 60000, Refunds: 30000, RefundCount: 1},
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHistory(t)
			v1 := h.Product(t, "귤", 10000, 100)
			v2 := h.Product(t, "한라봉", 30000, 100)
			want := tt.run(t, h, v1, v2)
			check := func(when string) {
				rows := sales(t, h.Stats, "2026-11-30", "2026-12-01", stats.Daily)
				var days stats.Figures
				for k, w := range want {
					if got := day(t, rows, k); got != w {
						t.Errorf("%s: %s = %+v, want %+v", when, k, got, w)
					}
					days.Add(w)
				}
				// Whole months come from the monthly summaries, ragged ends
				// from the days: both agree with the days.
				for _, r := range []stats.Range{{From: "2026-11-01", To: "2026-12-31"}, {From: "2026-11-30", To: "2026-12-01"},
					{From: "2026-10-15", To: "2027-01-15"}} {
					if got, err := h.Stats.Total(t.Context(), r); err != nil || got != days {
						t.Errorf("%s: Total(%v) = %+v, %v, want %+v", when, r, got, err, days)
					}
				}
			}
			check("kept in the transaction")
			if err := h.Stats.Rebuild(t.Context(), "2026-11-01", "2026-12-31"); err != nil {
				t.Fatal(err)
			}
			check("rebuilt")
		})
	}
}

// TestSoldCount: paying an order adds its quantities to its products' sold
// counts (the best-selling sort), a refund takes its lines' back, and a
// rebuild gives the same counts.
func TestSoldCount(t *testing.T) {
	t.Parallel()
	h := newHistory(t)
	v1 := h.Product(t, "귤", 10000, 100)
	v2 := h.Product(t, "한라봉", 30000, 100)
	sold := func(variant int64) int64 {
		t.Helper()
		var n int64
		if err := h.D.Read().GetContext(t.Context(), &n, h.D.Read().Rebind(`SELECT p.sold_count FROM products p
			JOIN variants v ON v.product_id = p.id WHERE v.id = ?`), variant); err != nil {
			t.Fatal(err)
		}
		return n
	}
	a := h.place(t, kstTime("2026-12-01", 9, 0, 0), 0, "card", order.PCWeb, map[int64]int64{v1: 3, v2: 1})
	if sold(v1) != 0 || sold(v2) != 0 {
		t.Fatalf("sold before payment: %d, %d", sold(v1), sold(v2))
	}
	h.pay(t, a, kstTime("2026-12-01", 10, 0, 0))
	b := h.place(t, kstTime("2026-12-01", 11, 0, 0), 0, "card", order.PCWeb, map[int64]int64{v2: 2})
	h.pay(t, b, kstTime("2026-12-01", 11, 30, 0))
	if sold(v1) != 3 || sold(v2) != 3 {
		t.Fatalf("sold after payment: %d, %d; want 3, 3", sold(v1), sold(v2))
	}
	full, err := h.Orders.AdminGet(t.Context(), a.ID)
	if err != nil {
		t.Fatal(err)
	}
	var line int64
	for _, l := range full.Lines {
		if l.VariantID == v2 {
			line = l.ID
		}
	}
	h.refund(t, a, kstTime("2026-12-01", 12, 0, 0), kstTime("2026-12-01", 13, 0, 0), line)
	if sold(v1) != 3 || sold(v2) != 2 {
		t.Fatalf("sold after a refund of one: %d, %d; want 3, 2", sold(v1), sold(v2))
	}
	if _, err := h.D.Write().ExecContext(t.Context(), `UPDATE products SET sold_count = 99`); err != nil {
		t.Fatal(err)
	}
	if err := h.Stats.Rebuild(t.Context(), "2026-12-01", "2026-12-01"); err != nil {
		t.Fatal(err)
	}
	if sold(v1) != 3 || sold(v2) != 2 {
		t.Fatalf("sold after a rebuild: %d, %d; want 3, 2", sold(v1), sold(v2))
	}
}
