package wishlist

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
)

// insertWish adds the wish unless it exists and reports whether it did.
func insertWish(ctx context.Context, q db.Querier, userID, productID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO wishes (user_id, product_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id, product_id) DO NOTHING`), userID, productID, now)
	return db.Affected(res, err, "insert wish")
}

// deleteWish removes the wish and reports whether there was one.
func deleteWish(ctx context.Context, q db.Querier, userID, productID int64) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM wishes WHERE user_id = ? AND product_id = ?`), userID, productID)
	return db.Affected(res, err, "delete wish")
}

// addCount moves the product's wish count (products.wish_count, which the
// product page reads with the product) by delta (1 or -1) and reports
// whether it is now 1 after a rise (the product's first wisher).
func addCount(ctx context.Context, q db.Querier, productID, delta int64) (bool, error) {
	var n int64
	err := q.GetContext(ctx, &n, q.Rebind(`UPDATE products SET wish_count = wish_count + ? WHERE id = ? RETURNING wish_count`),
		delta, productID)
	if err != nil {
		return false, fmt.Errorf("count wishes of product %d: %w", productID, err)
	}
	return delta > 0 && n == 1, nil
}

// countOf is the product's wish count.
func countOf(ctx context.Context, q db.Querier, productID int64) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT wish_count FROM products WHERE id = ?`), productID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("wishes of product %d: %w", productID, err)
	}
	return n, nil
}

// hasWish reports whether the customer wished the product.
func hasWish(ctx context.Context, q db.Querier, userID, productID int64) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM wishes WHERE user_id = ? AND product_id = ?`), userID, productID)
	if err != nil {
		return false, fmt.Errorf("wish of user %d for product %d: %w", userID, productID, err)
	}
	return n > 0, nil
}

// anyWish reports whether anyone wished the product.
func anyWish(ctx context.Context, q db.Querier, productID int64) (bool, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`SELECT id FROM wishes WHERE product_id = ? LIMIT 1`), productID)
	if err != nil {
		return false, fmt.Errorf("wishes of product %d: %w", productID, err)
	}
	return len(ids) > 0, nil
}

// wishesOf lists the customer's wishes, the latest first.
func wishesOf(ctx context.Context, q db.Querier, userID int64, limit, offset int) ([]Wish, error) {
	var rows []struct {
		ProductID int64     `db:"product_id"`
		CreatedAt time.Time `db:"created_at"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT product_id, created_at FROM wishes WHERE user_id = ?
		ORDER BY id DESC LIMIT ? OFFSET ?`), userID, limit, offset)
	if err != nil {
		return nil, fmt.Errorf("wishes of user %d: %w", userID, err)
	}
	out := make([]Wish, len(rows))
	for i, r := range rows {
		out[i] = Wish{ProductID: r.ProductID, CreatedAt: r.CreatedAt.UTC()}
	}
	return out, nil
}

// countMine is how many wishes the customer has.
func countMine(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM wishes WHERE user_id = ?`), userID); err != nil {
		return 0, fmt.Errorf("wishes of user %d: %w", userID, err)
	}
	return n, nil
}

// wishersOf lists the customers who wished the product.
func wishersOf(ctx context.Context, q db.Querier, productID int64) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`SELECT user_id FROM wishes WHERE product_id = ? ORDER BY id`), productID)
	if err != nil {
		return nil, fmt.Errorf("wishers of product %d: %w", productID, err)
	}
	return ids, nil
}

// watched is a variant as the wishers last saw it.
type watched struct {
	Price     int64 `db:"price_minor"`
	Available bool  `db:"available"`
	Changes   int64 `db:"changes"`
}

// watchOf reads what the wishers last saw of the product's variants.
func watchOf(ctx context.Context, q db.Querier, productID int64) (map[int64]watched, error) {
	var rows []struct {
		VariantID int64 `db:"variant_id"`
		watched
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT variant_id, price_minor, available, changes FROM wish_watch
		WHERE product_id = ?`), productID)
	if err != nil {
		return nil, fmt.Errorf("watch of product %d: %w", productID, err)
	}
	out := make(map[int64]watched, len(rows))
	for _, r := range rows {
		out[r.VariantID] = r.watched
	}
	return out, nil
}

// watchVariant records v as seen, unless it is recorded already; with
// reset it overwrites what an older watch left (a product wished again
// after no one wished it).
func watchVariant(ctx context.Context, q db.Querier, v catalog.VariantState, reset bool, now time.Time) error {
	conflict := `DO NOTHING`
	if reset {
		conflict = `DO UPDATE SET price_minor = excluded.price_minor, available = excluded.available, updated_at = excluded.updated_at`
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO wish_watch (variant_id, product_id, price_minor, available, changes, updated_at)
		VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (variant_id) `+conflict), v.ID, v.ProductID, v.Price, v.Available, now)
	if err != nil {
		return fmt.Errorf("watch variant %d: %w", v.ID, err)
	}
	return nil
}

// updateWatch records v as seen now, with its change count.
func updateWatch(ctx context.Context, q db.Querier, v catalog.VariantState, changes int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE wish_watch SET price_minor = ?, available = ?, changes = ?, updated_at = ?
		WHERE variant_id = ?`), v.Price, v.Available, changes, now, v.ID)
	if err != nil {
		return fmt.Errorf("watch variant %d: %w", v.ID, err)
	}
	return nil
}

// insertAlert records an alert unless the same change was recorded, and
// returns its id and whether it is new.
func insertAlert(ctx context.Context, q db.Querier, productID int64, a alert, now time.Time) (int64, bool, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`INSERT INTO wish_alerts (product_id, kind, marker, old_price_minor, price_minor, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (product_id, kind, marker) DO NOTHING RETURNING id`),
		productID, string(a.kind), a.marker, a.old, a.new, now)
	if err != nil {
		return 0, false, fmt.Errorf("record %s alert of product %d: %w", a.kind, productID, err)
	}
	if len(ids) == 0 {
		return 0, false, nil
	}
	return ids[0], true, nil
}

// setRecipients notes how many were mailed of alert id.
func setRecipients(ctx context.Context, q db.Querier, id int64, n int) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE wish_alerts SET recipients = ? WHERE id = ?`), n, id)
	if err != nil {
		return fmt.Errorf("alert %d: %w", id, err)
	}
	return nil
}
