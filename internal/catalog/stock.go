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
// caller's transaction, and refreshes the product's stock total and in-stock
// flag in it. It is one conditional update, so two buyers of the last unit
// cannot both get it on either engine: on PostgreSQL the second update waits
// for the first transaction and re-checks the row. A variant that is short,
// inactive, of a product that is not active, or unknown gives an error
// wrapping ErrOutOfStock and changes nothing; quantity below 1 gives
// *fault.Invalid{"quantity"}. Listings are told at once; a listing read before
// the caller commits may show the old stock for up to the cache's lifetime.
func (s *Service) TakeStock(ctx context.Context, q db.Querier, variantID, quantity int64) error {
	if quantity < 1 {
		return &fault.Invalid{Fields: map[string]string{"quantity": "must be at least 1"}}
	}
	now := s.now().UTC()
	if s.db.Dialect.Engine == db.Postgres {
		// One round trip instead of two: a sale is the busiest write.
		if err := takeStockAndProduct(ctx, q, variantID, quantity, now); err != nil {
			return fmt.Errorf("take %d of variant %d: %w", quantity, variantID, err)
		}
		s.changed()
		return nil
	}
	productID, err := takeStock(ctx, q, variantID, quantity, now)
	if err != nil {
		return fmt.Errorf("take %d of variant %d: %w", quantity, variantID, err)
	}
	if err := takeFromProduct(ctx, q, productID, quantity); err != nil {
		return fmt.Errorf("take %d of variant %d: %w", quantity, variantID, err)
	}
	s.changed()
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
	if err := refreshDerived(ctx, q, productID, now); err != nil {
		return fmt.Errorf("return %d of variant %d: %w", quantity, variantID, err)
	}
	s.changed()
	return nil
}

// StockChanged tells the catalog that stock changed in a transaction that
// has just committed, so cached listings stop showing the old counts. Callers
// of TakeStock and ReturnStock call it after their commit.
func (s *Service) StockChanged() { s.changed() }

// takeVariant subtracts a quantity (the first and last arguments) from an
// active variant (the third) of an active, non-deleted product that has at
// least that many, stamping it with the second argument; one statement, so
// the last unit is sold once.
const takeVariant = `UPDATE variants SET stock = stock - ?, updated_at = ?
	WHERE id = ? AND active = TRUE AND stock >= ?
	AND EXISTS (SELECT 1 FROM products p
		WHERE p.id = variants.product_id AND p.status = 'active' AND p.deleted_at IS NULL)`

// takeStock subtracts quantity from an active variant of an active,
// non-deleted product that has at least that many and returns the product's
// id; no such variant is ErrOutOfStock.
func takeStock(ctx context.Context, q db.Querier, variantID, quantity int64, now time.Time) (int64, error) {
	var productID int64
	err := q.GetContext(ctx, &productID, q.Rebind(takeVariant+` RETURNING product_id`), quantity, now, variantID, quantity)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrOutOfStock
	}
	return productID, err
}

// takeStockAndProduct is takeStock and takeFromProduct in one PostgreSQL
// statement: the variant's update in a data-modifying CTE, the product's
// after it. Every part of one statement sees the rows as they were when it
// began, so the product's in-stock flag takes the variant's new stock from
// the CTE and looks at the other variants only.
func takeStockAndProduct(ctx context.Context, q db.Querier, variantID, quantity int64, now time.Time) error {
	var productID int64
	err := q.GetContext(ctx, &productID, q.Rebind(`WITH v AS (`+takeVariant+` RETURNING id, product_id, stock)
		UPDATE products SET stock_total = products.stock_total - ?,
			in_stock = v.stock > 0 OR EXISTS (SELECT 1 FROM variants o
				WHERE o.product_id = products.id AND o.id <> v.id AND o.active = TRUE AND o.stock > 0)
		FROM v WHERE products.id = v.product_id
		RETURNING products.id`), quantity, now, variantID, quantity, quantity)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrOutOfStock
	}
	return err
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

// takeFromProduct keeps the product's stock values current after an active
// variant lost quantity units. Only stock moved, so the price columns and
// updated_at (the sitemap's last change) stay as they are, and the stock
// total moves by the difference instead of being summed again: a sale is
// the busiest write of the catalog, and on PostgreSQL leaving the indexed
// columns alone keeps it a heap-only update.
func takeFromProduct(ctx context.Context, q db.Querier, productID, quantity int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET stock_total = stock_total - ?,
		in_stock = EXISTS (SELECT 1 FROM variants v WHERE v.product_id = products.id AND v.active = TRUE AND v.stock > 0)
		WHERE id = ?`), quantity, productID)
	if err != nil {
		return fmt.Errorf("refresh stock of product %d: %w", productID, err)
	}
	return nil
}
