package cart_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

func TestForOrders(t *testing.T) {
	t.Parallel()
	sh := newShop(t, cart.Config{})
	ctx := context.Background()
	f := cart.ForOrders{Carts: sh.s}
	user := sh.users[0]
	o := cart.Owner{UserID: user}

	// No cart, and a cart with nothing selected: no lines, no error, so a
	// second submission of a checkout can find the first one's order.
	if id, lines, err := f.Checkout(ctx, user); err != nil || id != 0 || len(lines) != 0 {
		t.Fatalf("no cart: %d, %v, %v", id, lines, err)
	}
	c := sh.add(t, o, "MUG", 2)
	sh.add(t, o, "TS-M", 1)
	if _, err := sh.s.SelectOnly(ctx, o, nil); err != nil {
		t.Fatal(err)
	}
	if id, lines, err := f.Checkout(ctx, user); err != nil || id != c.ID || len(lines) != 0 {
		t.Fatalf("nothing selected: %d, %v, %v", id, lines, err)
	}
	// Selected lines come with their current prices.
	if _, err := sh.s.SelectOnly(ctx, o, []int64{c.Lines[0].ID}); err != nil {
		t.Fatal(err)
	}
	id, lines, err := f.Checkout(ctx, user)
	if err != nil || id != c.ID || len(lines) != 1 || lines[0].VariantID != sh.v["MUG"] || lines[0].UnitPrice != 5000 || lines[0].Quantity != 2 {
		t.Fatalf("selected: %d, %+v, %v", id, lines, err)
	}
	// A selected line that sold out is refused, naming the product.
	sh.exec(t, `UPDATE variants SET stock = 0 WHERE sku = 'MUG'`)
	if _, _, err := f.Checkout(ctx, user); err == nil {
		t.Fatal("a sold-out line was checked out")
	} else if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["cart"] == "" {
		t.Fatalf("sold out: %v", err)
	}
	err = sh.d.InTx(ctx, func(q db.Querier) error { return f.RemoveLines(ctx, q, c.ID, []int64{c.Lines[0].ID}) })
	if err != nil {
		t.Fatal(err)
	}
	if got := sh.get(t, o); len(got.Lines) != 1 {
		t.Fatalf("after RemoveLines: %+v", got.Lines)
	}
}
