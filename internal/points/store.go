package points

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is a points_entries row as stored.
type row struct {
	ID           int64         `db:"id"`
	UserID       int64         `db:"user_id"`
	Kind         string        `db:"kind"`
	Amount       int64         `db:"amount"`
	BalanceAfter int64         `db:"balance_after"`
	OrderID      sql.NullInt64 `db:"order_id"`
	Memo         string        `db:"memo"`
	ExpiresAt    sql.NullTime  `db:"expires_at"`
	Remaining    int64         `db:"remaining"`
	ActorID      sql.NullInt64 `db:"actor_id"`
	CreatedAt    time.Time     `db:"created_at"`
}

func (r row) entry() Entry {
	e := Entry{
		ID: r.ID, UserID: r.UserID, Kind: r.Kind, Amount: r.Amount, BalanceAfter: r.BalanceAfter,
		OrderID: r.OrderID.Int64, Memo: r.Memo, Remaining: r.Remaining, ActorID: r.ActorID.Int64,
		CreatedAt: r.CreatedAt.UTC(),
	}
	if r.ExpiresAt.Valid {
		e.ExpiresAt = r.ExpiresAt.Time.UTC()
	}
	return e
}

// lot is what is left of a credit.
type lot struct {
	ID        int64 `db:"id"`
	Remaining int64 `db:"remaining"`
}

// spentLot is what a debit took from one lot, with the lot's expiry.
type spentLot struct {
	Amount    int64        `db:"amount"`
	ExpiresAt sql.NullTime `db:"expires_at"`
}

// nullID stores 0 as NULL.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()} }

// lockBalance takes the write lock on the balance row of userID for the rest
// of the transaction, changing nothing, and reports whether the row exists.
// Every change to a customer's lots happens under this lock.
func lockBalance(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(
		`UPDATE points_balances SET updated_at = updated_at WHERE user_id = ?`), userID)
	if err != nil {
		return false, fmt.Errorf("lock points balance of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("lock points balance of user %d: %w", userID, err)
	}
	return n == 1, nil
}

// credit adds amount to the balance of userID, creating the row, and returns
// the new balance. It locks the row.
func credit(ctx context.Context, q db.Querier, userID, amount int64, now time.Time) (int64, error) {
	var b int64
	err := q.GetContext(ctx, &b, q.Rebind(`
		INSERT INTO points_balances (user_id, balance, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET balance = points_balances.balance + excluded.balance,
			updated_at = excluded.updated_at
		RETURNING balance`), userID, amount, now)
	if err != nil {
		return 0, fmt.Errorf("credit %d points to user %d: %w", amount, userID, err)
	}
	return b, nil
}

// debit takes amount from the balance of userID when the balance has that
// much and returns the new balance; ok is false, and nothing changes, when it
// has not. It locks the row.
func debit(ctx context.Context, q db.Querier, userID, amount int64, now time.Time) (balance int64, ok bool, err error) {
	err = q.GetContext(ctx, &balance, q.Rebind(`
		UPDATE points_balances SET balance = balance - ?, updated_at = ?
		WHERE user_id = ? AND balance >= ?
		RETURNING balance`), amount, now, userID, amount)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("debit %d points from user %d: %w", amount, userID, err)
	}
	return balance, true, nil
}

// balanceOf returns the balance of userID, 0 when the customer never had
// points.
func balanceOf(ctx context.Context, q db.Querier, userID int64) (int64, error) {
	var b int64
	err := q.GetContext(ctx, &b, q.Rebind(`SELECT balance FROM points_balances WHERE user_id = ?`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("read points balance of user %d: %w", userID, err)
	}
	return b, nil
}

// insertEntry appends r to the ledger and returns its id. A second earn or
// spend entry for one order is fault.ErrConflict.
func insertEntry(ctx context.Context, q db.Querier, d db.Dialect, r row) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`
		INSERT INTO points_entries (user_id, kind, amount, balance_after, order_id, memo, expires_at, remaining, actor_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`),
		r.UserID, r.Kind, r.Amount, r.BalanceAfter, r.OrderID, r.Memo, r.ExpiresAt, r.Remaining, r.ActorID, r.CreatedAt)
	if d.IsUniqueViolation(err) {
		return 0, fmt.Errorf("%s entry for order %d exists: %w", r.Kind, r.OrderID.Int64, fault.ErrConflict)
	}
	if err != nil {
		return 0, fmt.Errorf("insert %s entry of user %d: %w", r.Kind, r.UserID, err)
	}
	return id, nil
}

// lotsOf returns the lots of userID with points left, in the order they are
// taken: soonest expiry first, lots that never expire last, oldest first
// among equals.
func lotsOf(ctx context.Context, q db.Querier, userID int64) ([]lot, error) {
	var ls []lot
	err := q.SelectContext(ctx, &ls, q.Rebind(`
		SELECT id, remaining FROM points_entries
		WHERE user_id = ? AND remaining > 0
		ORDER BY (CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END), expires_at, id`), userID)
	if err != nil {
		return nil, fmt.Errorf("list points lots of user %d: %w", userID, err)
	}
	return ls, nil
}

// dueLots returns the lots of userID with points left whose expiry is at or
// before now.
func dueLots(ctx context.Context, q db.Querier, userID int64, now time.Time) ([]lot, error) {
	var ls []lot
	err := q.SelectContext(ctx, &ls, q.Rebind(`
		SELECT id, remaining FROM points_entries
		WHERE user_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?
		ORDER BY expires_at, id`), userID, now)
	if err != nil {
		return nil, fmt.Errorf("list due points lots of user %d: %w", userID, err)
	}
	return ls, nil
}

// usersWithDueLots returns up to limit users, above afterUserID in id order,
// who have lots with points left whose expiry is at or before now.
func usersWithDueLots(ctx context.Context, q db.Querier, now time.Time, afterUserID int64, limit int) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`
		SELECT DISTINCT user_id FROM points_entries
		WHERE remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ? AND user_id > ?
		ORDER BY user_id LIMIT ?`), now, afterUserID, limit)
	if err != nil {
		return nil, fmt.Errorf("list users with due points: %w", err)
	}
	return ids, nil
}

// takeFromLot takes amount from lot id. The lot must have that much left:
// callers read it under the balance lock.
func takeFromLot(ctx context.Context, q db.Querier, id, amount int64) error {
	res, err := q.ExecContext(ctx, q.Rebind(
		`UPDATE points_entries SET remaining = remaining - ? WHERE id = ? AND remaining >= ?`), amount, id, amount)
	if err != nil {
		return fmt.Errorf("take %d points from lot %d: %w", amount, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("take %d points from lot %d: %w", amount, id, err)
	}
	if n == 0 {
		return fmt.Errorf("take %d points from lot %d: lot short: %w", amount, id, fault.ErrConflict)
	}
	return nil
}

// insertUse records that debit entry entryID took amount from lot lotID.
func insertUse(ctx context.Context, q db.Querier, entryID, lotID, amount int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(
		`INSERT INTO points_uses (entry_id, lot_id, amount) VALUES (?, ?, ?)`), entryID, lotID, amount); err != nil {
		return fmt.Errorf("record use of lot %d by entry %d: %w", lotID, entryID, err)
	}
	return nil
}

// spentLots returns what debit entryID took from each lot with that lot's
// expiry, in the order refunds give them back: lots that never expire
// first, then the latest expiry first, so what comes back is what would
// have been left to spend longest.
func spentLots(ctx context.Context, q db.Querier, entryID int64) ([]spentLot, error) {
	var ls []spentLot
	err := q.SelectContext(ctx, &ls, q.Rebind(`
		SELECT u.amount, e.expires_at FROM points_uses u JOIN points_entries e ON e.id = u.lot_id
		WHERE u.entry_id = ?
		ORDER BY (CASE WHEN e.expires_at IS NULL THEN 0 ELSE 1 END), e.expires_at DESC, u.lot_id`), entryID)
	if err != nil {
		return nil, fmt.Errorf("list lots used by entry %d: %w", entryID, err)
	}
	return ls, nil
}

// orderSum returns the sum of the amounts of the entries of kind for
// orderID of userID (signed as stored), 0 when there are none.
func orderSum(ctx context.Context, q db.Querier, userID, orderID int64, kind string) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COALESCE(SUM(amount), 0) FROM points_entries
		WHERE order_id = ? AND kind = ? AND user_id = ?`), orderID, kind, userID)
	if err != nil {
		return 0, fmt.Errorf("sum %s entries of order %d: %w", kind, orderID, err)
	}
	return n, nil
}

// orderEntry returns the entry of kind for orderID of userID; found is false
// when there is none.
func orderEntry(ctx context.Context, q db.Querier, userID, orderID int64, kind string) (r row, found bool, err error) {
	err = q.GetContext(ctx, &r, q.Rebind(selectEntry+` WHERE order_id = ? AND kind = ? AND user_id = ?`),
		orderID, kind, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, false, nil
	}
	if err != nil {
		return row{}, false, fmt.Errorf("read %s entry of order %d: %w", kind, orderID, err)
	}
	return r, true, nil
}

const selectEntry = `SELECT id, user_id, kind, amount, balance_after, order_id, memo, expires_at,
	remaining, actor_id, created_at FROM points_entries`

// entriesOf returns the entries of userID created in [from, to), oldest
// first.
func entriesOf(ctx context.Context, q db.Querier, userID int64, from, to time.Time) ([]row, error) {
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(selectEntry+`
		WHERE user_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at, id`), userID, from, to)
	if err != nil {
		return nil, fmt.Errorf("list points entries of user %d: %w", userID, err)
	}
	return rs, nil
}

// expiringBy returns the points of userID left in lots that expire at or
// before until.
func expiringBy(ctx context.Context, q db.Querier, userID int64, until time.Time) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, q.Rebind(`
		SELECT COALESCE(SUM(remaining), 0) FROM points_entries
		WHERE user_id = ? AND remaining > 0 AND expires_at IS NOT NULL AND expires_at <= ?`), userID, until)
	if err != nil {
		return 0, fmt.Errorf("sum expiring points of user %d: %w", userID, err)
	}
	return n, nil
}
