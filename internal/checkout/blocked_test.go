package checkout_test

import (
	"errors"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order/ordertest"
)

// A customer staff blocked cannot place an order: the checkout is refused
// with the block's reason and nothing is stored; unblocked, it is placed.
func TestBlockedCustomerCannotOrder(t *testing.T) {
	t.Parallel()
	sh := ordertest.NewShop(t)
	in, v := transferCheckout(t, sh, "말랑 보리", 20000, 5, 1)
	q := sh.D.Write()
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE users SET blocked_at = ?, blocked_reason = ? WHERE id = ?`),
		sh.Clock.Now(), "결제 도용 의심", in.UserID); err != nil {
		t.Fatal(err)
	}
	_, err := sh.Checkout.Place(t.Context(), in)
	b, ok := account.AsBlocked(err)
	if !ok || b.Reason != "결제 도용 의심" || !errors.Is(err, fault.ErrForbidden) {
		t.Fatalf("Place of a blocked customer = %v, want the block with its reason", err)
	}
	if n := sh.CartLines(t, in.UserID); n != 1 || sh.Stock(t, v) != 5 {
		t.Fatalf("a refused checkout changed the cart (%d) or stock (%d)", n, sh.Stock(t, v))
	}
	if _, err := q.ExecContext(t.Context(), q.Rebind(`UPDATE users SET blocked_at = NULL, blocked_reason = '' WHERE id = ?`), in.UserID); err != nil {
		t.Fatal(err)
	}
	if _, err := sh.Checkout.Place(t.Context(), in); err != nil {
		t.Fatalf("Place after unblock = %v", err)
	}
}
