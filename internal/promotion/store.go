package promotion

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// gradeRow is a member_grades row.
type gradeRow struct {
	ID           int64     `db:"id"`
	Code         string    `db:"code"`
	Name         string    `db:"name"`
	Position     int       `db:"position"`
	EarnPermille int       `db:"earn_permille"`
	MinSpend     int64     `db:"min_spend"`
	Discount     int       `db:"discount_percent"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

func (r gradeRow) grade() Grade {
	return Grade{ID: r.ID, Code: r.Code, Name: r.Name, Position: r.Position, EarnPermille: r.EarnPermille,
		MinSpend: r.MinSpend, DiscountPercent: r.Discount, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// allGrades reads the grades, lowest first.
func allGrades(ctx context.Context, q db.Querier) ([]Grade, error) {
	var rows []gradeRow
	err := q.SelectContext(ctx, &rows, `SELECT id, code, name, position, earn_permille, min_spend, discount_percent,
			created_at, updated_at
		FROM member_grades ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("read member grades: %w", err)
	}
	out := make([]Grade, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.grade())
	}
	return out, nil
}

// gradeOfUser returns the grade assigned to userID; ok is false when the
// user has no assignment (the lowest grade).
func gradeOfUser(ctx context.Context, q db.Querier, userID int64) (g Grade, ok bool, err error) {
	var r gradeRow
	err = q.GetContext(ctx, &r, q.Rebind(`SELECT g.id, g.code, g.name, g.position, g.earn_permille, g.min_spend,
			g.discount_percent, g.created_at, g.updated_at
		FROM member_grade_assignments a JOIN member_grades g ON g.id = a.grade_id WHERE a.user_id = ?`), userID)
	if errors.Is(err, sql.ErrNoRows) {
		return Grade{}, false, nil
	}
	if err != nil {
		return Grade{}, false, fmt.Errorf("read grade of user %d: %w", userID, err)
	}
	return r.grade(), true, nil
}

// allAssignments reads every assigned grade by user id.
func allAssignments(ctx context.Context, q db.Querier) (map[int64]int64, error) {
	var rows []struct {
		UserID  int64 `db:"user_id"`
		GradeID int64 `db:"grade_id"`
	}
	if err := q.SelectContext(ctx, &rows, `SELECT user_id, grade_id FROM member_grade_assignments`); err != nil {
		return nil, fmt.Errorf("read grade assignments: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.UserID] = r.GradeID
	}
	return out, nil
}

// assignGrade sets userID's grade to gradeID and reports whether it changed
// (a new row, or a row with another grade). Assigning the grade a user
// already has writes nothing, so running it twice changes nothing twice.
func assignGrade(ctx context.Context, q db.Querier, userID, gradeID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO member_grade_assignments (user_id, grade_id, assigned_at)
		VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET grade_id = excluded.grade_id, assigned_at = excluded.assigned_at
		WHERE member_grade_assignments.grade_id <> excluded.grade_id`), userID, gradeID, now)
	if err != nil {
		return false, fmt.Errorf("assign grade %d to user %d: %w", gradeID, userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("assign grade %d to user %d: %w", gradeID, userID, err)
	}
	return n > 0, nil
}

// unassignGrade removes userID's assignment unless it is gradeID (the
// lowest grade, which needs no row) and reports whether a row went.
func unassignGrade(ctx context.Context, q db.Querier, userID, lowestID int64) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM member_grade_assignments WHERE user_id = ? AND grade_id <> ?`),
		userID, lowestID)
	if err != nil {
		return false, fmt.Errorf("unassign grade of user %d: %w", userID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("unassign grade of user %d: %w", userID, err)
	}
	return n > 0, nil
}

// userExists reports whether userID is an account that is not deleted.
func userExists(ctx context.Context, q db.Querier, userID int64) (bool, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM users WHERE id = ? AND deleted_at IS NULL`), userID)
	if err != nil {
		return false, fmt.Errorf("read user %d: %w", userID, err)
	}
	return n > 0, nil
}

// countedStatuses are the order states whose total counts towards a grade:
// paid and not (wholly or partly) given back.
const countedStatuses = `'paid', 'preparing', 'shipped', 'delivered', 'completed'`

// spendBetween sums, per account that is not deleted, the totals of its
// counted orders placed at or after from and before to.
func spendBetween(ctx context.Context, q db.Querier, from, to time.Time) (map[int64]int64, error) {
	var rows []struct {
		UserID int64 `db:"user_id"`
		Spent  int64 `db:"spent"`
	}
	err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT o.user_id, CAST(SUM(o.total_minor) AS BIGINT) AS spent
		FROM orders o JOIN users u ON u.id = o.user_id
		WHERE o.status IN (`+countedStatuses+`) AND o.created_at >= ? AND o.created_at < ? AND u.deleted_at IS NULL
		GROUP BY o.user_id`), from, to)
	if err != nil {
		return nil, fmt.Errorf("sum spending from %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.UserID] = r.Spent
	}
	return out, nil
}

// recordChange records that the evaluation of period changes userID's
// grade from one code to another, and reports whether this is the first
// record for the customer and period: a second run for the month finds
// the record and changes nothing.
func recordChange(ctx context.Context, q db.Querier, userID int64, period, from, to string, spent int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO member_grade_changes (user_id, period, from_grade, to_grade, spent,
		reason, changed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id, period) DO NOTHING`), userID, period, from, to, spent, reasonEvaluation, now, now)
	if err != nil {
		return false, fmt.Errorf("record grade change of user %d for %s: %w", userID, period, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("record grade change of user %d for %s: %w", userID, period, err)
	}
	return n > 0, nil
}

// deletedUsers reports which of the assigned users are deleted accounts,
// whose grade the evaluation leaves alone.
func deletedUsers(ctx context.Context, q db.Querier) (map[int64]bool, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, `SELECT a.user_id FROM member_grade_assignments a
		JOIN users u ON u.id = a.user_id WHERE u.deleted_at IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("read deleted users with grades: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// loadSettings reads the saved settings, or DefaultSettings when there are
// none.
func loadSettings(ctx context.Context, q db.Querier) (Settings, error) {
	var row struct {
		MinSpend   int64 `db:"points_min_spend"`
		MaxPercent int   `db:"points_max_percent"`
		ValidDays  int   `db:"points_valid_days"`
	}
	err := q.GetContext(ctx, &row, `SELECT points_min_spend, points_max_percent, points_valid_days
		FROM promotion_settings WHERE id = 1`)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSettings(), nil
	}
	if err != nil {
		return Settings{}, fmt.Errorf("read promotion settings: %w", err)
	}
	return Settings{PointsMinSpend: row.MinSpend, PointsMaxPercent: row.MaxPercent, PointsValidDays: row.ValidDays}, nil
}

// lockSettings takes the lock of the settings row, if there is one, until
// the transaction ends.
func lockSettings(ctx context.Context, q db.Querier) error {
	if _, err := q.ExecContext(ctx, `UPDATE promotion_settings SET id = id WHERE id = 1`); err != nil {
		return fmt.Errorf("lock promotion settings: %w", err)
	}
	return nil
}

// upsertSettings writes the one settings row.
func upsertSettings(ctx context.Context, q db.Querier, st Settings, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO promotion_settings
		(id, points_min_spend, points_max_percent, points_valid_days, created_at, updated_at)
		VALUES (1, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET points_min_spend = excluded.points_min_spend,
			points_max_percent = excluded.points_max_percent, points_valid_days = excluded.points_valid_days,
			updated_at = excluded.updated_at`),
		st.PointsMinSpend, st.PointsMaxPercent, st.PointsValidDays, now, now)
	if err != nil {
		return fmt.Errorf("write promotion settings: %w", err)
	}
	return nil
}

// giftRow is a gift_rules row.
type giftRow struct {
	ID        int64        `db:"id"`
	Name      string       `db:"name"`
	Threshold int64        `db:"threshold"`
	VariantID int64        `db:"variant_id"`
	Quantity  int64        `db:"quantity"`
	StartsAt  time.Time    `db:"starts_at"`
	EndsAt    sql.NullTime `db:"ends_at"`
	Active    bool         `db:"active"`
	CreatedAt time.Time    `db:"created_at"`
	UpdatedAt time.Time    `db:"updated_at"`
}

func (r giftRow) gift() Gift {
	g := Gift{ID: r.ID, Name: r.Name, Threshold: r.Threshold, VariantID: r.VariantID, Quantity: r.Quantity,
		StartsAt: r.StartsAt.UTC(), Active: r.Active, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.EndsAt.Valid {
		g.EndsAt = r.EndsAt.Time.UTC()
	}
	return g
}

const selectGift = `SELECT id, name, threshold, variant_id, quantity, starts_at, ends_at, active, created_at, updated_at
	FROM gift_rules`

func gifts(rows []giftRow) []Gift {
	out := make([]Gift, 0, len(rows))
	for _, r := range rows {
		out = append(out, r.gift())
	}
	return out
}

// insertGift stores in, active, and returns its id.
func insertGift(ctx context.Context, q db.Querier, in NewGift, now time.Time) (int64, error) {
	var ends sql.NullTime
	if !in.EndsAt.IsZero() {
		ends = sql.NullTime{Time: in.EndsAt, Valid: true}
	}
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO gift_rules
		(name, threshold, variant_id, quantity, starts_at, ends_at, active, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, TRUE, ?, ?) RETURNING id`),
		in.Name, in.Threshold, in.VariantID, in.Quantity, in.StartsAt, ends, now, now)
	if err != nil {
		return 0, fmt.Errorf("insert gift rule %q: %w", in.Name, err)
	}
	return id, nil
}

// variantExists reports whether variant id exists, whatever its status.
func variantExists(ctx context.Context, q db.Querier, id int64) (bool, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM variants WHERE id = ?`), id); err != nil {
		return false, fmt.Errorf("read variant %d: %w", id, err)
	}
	return n > 0, nil
}

// giftByID returns gift rule id, or fault.ErrNotFound.
func giftByID(ctx context.Context, q db.Querier, id int64) (Gift, error) {
	var r giftRow
	err := q.GetContext(ctx, &r, q.Rebind(selectGift+` WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Gift{}, fmt.Errorf("gift rule %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return Gift{}, fmt.Errorf("read gift rule %d: %w", id, err)
	}
	return r.gift(), nil
}

// giftsPage reads a page of gift rules, newest first.
func giftsPage(ctx context.Context, q db.Querier, limit, offset int) ([]Gift, error) {
	var rows []giftRow
	err := q.SelectContext(ctx, &rows, q.Rebind(selectGift+` ORDER BY id DESC LIMIT ? OFFSET ?`), limit, offset)
	if err != nil {
		return nil, fmt.Errorf("read gift rules: %w", err)
	}
	return gifts(rows), nil
}

// liveGifts reads the active rules that have not ended at now (including
// those that start later), by threshold.
func liveGifts(ctx context.Context, q db.Querier, now time.Time) ([]Gift, error) {
	var rows []giftRow
	err := q.SelectContext(ctx, &rows, q.Rebind(selectGift+` WHERE active = TRUE AND (ends_at IS NULL OR ends_at > ?)
		ORDER BY threshold, id`), now)
	if err != nil {
		return nil, fmt.Errorf("read live gift rules: %w", err)
	}
	return gifts(rows), nil
}

// setGiftActive turns gift rule id on or off and reports whether it switched:
// false when the rule is already in that state or does not exist.
func setGiftActive(ctx context.Context, q db.Querier, id int64, active bool, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE gift_rules SET active = ?, updated_at = ? WHERE id = ? AND active <> ?`),
		active, now, id, active)
	if err != nil {
		return false, fmt.Errorf("set gift rule %d active %t: %w", id, active, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("set gift rule %d active %t: %w", id, active, err)
	}
	return n == 1, nil
}

// spentBy sums the totals of userID's counted orders placed at or after
// from and before to.
func spentBy(ctx context.Context, q db.Querier, userID int64, from, to time.Time) (int64, error) {
	var n int64
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT CAST(COALESCE(SUM(total_minor), 0) AS BIGINT) FROM orders
		WHERE user_id = ? AND status IN (`+countedStatuses+`) AND created_at >= ? AND created_at < ?`), userID, from, to)
	if err != nil {
		return 0, fmt.Errorf("sum spending of user %d: %w", userID, err)
	}
	return n, nil
}
