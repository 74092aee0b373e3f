package cart

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// maxParams bounds the values bound in one IN list, well under both engines'
// limits.
const maxParams = 1000

type lineRow struct {
	ID        int64 `db:"id"`
	VariantID int64 `db:"variant_id"`
	Quantity  int64 `db:"quantity"`
	Selected  bool  `db:"selected"`
}

// cartID returns the id of the owner's cart, or fault.ErrNotFound.
func cartID(ctx context.Context, q db.Querier, o Owner) (int64, error) {
	var id int64
	var err error
	if o.UserID > 0 {
		err = q.GetContext(ctx, &id, q.Rebind(`SELECT id FROM carts WHERE user_id = ?`), o.UserID)
	} else {
		err = q.GetContext(ctx, &id, q.Rebind(`SELECT id FROM carts WHERE token_hash = ?`), hashToken(o.Token))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fault.ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("find cart of %s: %w", o, err)
	}
	return id, nil
}

// upsertCart returns the owner's cart, creating it when there is none, and
// takes its row lock until the transaction ends: one statement for what
// finding, creating or touching would take two. A visitor's cart is stamped
// as changed now (pruning goes by it); a customer's is locked by an update
// that changes nothing, so PostgreSQL can make it a HOT update that touches
// no index (updated_at is indexed for the pruning).
func upsertCart(ctx context.Context, q db.Querier, o Owner, now time.Time) (int64, error) {
	var user, token any
	target, set := "user_id", "user_id = excluded.user_id"
	if o.UserID > 0 {
		user = o.UserID
	} else {
		token, target, set = hashToken(o.Token), "token_hash", "updated_at = excluded.updated_at"
	}
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO carts (user_id, token_hash, created_at, updated_at)
		VALUES (?, ?, ?, ?) ON CONFLICT (`+target+`) DO UPDATE SET `+set+` RETURNING id`),
		user, token, now, now)
	if err != nil {
		return 0, fmt.Errorf("find or create the cart of %s: %w", o, err)
	}
	return id, nil
}

// lineAndCount returns the cart's line of variantID (ID 0 when it has
// none) and how many lines the cart holds, in one query.
func lineAndCount(ctx context.Context, q db.Querier, cartID, variantID int64) (lineRow, int, error) {
	var r struct {
		N        int           `db:"n"`
		ID       sql.NullInt64 `db:"id"`
		Quantity sql.NullInt64 `db:"quantity"`
		Selected sql.NullBool  `db:"selected"`
	}
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT COUNT(*) AS n,
		MAX(CASE WHEN variant_id = ? THEN id END) AS id,
		MAX(CASE WHEN variant_id = ? THEN quantity END) AS quantity,
		MAX(CASE WHEN variant_id = ? THEN CASE WHEN selected THEN 1 ELSE 0 END END) = 1 AS selected
		FROM cart_lines WHERE cart_id = ?`), variantID, variantID, variantID, cartID)
	if err != nil {
		return lineRow{}, 0, fmt.Errorf("lines of cart %d: %w", cartID, err)
	}
	return lineRow{ID: r.ID.Int64, VariantID: variantID, Quantity: r.Quantity.Int64, Selected: r.Selected.Bool}, r.N, nil
}

// touchCart takes the cart's row lock until the transaction ends, and
// stamps a visitor's cart as changed now (see upsertCart for why a
// customer's is not); ok is false when the cart no longer exists.
func touchCart(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE carts SET updated_at = CASE WHEN user_id IS NULL THEN ? ELSE updated_at END
		WHERE id = ?`), now, id)
	if err != nil {
		return false, fmt.Errorf("lock cart %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("lock cart %d: %w", id, err)
	}
	return n > 0, nil
}

// ownerLines reads the owner's cart id and its lines in one query (the
// cart page and every checkout read them); fault.ErrNotFound when the owner
// has no cart.
func ownerLines(ctx context.Context, q db.Querier, o Owner) (int64, []lineRow, error) {
	where, arg := `c.user_id = ?`, any(o.UserID)
	if o.UserID <= 0 {
		where, arg = `c.token_hash = ?`, hashToken(o.Token)
	}
	var rows []struct {
		CartID    int64         `db:"cart_id"`
		ID        sql.NullInt64 `db:"id"`
		VariantID sql.NullInt64 `db:"variant_id"`
		Quantity  sql.NullInt64 `db:"quantity"`
		Selected  sql.NullBool  `db:"selected"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT c.id AS cart_id, l.id, l.variant_id, l.quantity, l.selected
		FROM carts c LEFT JOIN cart_lines l ON l.cart_id = c.id WHERE `+where+` ORDER BY l.id`), arg)
	if err != nil {
		return 0, nil, fmt.Errorf("cart of %s: %w", o, err)
	}
	if len(rows) == 0 {
		return 0, nil, fault.ErrNotFound
	}
	lines := make([]lineRow, 0, len(rows))
	for _, r := range rows {
		if r.ID.Valid {
			lines = append(lines, lineRow{ID: r.ID.Int64, VariantID: r.VariantID.Int64, Quantity: r.Quantity.Int64, Selected: r.Selected.Bool})
		}
	}
	return rows[0].CartID, lines, nil
}

func cartLines(ctx context.Context, q db.Querier, cartID int64) ([]lineRow, error) {
	var rows []lineRow
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT id, variant_id, quantity, selected
		FROM cart_lines WHERE cart_id = ? ORDER BY id`), cartID)
	if err != nil {
		return nil, fmt.Errorf("lines of cart %d: %w", cartID, err)
	}
	return rows, nil
}

// lineInCart returns a line of the cart, or fault.ErrNotFound when the cart
// has no line with that id.
func lineInCart(ctx context.Context, q db.Querier, cartID, lineID int64) (lineRow, error) {
	var r lineRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT id, variant_id, quantity, selected
		FROM cart_lines WHERE id = ? AND cart_id = ?`), lineID, cartID)
	if errors.Is(err, sql.ErrNoRows) {
		return lineRow{}, fault.ErrNotFound
	}
	if err != nil {
		return lineRow{}, fmt.Errorf("line %d of cart %d: %w", lineID, cartID, err)
	}
	return r, nil
}

// countLinesIn counts how many of ids (at most maxParams, no repeats) are
// lines of the cart.
func countLinesIn(ctx context.Context, q db.Querier, cartID int64, ids []int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM cart_lines WHERE cart_id = ? AND id IN (`+db.Placeholders(len(ids))+`)`),
		append([]any{cartID}, db.Args(ids)...)...)
	if err != nil {
		return 0, fmt.Errorf("find lines of cart %d: %w", cartID, err)
	}
	return n, nil
}

func insertLine(ctx context.Context, q db.Querier, cartID, variantID, quantity int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO cart_lines (cart_id, variant_id, quantity, selected, created_at, updated_at)
		VALUES (?, ?, ?, TRUE, ?, ?)`), cartID, variantID, quantity, now, now)
	if err != nil {
		return fmt.Errorf("add variant %d to cart %d: %w", variantID, cartID, err)
	}
	return nil
}

// setLine sets a line's quantity and selection; ok is false when the cart
// has no such line.
func setLine(ctx context.Context, q db.Querier, cartID, lineID, quantity int64, selected bool, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cart_lines SET quantity = ?, selected = ?, updated_at = ?
		WHERE id = ? AND cart_id = ?`), quantity, selected, now, lineID, cartID)
	return db.Affected(res, err, "update line %d of cart %d", lineID, cartID)
}

// setQuantity sets a line's quantity; ok is false when the cart has no such
// line.
func setQuantity(ctx context.Context, q db.Querier, cartID, lineID, quantity int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cart_lines SET quantity = ?, updated_at = ? WHERE id = ? AND cart_id = ?`),
		quantity, now, lineID, cartID)
	return db.Affected(res, err, "set quantity of line %d of cart %d", lineID, cartID)
}

// moveLine moves a line into another cart with a new quantity.
func moveLine(ctx context.Context, q db.Querier, lineID, toCart, quantity int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE cart_lines SET cart_id = ?, quantity = ?, updated_at = ? WHERE id = ?`),
		toCart, quantity, now, lineID)
	if err != nil {
		return fmt.Errorf("move line %d to cart %d: %w", lineID, toCart, err)
	}
	return nil
}

// deleteLine deletes a line of the cart; ok is false when there is none.
func deleteLine(ctx context.Context, q db.Querier, cartID, lineID int64) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM cart_lines WHERE id = ? AND cart_id = ?`), lineID, cartID)
	return db.Affected(res, err, "remove line %d of cart %d", lineID, cartID)
}

// deleteLines deletes those of ids (at most maxParams) that are lines of the
// cart.
func deleteLines(ctx context.Context, q db.Querier, cartID int64, ids []int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM cart_lines WHERE cart_id = ? AND id IN (`+db.Placeholders(len(ids))+`)`),
		append([]any{cartID}, db.Args(ids)...)...)
	if err != nil {
		return fmt.Errorf("remove lines of cart %d: %w", cartID, err)
	}
	return nil
}

// setSelected marks those of ids (at most maxParams, no repeats) that are
// lines of the cart and returns how many there were.
func setSelected(ctx context.Context, q db.Querier, cartID int64, ids []int64, selected bool, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cart_lines SET selected = ?, updated_at = ?
		WHERE cart_id = ? AND id IN (`+db.Placeholders(len(ids))+`)`),
		append([]any{selected, now, cartID}, db.Args(ids)...)...)
	if err != nil {
		return 0, fmt.Errorf("select lines of cart %d: %w", cartID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("select lines of cart %d: %w", cartID, err)
	}
	return n, nil
}

// selectOnly selects the lines of the cart whose ids are in ids (at most
// maxParams) and clears the others.
func selectOnly(ctx context.Context, q db.Querier, cartID int64, ids []int64, now time.Time) error {
	sel := `FALSE`
	if len(ids) > 0 {
		sel = `CASE WHEN id IN (` + db.Placeholders(len(ids)) + `) THEN TRUE ELSE FALSE END`
	}
	args := append(db.Args(ids), now, cartID)
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE cart_lines SET selected = `+sel+`, updated_at = ? WHERE cart_id = ?`), args...)
	if err != nil {
		return fmt.Errorf("select lines of cart %d: %w", cartID, err)
	}
	return nil
}

// deleteCart deletes a cart and, by the foreign key, its lines.
func deleteCart(ctx context.Context, q db.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM carts WHERE id = ?`), id); err != nil {
		return fmt.Errorf("delete cart %d: %w", id, err)
	}
	return nil
}

// deleteAnonymousBefore deletes the visitors' carts last changed before t.
func deleteAnonymousBefore(ctx context.Context, q db.Querier, t time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM carts WHERE user_id IS NULL AND updated_at < ?`), t)
	if err != nil {
		return 0, fmt.Errorf("prune carts: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("prune carts: %w", err)
	}
	return n, nil
}
