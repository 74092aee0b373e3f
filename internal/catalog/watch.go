package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// VariantState is what a watcher of a product's variants sees of one of
// them after a change: the price a buyer pays now (the sale price when
// set) and whether it can be bought (the variant active with stock, its
// product active, not deleted and not sold out by hand).
type VariantState struct {
	ID          int64
	ProductID   int64
	ProductName string
	Price       int64 // minor units of the product's currency
	Currency    string
	Available   bool
}

// Watcher is told, in the transaction of every change that may move a
// variant's price or stock (a staff save, a stock adjustment, the bulk
// import, a cancelled order's stock coming back, the last unit sold), that
// product productID changed. variants reads the product's variants on
// that transaction as they are now; a watcher that does not care about
// the product never calls it, so the busy paths pay one question of the
// watcher's own. An error fails the change. internal/wishlist implements
// it for the price-drop and back-in-stock mails (decision 0065).
type Watcher interface {
	VariantsChanged(ctx context.Context, q db.Querier, productID int64, variants func() ([]VariantState, error)) error
}

// watcherBox holds the Watcher for atomic.Pointer.
type watcherBox struct{ w Watcher }

// Watch makes w the catalog's watcher of price and stock changes; call it
// once while wiring, before the service is used. Without it no one is
// told.
func (s *Service) Watch(w Watcher) { s.watcher.Store(&watcherBox{w: w}) }

// watched tells the watcher, if any, that productID changed, on q.
func (s *Service) watched(ctx context.Context, q db.Querier, productID int64) error {
	b := s.watcher.Load()
	if b == nil {
		return nil
	}
	err := b.w.VariantsChanged(ctx, q, productID, func() ([]VariantState, error) {
		return variantStates(ctx, q, productID)
	})
	if err != nil {
		return fmt.Errorf("tell the watcher of product %d: %w", productID, err)
	}
	return nil
}

// refreshed recomputes productID's derived columns (refreshDerived) and
// tells the watcher.
func (s *Service) refreshed(ctx context.Context, q db.Querier, productID int64, now time.Time) error {
	if err := refreshDerived(ctx, q, productID, now); err != nil {
		return err
	}
	return s.watched(ctx, q, productID)
}

// variantStates reads productID's variants as a Watcher sees them.
func variantStates(ctx context.Context, q db.Querier, productID int64) ([]VariantState, error) {
	var rows []struct {
		ID        int64  `db:"id"`
		ProductID int64  `db:"product_id"`
		Name      string `db:"name"`
		Price     int64  `db:"price"`
		Currency  string `db:"currency"`
		Available bool   `db:"available"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT v.id, v.product_id, p.name, COALESCE(v.sale_price_minor, v.price_minor) AS price,
		p.currency, (v.active = TRUE AND v.stock > 0 AND p.status = 'active' AND p.sold_out = FALSE AND p.deleted_at IS NULL) AS available
		FROM variants v JOIN products p ON p.id = v.product_id WHERE v.product_id = ? ORDER BY v.id`), productID)
	if err != nil {
		return nil, fmt.Errorf("variants of product %d: %w", productID, err)
	}
	out := make([]VariantState, len(rows))
	for i, r := range rows {
		out[i] = VariantState{ID: r.ID, ProductID: r.ProductID, ProductName: r.Name, Price: r.Price, Currency: r.Currency, Available: r.Available}
	}
	return out, nil
}

// VariantStates reads, on q, the variants of product productID as a
// Watcher sees them, for a watcher that starts watching it. A product that
// is not on the storefront (a draft, hidden, deleted or unknown) is
// fault.ErrNotFound.
func (s *Service) VariantStates(ctx context.Context, q db.Querier, productID int64) ([]VariantState, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM products WHERE id = ? AND status = 'active' AND deleted_at IS NULL`), productID)
	if err != nil {
		return nil, fmt.Errorf("product %d: %w", productID, err)
	}
	if n == 0 {
		return nil, fmt.Errorf("product %d: %w", productID, fault.ErrNotFound)
	}
	return variantStates(ctx, q, productID)
}
