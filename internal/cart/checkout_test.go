package cart_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

func TestCheckout(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	user := sh.users[0]
	o := cart.Owner{UserID: user}

	// No cart, and a cart with nothing selected: no lines, no error, so a
	// second submission of a checkout can find the first one's order.
	if sel, err := sh.s.Checkout(ctx, user); err != nil || sel.CartID != 0 || len(sel.Lines) != 0 {
		t.Fatalf("no cart: %+v, %v", sel, err)
	}
	c := sh.add(t, o, "MUG", 2)
	sh.add(t, o, "TS-M", 1)
	if _, err := sh.s.SelectOnly(ctx, o, nil); err != nil {
		t.Fatal(err)
	}
	if sel, err := sh.s.Checkout(ctx, user); err != nil || sel.CartID != c.ID || len(sel.Lines) != 0 {
		t.Fatalf("nothing selected: %+v, %v", sel, err)
	}
	// Selected lines come with their current prices.
	if _, err := sh.s.SelectOnly(ctx, o, []int64{c.Lines[0].ID}); err != nil {
		t.Fatal(err)
	}
	sel, err := sh.s.Checkout(ctx, user)
	if err != nil || sel.CartID != c.ID || len(sel.Lines) != 1 || sel.Lines[0].VariantID != sh.v["MUG"] ||
		sel.Lines[0].UnitPrice != 5000 || sel.Lines[0].Quantity != 2 {
		t.Fatalf("selected: %+v, %v", sel, err)
	}
	// A selected line that sold out is refused, naming the product.
	sh.exec(t, `UPDATE variants SET stock = 0 WHERE sku = 'MUG'`)
	if _, err := sh.s.Checkout(ctx, user); err == nil {
		t.Fatal("a sold-out line was checked out")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["cart"] == "" {
		t.Fatalf("sold out: %v", err)
	}
	err = sh.d.InTx(ctx, func(q db.Querier) error { return sh.s.RemoveLines(ctx, q, c.ID, []int64{c.Lines[0].ID}) })
	if err != nil {
		t.Fatal(err)
	}
	if got := sh.get(t, o); len(got.Lines) != 1 {
		t.Fatalf("after RemoveLines: %+v", got.Lines)
	}
}
