package order_test

import (
	"errors"
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
