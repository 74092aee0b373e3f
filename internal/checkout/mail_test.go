package checkout_test

import (
	"testing"

	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// A mail is queued in the transaction of the change it tells of: when the
// outbox cannot take it, the change is undone rather than made without its
// mail (the same as a crash between the change's commit and the mail's:
// neither may leave a change whose mail is lost). Placing, confirming a
// deposit and shipping each show it.
func TestMailGoesWithItsChange(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	in, v := transferCheckout(t, sh, "말랑 현미", 30000, 10, 1)
	placed, err := sh.Checkout.Place(t.Context(), in)
	if err != nil {
		t.Fatal(err)
	}
	o := placed.Order
	staff := sh.Staff(t, "staff@example.com")

	later, _ := transferCheckout(t, sh, "말랑 보리", 20000, 10, 1)
	dbtest.RefuseInserts(t, sh.D, "outbox")

	if _, err := sh.Checkout.Place(t.Context(), later); err == nil {
		t.Fatal("an order was placed without its mail")
	}
	if n := sh.CartLines(t, later.UserID); n != 1 {
		t.Errorf("the refused order emptied the cart (%d lines left)", n)
	}

	if _, err := sh.Payments.ConfirmDeposit(t.Context(), staff, o.ID, ""); err == nil {
		t.Fatal("a deposit was confirmed without its mail")
	}
	if got, err := sh.Orders.AdminGet(t.Context(), o.ID); err != nil || got.Status != order.AwaitingDeposit {
		t.Fatalf("after a refused mail the order is %s, %v; want it still awaiting the deposit", got.Status, err)
	}

	sh.SetStatus(t, o.ID, order.Paid)
	if _, err := sh.Orders.Ship(t.Context(), o.ID, "cj", "123456789012", order.Staff(staff)); err == nil {
		t.Fatal("an order was shipped without its mail")
	}
	got, err := sh.Orders.AdminGet(t.Context(), o.ID)
	if err != nil || got.Status != order.Paid || len(got.Shipments) != 0 || sh.Stock(t, v) != 9 {
		t.Fatalf("after a refused mail: %s, %d shipments, stock %d, %v", got.Status, len(got.Shipments), sh.Stock(t, v), err)
	}
}
