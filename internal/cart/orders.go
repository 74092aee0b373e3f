package cart

import (
	"context"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/order"
)

// ForOrders is the cart as order placement reads it (order.Cart): a
// customer's selected lines with current prices, and their removal in the
// order's transaction.
type ForOrders struct{ Carts *Service }

// Checkout returns the customer's cart id and the selected lines that can
// be ordered.
func (f ForOrders) Checkout(ctx context.Context, userID int64) (int64, []order.CartLine, error) {
	owner := Owner{UserID: userID}
	c, err := f.Carts.Get(ctx, owner)
	if err != nil {
		return 0, nil, err
	}
	selected := false
	for _, l := range c.Lines {
		selected = selected || l.Selected
	}
	if !selected {
		// No lines rather than an error: a second submission of a checkout
		// finds the cart emptied by the first, and Place then returns the
		// order the first placed.
		return c.ID, nil, nil
	}
	lines, err := checkoutLines(c) // the cart read above, not a second read
	if err != nil {
		return 0, nil, err
	}
	out := make([]order.CartLine, len(lines))
	for i, l := range lines {
		out[i] = order.CartLine{ID: l.ID, VariantID: l.VariantID, ProductID: l.ProductID, CategoryID: l.CategoryID,
			SellerID: l.SellerID, Name: l.Name, Options: l.Options, SKU: l.SKU, UnitPrice: l.UnitPrice, Quantity: l.Quantity,
			TaxFree: l.TaxFree}
	}
	return c.ID, out, nil
}

// RemoveLines removes ordered lines through q, the order's transaction.
func (f ForOrders) RemoveLines(ctx context.Context, q db.Querier, cartID int64, lineIDs []int64) error {
	return f.Carts.RemoveLines(ctx, q, cartID, lineIDs)
}
