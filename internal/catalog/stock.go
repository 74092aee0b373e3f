package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// ErrOutOfStock means a variant cannot give the quantity asked for: it has
// fewer units, it or its product is no longer sold, or it does not exist. It
// wraps fault.ErrConflict, so pages and the API treat it as a clash with the
// current state that the buyer can fix by changing the cart.
var ErrOutOfStock = fmt.Errorf("out of stock: %w", fault.ErrConflict)

// TakeStock takes quantity units of variant variantID on q, which must be the
// caller's transaction. It is one conditional update, so two buyers of the
// last unit cannot both get it on either engine: on PostgreSQL the second
// update waits for the first transaction and re-checks the row. Only when
// the variant sells out is its product touched, to refresh its in-stock
// flag: a sale is the busiest write of the catalog, and most sales change
// nothing else of the product. A variant that is short, inactive, of a
// product that is not active or is sold out by hand, or unknown gives an
// error wrapping ErrOutOfStock and changes nothing; quantity below 1 gives
// *fault.Invalid{"quantity"}. Listings are told at once; a listing read
// before the caller commits may show the old stock for up to the cache's
// lifetime.
func (s *Service) TakeStock(ctx context.Context, q db.Querier, variantID, quantity int64) error {
	if quantity < 1 {
		return &fault.Invalid{Fields: map[string]string{"quantity": "must be at least 1"}}
	}
	productID, left, err := takeStock(ctx, q, variantID, quantity, s.now().UTC())
	if err != nil {
		return fmt.Errorf("take %d of variant %d: %w", quantity, variantID, err)
	}
	if left == 0 {
		if err := refreshInStock(ctx, q, productID); err != nil {
			return fmt.Errorf("take %d of variant %d: %w", quantity, variantID, err)
		}
		if err := s.watched(ctx, q, productID); err != nil {
			return fmt.Errorf("take %d of variant %d: %w", quantity, variantID, err)
		}
	}
	s.stockChanged()
	return nil
}

// ReturnStock puts quantity units of variant variantID back on q (a
// cancelled or returned order) and refreshes the product's stock values in
// the same transaction. It returns the units even when the variant or its
// product has been deactivated since, so reactivating it shows the true
// count. An unknown variant gives fault.ErrNotFound; quantity below 1 gives
// *fault.Invalid{"quantity"}.
func (s *Service) ReturnStock(ctx context.Context, q db.Querier, variantID, quantity int64) error {
	if quantity < 1 {
		return &fault.Invalid{Fields: map[string]string{"quantity": "must be at least 1"}}
	}
	now := s.now().UTC()
	productID, err := returnStock(ctx, q, variantID, quantity, now)
	if err != nil {
		return fmt.Errorf("return %d of variant %d: %w", quantity, variantID, err)
	}
	if err := s.refreshed(ctx, q, productID, now); err != nil {
		return fmt.Errorf("return %d of variant %d: %w", quantity, variantID, err)
	}
	s.stockChanged()
	return nil
}

// StockChanged tells the catalog that stock changed in a transaction that
// has just committed, so cached listings stop showing the old counts. Callers
// of TakeStock and ReturnStock call it after their commit.
func (s *Service) StockChanged() { s.stockChanged() }

// takeStock subtracts quantity from an active variant of an active,
// non-deleted product that has at least that many, in one statement so the
// last unit is sold once, and returns the product's id and the units left;
// no such variant is ErrOutOfStock.
func takeStock(ctx context.Context, q db.Querier, variantID, quantity int64, now time.Time) (productID, left int64, err error) {
	var r struct {
		ProductID int64 `db:"product_id"`
		Stock     int64 `db:"stock"`
	}
	err = q.GetContext(ctx, &r, q.Rebind(`UPDATE variants SET stock = stock - ?, updated_at = ?
		WHERE id = ? AND active = TRUE AND stock >= ?
		AND EXISTS (SELECT 1 FROM products p
			WHERE p.id = variants.product_id AND p.status = 'active' AND p.sold_out = FALSE AND p.deleted_at IS NULL)
		RETURNING product_id, stock`), quantity, now, variantID, quantity)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrOutOfStock
	}
	return r.ProductID, r.Stock, err
}

// returnStock adds quantity to variant variantID and returns its product's
// id.
func returnStock(ctx context.Context, q db.Querier, variantID, quantity int64, now time.Time) (int64, error) {
	var productID int64
	err := q.GetContext(ctx, &productID, q.Rebind(`UPDATE variants SET stock = stock + ?, updated_at = ?
		WHERE id = ? RETURNING product_id`), quantity, now, variantID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.ErrNotFound
	}
	return productID, err
}

// refreshInStock recomputes the product's in-stock flag after one of its
// variants sold out. Only stock moved, so the price columns and updated_at
// (the sitemap's last change) stay as they are, and on PostgreSQL leaving
// the indexed columns alone keeps it a heap-only update.
func refreshInStock(ctx context.Context, q db.Querier, productID int64) error {
	if err := lockProduct(ctx, q, productID); err != nil {
		return err
	}
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET
		in_stock = (sold_out = FALSE AND EXISTS (SELECT 1 FROM variants v
			WHERE v.product_id = products.id AND v.active = TRUE AND v.stock > 0))
		WHERE id = ?`), productID)
	if err != nil {
		return fmt.Errorf("refresh stock of product %d: %w", productID, err)
	}
	return nil
}
