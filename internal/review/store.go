package review

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// lineRow is an order line with what eligibility needs.
type lineRow struct {
	ID        int64  `db:"id"`
	OrderID   int64  `db:"order_id"`
	ProductID int64  `db:"product_id"`
	Name      string `db:"name"`
	Options   string `db:"options"`
	Status    string `db:"status"`
	Gift      bool   `db:"gift"`
	Number    string `db:"number"`
	Reviewed  bool   `db:"reviewed"`
}

// delivered reports whether the line may be reviewed: delivered or
// confirmed, and bought (a free gift is not reviewed).
func (l lineRow) delivered() bool {
	return !l.Gift && (l.Status == "delivered" || l.Status == "completed")
}

// eligibleLine reads line id of an order of userID; another customer's line
// is fault.ErrNotFound.
func eligibleLine(ctx context.Context, q db.Querier, userID, id int64) (lineRow, error) {
	var l lineRow
	err := q.GetContext(ctx, &l, q.Rebind(`SELECT l.id, l.order_id, l.product_id, l.name, l.options, l.status, l.gift, o.number,
		EXISTS (SELECT 1 FROM reviews r WHERE r.line_id = l.id) AS reviewed
		FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.id = ? AND o.user_id = ?`), id, userID)
	if err != nil {
		return lineRow{}, noRows(err)
	}
	return l, nil
}

// insertReview records the review of line l and returns its id, or
// ErrReviewed when the line has one (the unique line_id decides a race).
func insertReview(ctx context.Context, q db.Querier, l lineRow, uid int64, rating int, body string, now time.Time) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO reviews (line_id, order_id, product_id, user_id, rating, body, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (line_id) DO NOTHING RETURNING id`),
		l.ID, l.OrderID, l.ProductID, uid, rating, body, now, now)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrReviewed
	}
	if err != nil {
		return 0, fmt.Errorf("record the review of line %d: %w", l.ID, err)
	}
	return id, nil
}

// insertPhoto records photo p of review id at position.
func insertPhoto(ctx context.Context, q db.Querier, id int64, position int, p Photo, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO review_photos (review_id, position, media_key, content_type, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`), id, position, p.Key, p.ContentType, now, now)
	if err != nil {
		return fmt.Errorf("record photo %d of review %d: %w", position, id, err)
	}
	return nil
}

// addToProduct adds count reviews with ratings summing to sum (both
// negative to take them off) to product id's figures and recomputes its
// average in hundredths of a star, in one statement.
func addToProduct(ctx context.Context, q db.Querier, id, count, sum int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE products SET review_count = review_count + ?, rating_sum = rating_sum + ?,
		rating_avg = CASE WHEN review_count + ? > 0 THEN (rating_sum + ?) * 100 / (review_count + ?) ELSE 0 END, updated_at = ?
		WHERE id = ?`), count, sum, count, sum, count, now, id)
	if err != nil {
		return fmt.Errorf("review figures of product %d: %w", id, err)
	}
	return nil
}

// claimReward records that line id's review earns points and reports
// whether it is the first to (the unique line_id: once per line, however
// many requests race or reviews follow a deleted one).
func claimReward(ctx context.Context, q db.Querier, lineID, userID, points int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO review_rewards (line_id, user_id, points, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (line_id) DO NOTHING`), lineID, userID, points, now)
	if err != nil {
		return false, fmt.Errorf("reward the review of line %d: %w", lineID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("reward the review of line %d: %w", lineID, err)
	}
	return n == 1, nil
}

// setPoints records the points review id earned.
func setPoints(ctx context.Context, q db.Querier, id, points int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE reviews SET points = ? WHERE id = ?`), points, id); err != nil {
		return fmt.Errorf("points of review %d: %w", id, err)
	}
	return nil
}

// row is a review's own columns.
type row struct {
	ID        int64    `db:"id"`
	LineID    int64    `db:"line_id"`
	OrderID   int64    `db:"order_id"`
	ProductID int64    `db:"product_id"`
	UserID    int64    `db:"user_id"`
	Rating    int64    `db:"rating"`
	Points    int64    `db:"points"`
	HiddenAt  *db.Time `db:"hidden_at"`
	Name      string   `db:"name"` // the line's product name
}

// reviewRow reads review id.
func reviewRow(ctx context.Context, q db.Querier, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT r.id, r.line_id, r.order_id, r.product_id, r.user_id, r.rating, r.points, r.hidden_at, l.name
		FROM reviews r JOIN order_lines l ON l.id = r.line_id WHERE r.id = ?`), id)
	if err != nil {
		return row{}, noRows(err)
	}
	return r, nil
}

// deleteReview removes review id with its photos and likes.
func deleteReview(ctx context.Context, q db.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM reviews WHERE id = ?`), id); err != nil {
		return fmt.Errorf("delete review %d: %w", id, err)
	}
	return nil
}

// insertLike records userID's like of review id and reports whether it is
// new (the unique pair decides a race).
func insertLike(ctx context.Context, q db.Querier, id, userID int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO review_likes (review_id, user_id, created_at) VALUES (?, ?, ?)
		ON CONFLICT (review_id, user_id) DO NOTHING`), id, userID, now)
	if err != nil {
		return false, fmt.Errorf("like review %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("like review %d: %w", id, err)
	}
	return n == 1, nil
}

// addLike counts one more like of review id.
func addLike(ctx context.Context, q db.Querier, id int64) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE reviews SET likes = likes + 1 WHERE id = ?`), id); err != nil {
		return fmt.Errorf("count a like of review %d: %w", id, err)
	}
	return nil
}

// hideReview hides review id if it is visible and reports whether it was.
func hideReview(ctx context.Context, q db.Querier, id, by int64, reason string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE reviews SET hidden_at = ?, hidden_by = ?, hidden_reason = ?, updated_at = ?
		WHERE id = ? AND hidden_at IS NULL`), now, by, reason, now, id)
	if err != nil {
		return false, fmt.Errorf("hide review %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("hide review %d: %w", id, err)
	}
	return n == 1, nil
}

// setThumbsReady marks the photos stored under key as having thumbnails.
func setThumbsReady(ctx context.Context, q db.Querier, key string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE review_photos SET thumbs_ready = TRUE, updated_at = ? WHERE media_key = ?`), now, key)
	return err
}
