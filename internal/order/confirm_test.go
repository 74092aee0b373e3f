package order_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// delivered places an order of ₩24,000 (and points to earn), pays, ships
// and delivers it, and returns it.
func delivered(t *testing.T, sh *ordertest.Shop, variant int64) order.Order {
	t.Helper()
	o := sh.PlaceOne(t, variant, 2)
	sh.SetStatus(t, o.ID, order.Paid)
	staff := order.Staff(sh.Staff(t, "staff"+o.Number+"@example.com"))
	if _, err := sh.Orders.Ship(t.Context(), o.ID, "cj", "1234-5678-9012", staff); err != nil {
		t.Fatal(err)
	}
	o, err := sh.Orders.Transition(t.Context(), o.ID, order.Delivered, staff, "")
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// The customer confirms a delivered order once: points are credited once,
// however many confirmations race, and an order not delivered yet cannot
// be confirmed.
func TestConfirmPurchase(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 캐모마일", 12000, 100)
	placed := sh.PlaceOne(t, v, 1)
	if _, err := sh.Orders.ConfirmPurchase(t.Context(), placed.UserID, placed.ID); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("confirming an unpaid order = %v; want a conflict", err)
	}
	o := delivered(t, sh, v)
	if _, err := sh.Orders.ConfirmPurchase(t.Context(), placed.UserID, o.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("confirming another's order = %v; want not found", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	confirmed, conflicts := 0, 0
	for range 12 {
		wg.Go(func() {
			_, err := sh.Orders.ConfirmPurchase(t.Context(), o.UserID, o.ID)
			if err == nil {
				// The job may run at the same moment.
				_, err = sh.Orders.ConfirmDelivered(t.Context())
			}
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				confirmed++
			case errors.Is(err, fault.ErrConflict):
				conflicts++
			default:
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if confirmed != 1 || conflicts != 11 {
		t.Fatalf("%d confirmed, %d conflicts; want 1 and 11", confirmed, conflicts)
	}
	got, err := sh.Orders.AdminGet(t.Context(), o.ID)
	if err != nil || got.Status != order.Completed {
		t.Fatalf("order = %s, %v", got.Status, err)
	}
	if b, err := sh.Points.Balance(t.Context(), o.UserID); err != nil || b != o.PointsToEarn || b == 0 {
		t.Fatalf("points = %d, %v; want %d credited once", b, err, o.PointsToEarn)
	}
}

// The job confirms what its customers did not within the period, as the
// system, once however often it runs.
func TestConfirmDelivered(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 보리차", 12000, 100)
	early := delivered(t, sh, v)
	sh.Clock.Advance(3 * 24 * time.Hour)
	late := delivered(t, sh, v)
	if n, err := sh.Orders.ConfirmDelivered(t.Context()); err != nil || n != 0 {
		t.Fatalf("before 7 days: %d confirmed, %v", n, err)
	}
	sh.Clock.Advance(4*24*time.Hour + time.Minute)
	for i, want := range []int{1, 0} { // the second run finds nothing left
		if n, err := sh.Orders.ConfirmDelivered(t.Context()); err != nil || n != want {
			t.Fatalf("run %d: %d confirmed, %v; want %d", i+1, n, err, want)
		}
	}
	for _, c := range []struct {
		o      order.Order
		status order.Status
		points int64
	}{{early, order.Completed, early.PointsToEarn}, {late, order.Delivered, 0}} {
		got, err := sh.Orders.AdminGet(t.Context(), c.o.ID)
		if err != nil || got.Status != c.status {
			t.Fatalf("order %s = %s, %v; want %s", c.o.Number, got.Status, err, c.status)
		}
		if b, err := sh.Points.Balance(t.Context(), c.o.UserID); err != nil || b != c.points {
			t.Fatalf("points of %s = %d, %v; want %d", c.o.Number, b, err, c.points)
		}
	}
	h, err := sh.Orders.History(t.Context(), early.ID)
	if err != nil {
		t.Fatal(err)
	}
	last := h[len(h)-1]
	if last.To != order.Completed || last.Actor.Kind != order.BySystem || last.Reason != order.ConfirmedAutomatically {
		t.Fatalf("last history entry = %+v", last)
	}
}

// The customer is mailed when the order ships (carrier and tracking link),
// arrives (with when it confirms itself) and is cancelled by the shop (in
// Korean, not the shop's internal reason).
func TestOrderMails(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	v := sh.Product(t, "말랑 유자차", 12000, 100)
	o := delivered(t, sh, v)
	unpaid := sh.PlaceOne(t, v, 1)
	sh.Clock.Advance(2 * time.Hour)
	if n, err := sh.Orders.ExpireUnpaid(t.Context(), 0); err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	ms, err := sh.Outbox.List(t.Context(), 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		number, subject string
		text            []string
	}{
		{o.Number, "출발", []string{"CJ대한통운", "1234-5678-9012", "https://trace.cjlogistics.com/next/tracking.html?wblNo=123456789012"}},
		{o.Number, "배송이 완료", []string{"구매", "http://shop.test/account/orders/" + o.Number}},
		{unpaid.Number, "취소", []string{"결제 기한까지 결제되지 않아"}},
	}
	for _, w := range want {
		found := false
		for _, m := range ms {
			if !strings.Contains(m.Subject, w.number) || !strings.Contains(m.Subject, w.subject) {
				continue
			}
			found = true
			for _, s := range w.text {
				if !strings.Contains(m.Text, s) {
					t.Errorf("mail %q lacks %q:\n%s", m.Subject, s, m.Text)
				}
			}
			if strings.Contains(m.Text, "not paid in time") {
				t.Errorf("mail %q speaks the shop's internal reason", m.Subject)
			}
		}
		if !found {
			var subjects []string
			for _, m := range ms {
				subjects = append(subjects, m.Subject)
			}
			t.Errorf("no mail about %s with %q in %q", w.number, w.subject, subjects)
		}
	}
}
