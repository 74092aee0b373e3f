package coupon

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is a coupons row as stored.
type row struct {
	ID               int64         `db:"id"`
	Code             string        `db:"code"`
	Name             string        `db:"name"`
	Kind             string        `db:"kind"`
	Amount           int64         `db:"amount"`
	MaxDiscount      int64         `db:"max_discount"`
	MinOrder         int64         `db:"min_order"`
	StartsAt         time.Time     `db:"starts_at"`
	EndsAt           sql.NullTime  `db:"ends_at"`
	TotalLimit       sql.NullInt64 `db:"total_limit"`
	PerCustomerLimit int64         `db:"per_customer_limit"`
	UsedCount        int64         `db:"used_count"`
	Active           bool          `db:"active"`
	UserID           sql.NullInt64 `db:"user_id"`
	CreatedAt        time.Time     `db:"created_at"`
	UpdatedAt        time.Time     `db:"updated_at"`
}

func (r row) coupon() Coupon {
	c := Coupon{
		ID: r.ID, Code: r.Code, Name: r.Name, Kind: r.Kind, Amount: r.Amount, MaxDiscount: r.MaxDiscount,
		MinOrder: r.MinOrder, StartsAt: r.StartsAt.UTC(), TotalLimit: r.TotalLimit.Int64,
		PerCustomerLimit: r.PerCustomerLimit, UsedCount: r.UsedCount, Active: r.Active, UserID: r.UserID.Int64,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.EndsAt.Valid {
		c.EndsAt = r.EndsAt.Time.UTC()
	}
	return c
}

// target is a coupon_targets row.
type target struct {
	CouponID   int64         `db:"coupon_id"`
	CategoryID sql.NullInt64 `db:"category_id"`
	ProductID  sql.NullInt64 `db:"product_id"`
}

// redemption is a use of a coupon by an order that is not released.
type redemption struct {
	ID       int64 `db:"id"`
	CouponID int64 `db:"coupon_id"`
}

const selectCoupon = `SELECT id, code, name, kind, amount, max_discount, min_order, starts_at, ends_at,
	total_limit, per_customer_limit, used_count, active, user_id, created_at, updated_at FROM coupons`

// insertCoupon stores in and returns its id. A code in use is
// *fault.Invalid on "code".
func insertCoupon(ctx context.Context, q db.Querier, d db.Dialect, in NewCoupon, now time.Time) (int64, error) {
	return insertOwnCoupon(ctx, q, d, in, 0, now)
}

// insertOwnCoupon stores in as customer userID's own coupon (0: anyone's)
// and returns its id. A code in use is *fault.Invalid on "code".
func insertOwnCoupon(ctx context.Context, q db.Querier, d db.Dialect, in NewCoupon, userID int64, now time.Time) (int64, error) {
	var ends sql.NullTime
	if !in.EndsAt.IsZero() {
		ends = sql.NullTime{Time: in.EndsAt, Valid: true}
	}
	total := sql.NullInt64{Int64: in.TotalLimit, Valid: in.TotalLimit > 0}
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`
		INSERT INTO coupons (code, name, kind, amount, max_discount, min_order, starts_at, ends_at,
			total_limit, per_customer_limit, used_count, active, user_id, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, TRUE, ?, ?, ?)
		RETURNING id`),
		in.Code, in.Name, in.Kind, in.Amount, in.MaxDiscount, in.MinOrder, in.StartsAt, ends,
		total, in.PerCustomerLimit, sql.NullInt64{Int64: userID, Valid: userID != 0}, now, now)
	if d.IsUniqueViolation(err) {
		return 0, &fault.Invalid{Fields: map[string]string{"code": "is already used by another coupon"}}
	}
	if err != nil {
		return 0, fmt.Errorf("insert coupon %q: %w", in.Code, err)
	}
	return id, nil
}

// insertTarget restricts coupon couponID to a category or a product (the
// other id 0).
func insertTarget(ctx context.Context, q db.Querier, couponID, categoryID, productID int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO coupon_targets (coupon_id, category_id, product_id) VALUES (?, ?, ?)`),
		couponID, sql.NullInt64{Int64: categoryID, Valid: categoryID != 0}, sql.NullInt64{Int64: productID, Valid: productID != 0})
	if err != nil {
		return fmt.Errorf("insert target of coupon %d: %w", couponID, err)
	}
	return nil
}

// countIn returns how many of ids are rows of table (categories or
// products, never user input).
func countIn(ctx context.Context, q db.Querier, table string, ids []int64) (int, error) {
	query, args, err := sqlx.In(`SELECT COUNT(*) FROM `+table+` WHERE id IN (?)`, ids)
	if err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(query), args...); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

// couponByID returns coupon id, or fault.ErrNotFound.
func couponByID(ctx context.Context, q db.Querier, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(selectCoupon+` WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, fmt.Errorf("coupon %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return row{}, fmt.Errorf("read coupon %d: %w", id, err)
	}
	return r, nil
}

// couponByCode returns the coupon with code (upper-case), or
// fault.ErrNotFound.
func couponByCode(ctx context.Context, q db.Querier, code string) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(selectCoupon+` WHERE code = ?`), code)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, fmt.Errorf("coupon %q: %w", code, fault.ErrNotFound)
	}
	if err != nil {
		return row{}, fmt.Errorf("read coupon %q: %w", code, err)
	}
	return r, nil
}

// couponsPage returns the coupons for anyone with the code, newest first
// (one customer's own coupons, one per birthday, are not listed).
func couponsPage(ctx context.Context, q db.Querier, limit, offset int) ([]row, error) {
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(selectCoupon+` WHERE user_id IS NULL ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("list coupons: %w", err)
	}
	return rs, nil
}

// targetsOf returns the targets of the coupons ids.
func targetsOf(ctx context.Context, q db.Querier, ids []int64) ([]target, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	query, args, err := sqlx.In(`SELECT coupon_id, category_id, product_id FROM coupon_targets
		WHERE coupon_id IN (?) ORDER BY coupon_id, category_id, product_id`, ids)
	if err != nil {
		return nil, fmt.Errorf("list coupon targets: %w", err)
	}
	var ts []target
	if err := q.SelectContext(ctx, &ts, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list coupon targets: %w", err)
	}
	return ts, nil
}

// withSubcategories returns ids and every category below them, sorted.
func withSubcategories(ctx context.Context, q db.Querier, ids []int64) ([]int64, error) {
	query, args, err := sqlx.In(`
		WITH RECURSIVE tree (id) AS (
			SELECT id FROM categories WHERE id IN (?)
			UNION
			SELECT c.id FROM categories c JOIN tree ON c.parent_id = tree.id
		)
		SELECT id FROM tree ORDER BY id`, ids)
	if err != nil {
		return nil, fmt.Errorf("expand categories: %w", err)
	}
	var out []int64
	if err := q.SelectContext(ctx, &out, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("expand categories %v: %w", ids, err)
	}
	return out, nil
}

// setActive turns coupon id on or off and reports whether it switched: false
// when the coupon is already in that state or does not exist.
func setActive(ctx context.Context, q db.Querier, id int64, active bool, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE coupons SET active = ?, updated_at = ? WHERE id = ? AND active <> ?`),
		active, now, id, active)
	if err != nil {
		return false, fmt.Errorf("set coupon %d active %t: %w", id, active, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("set coupon %d active %t: %w", id, active, err)
	}
	return n == 1, nil
}

// useCoupon counts one more use of coupon id by userID when it is active,
// valid at now, not used up and not another customer's own, and returns its per-customer limit; ok is false, and
// nothing changes, otherwise. The update locks the coupon row until the
// transaction ends, so uses of one coupon are counted one at a time; on
// PostgreSQL a waiting update re-checks the conditions against the row the
// other transaction committed.
func useCoupon(ctx context.Context, q db.Querier, id, userID int64, now time.Time) (perCustomer int64, ok bool, err error) {
	err = q.GetContext(ctx, &perCustomer, q.Rebind(`
		UPDATE coupons SET used_count = used_count + 1, updated_at = ?
		WHERE id = ? AND active = TRUE AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)
			AND (total_limit IS NULL OR used_count < total_limit) AND (user_id IS NULL OR user_id = ?)
		RETURNING per_customer_limit`), now, id, now, now, userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("use coupon %d: %w", id, err)
	}
	return perCustomer, true, nil
}

// unuseCoupon counts one use of coupon id less.
func unuseCoupon(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE coupons SET used_count = used_count - 1, updated_at = ? WHERE id = ? AND used_count > 0`), now, id); err != nil {
		return fmt.Errorf("give back a use of coupon %d: %w", id, err)
	}
	return nil
}

// customerUses returns how many orders of userID use coupon couponID now.
func customerUses(ctx context.Context, q db.Querier, couponID, userID int64) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, q.Rebind(`
		SELECT COUNT(*) FROM coupon_redemptions WHERE coupon_id = ? AND user_id = ? AND released_at IS NULL`),
		couponID, userID)
	if err != nil {
		return 0, fmt.Errorf("count uses of coupon %d by user %d: %w", couponID, userID, err)
	}
	return n, nil
}

// insertRedemption records that order orderID of userID uses coupon
// couponID. An order that uses a coupon already is fault.ErrConflict.
func insertRedemption(ctx context.Context, q db.Querier, d db.Dialect, couponID, userID, orderID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`
		INSERT INTO coupon_redemptions (coupon_id, user_id, order_id, created_at) VALUES (?, ?, ?, ?)`),
		couponID, userID, orderID, now)
	if d.IsUniqueViolation(err) {
		return fmt.Errorf("order %d uses a coupon already: %w", orderID, fault.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("record use of coupon %d by order %d: %w", couponID, orderID, err)
	}
	return nil
}

// redemptionsOf returns the unreleased uses of coupons by order orderID.
func redemptionsOf(ctx context.Context, q db.Querier, orderID int64) ([]redemption, error) {
	var rs []redemption
	err := q.SelectContext(ctx, &rs, q.Rebind(`
		SELECT id, coupon_id FROM coupon_redemptions WHERE order_id = ? AND released_at IS NULL`), orderID)
	if err != nil {
		return nil, fmt.Errorf("list coupon uses of order %d: %w", orderID, err)
	}
	return rs, nil
}

// releaseRedemption marks use id released and reports whether this call
// released it (false when another did first).
func releaseRedemption(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`
		UPDATE coupon_redemptions SET released_at = ? WHERE id = ? AND released_at IS NULL`), now, id)
	if err != nil {
		return false, fmt.Errorf("release coupon use %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("release coupon use %d: %w", id, err)
	}
	return n == 1, nil
}

// ownCoupons returns customer userID's own coupons usable at now, soonest
// ending first.
func ownCoupons(ctx context.Context, q db.Querier, userID int64, now time.Time) ([]row, error) {
	var rs []row
	err := q.SelectContext(ctx, &rs, q.Rebind(selectCoupon+` WHERE user_id = ? AND active = TRUE AND starts_at <= ?
		AND (ends_at IS NULL OR ends_at > ?) AND (total_limit IS NULL OR used_count < total_limit)
		ORDER BY ends_at, id LIMIT 50`), userID, now, now)
	if err != nil {
		return nil, fmt.Errorf("coupons of user %d: %w", userID, err)
	}
	return rs, nil
}
