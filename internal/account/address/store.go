package address

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is an addresses row as stored: the personal fields still encrypted.
type row struct {
	ID        int64     `db:"id"`
	UserID    int64     `db:"user_id"`
	Label     string    `db:"label_enc"`
	Recipient string    `db:"recipient_enc"`
	Phone     string    `db:"phone_enc"`
	Postcode  string    `db:"postcode_enc"`
	Line1     string    `db:"line1_enc"`
	Line2     string    `db:"line2_enc"`
	Note      string    `db:"note_enc"`
	IsDefault bool      `db:"is_default"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

const selectAddress = `SELECT id, user_id, label_enc, recipient_enc, phone_enc, postcode_enc,
	line1_enc, line2_enc, note_enc, is_default, created_at, updated_at FROM addresses`

// lockOwner takes the write lock on user userID's row for the rest of the
// transaction, so that the address-book changes of one customer run one at a
// time: a count against the cap, "is this the first address" and "which one
// is the default" stay true until commit. On SQLite the single writer does
// this already; on PostgreSQL, at READ COMMITTED, two transactions could
// otherwise both see no default and both set one. The update changes nothing
// and takes the lock that does not block rows referring to the user. A
// deleted account is not found: a change that waited on the lock while the
// account was being deleted re-reads the row and stops, so no address
// outlives the deletion (which removes the book in its own transaction).
func lockOwner(ctx context.Context, q db.Querier, userID int64) error {
	res, err := q.ExecContext(ctx, q.Rebind(
		`UPDATE users SET updated_at = updated_at WHERE id = ? AND deleted_at IS NULL`), userID)
	if err != nil {
		return fmt.Errorf("lock user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("lock user %d: %w", userID, err)
	}
	if n == 0 {
		return fmt.Errorf("user %d: %w", userID, fault.ErrNotFound)
	}
	return nil
}

// addressByID returns address id if it belongs to userID, and ErrNotFound
// otherwise: another customer's address looks the same as a missing one.
func addressByID(ctx context.Context, q db.Querier, userID, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(selectAddress+` WHERE id = ? AND user_id = ?`), id, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, fmt.Errorf("address %d of user %d: %w", id, userID, fault.ErrNotFound)
	}
	if err != nil {
		return row{}, fmt.Errorf("read address %d of user %d: %w", id, userID, err)
	}
	return r, nil
}

// defaultOf returns the default address of userID, or ErrNotFound.
func defaultOf(ctx context.Context, q db.Querier, userID int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(selectAddress+` WHERE user_id = ? AND is_default = TRUE`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, fmt.Errorf("default address of user %d: %w", userID, fault.ErrNotFound)
	}
	if err != nil {
		return row{}, fmt.Errorf("read default address of user %d: %w", userID, err)
	}
	return r, nil
}

// addressesOf returns the addresses of userID, the default first, then the
// newest first.
func addressesOf(ctx context.Context, q db.Querier, userID int64) ([]row, error) {
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(selectAddress+
		` WHERE user_id = ? ORDER BY is_default DESC, created_at DESC, id DESC`), userID)
	if err != nil {
		return nil, fmt.Errorf("list addresses of user %d: %w", userID, err)
	}
	return rs, nil
}

// countOf returns how many addresses userID has.
func countOf(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM addresses WHERE user_id = ?`), userID); err != nil {
		return 0, fmt.Errorf("count addresses of user %d: %w", userID, err)
	}
	return n, nil
}

// insertAddress adds an address of userID with its personal fields still
// empty and returns its id; the caller encrypts them with that id (which the
// values are bound to) and writes them with writeValues in the same
// transaction.
func insertAddress(ctx context.Context, q db.Querier, d db.Dialect, userID int64, isDefault bool, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`
		INSERT INTO addresses (user_id, is_default, created_at, updated_at) VALUES (?, ?, ?, ?)
		RETURNING id`), userID, isDefault, now, now).Scan(&id)
	if d.IsUniqueViolation(err) {
		return 0, fmt.Errorf("insert address of user %d: second default: %w", userID, fault.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("insert address of user %d: %w", userID, err)
	}
	return id, nil
}

// writeValues stores the personal fields of sealed, already encrypted, in
// address sealed.ID of sealed.UserID and reports whether the address was
// there to update.
func writeValues(ctx context.Context, q db.Querier, sealed Address, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE addresses SET label_enc = ?, recipient_enc = ?, phone_enc = ?, postcode_enc = ?,
			line1_enc = ?, line2_enc = ?, note_enc = ?, updated_at = ?
		WHERE id = ? AND user_id = ?`),
		sealed.Label, sealed.Recipient, sealed.Phone, sealed.Postcode,
		sealed.Line1, sealed.Line2, sealed.Note, now, sealed.ID, sealed.UserID)
	if err != nil {
		return false, fmt.Errorf("update address %d of user %d: %w", sealed.ID, sealed.UserID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("update address %d of user %d: %w", sealed.ID, sealed.UserID, err)
	}
	return n == 1, nil
}

// clearDefault takes the default away from whichever address of userID has
// it.
func clearDefault(ctx context.Context, q db.Querier, userID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE addresses SET is_default = FALSE, updated_at = ? WHERE user_id = ? AND is_default = TRUE`),
		now, userID); err != nil {
		return fmt.Errorf("clear default address of user %d: %w", userID, err)
	}
	return nil
}

// markDefault makes address id of userID the default and reports whether it
// exists. The old default must have been cleared in the same transaction.
func markDefault(ctx context.Context, q db.Querier, d db.Dialect, userID, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE addresses SET is_default = TRUE, updated_at = ? WHERE id = ? AND user_id = ?`),
		now, id, userID)
	if d.IsUniqueViolation(err) {
		return false, fmt.Errorf("make address %d of user %d the default: second default: %w", id, userID, fault.ErrConflict)
	}
	if err != nil {
		return false, fmt.Errorf("make address %d of user %d the default: %w", id, userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("make address %d of user %d the default: %w", id, userID, err)
	}
	return n == 1, nil
}

// promoteNewest makes the newest address of userID the default; it does
// nothing when userID has none.
func promoteNewest(ctx context.Context, q db.Querier, userID int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE addresses SET is_default = TRUE, updated_at = ?
		WHERE id = (SELECT id FROM addresses WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 1)`),
		now, userID); err != nil {
		return fmt.Errorf("promote newest address of user %d: %w", userID, err)
	}
	return nil
}

// deleteAddress deletes address id of userID and reports whether it existed.
func deleteAddress(ctx context.Context, q db.Querier, userID, id int64) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM addresses WHERE id = ? AND user_id = ?`), id, userID)
	if err != nil {
		return false, fmt.Errorf("delete address %d of user %d: %w", id, userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete address %d of user %d: %w", id, userID, err)
	}
	return n == 1, nil
}

// deleteAllOf deletes every address of userID.
func deleteAllOf(ctx context.Context, q db.Querier, userID int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM addresses WHERE user_id = ?`), userID); err != nil {
		return fmt.Errorf("delete addresses of user %d: %w", userID, err)
	}
	return nil
}
