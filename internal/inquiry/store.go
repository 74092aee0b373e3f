package inquiry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// row is an inquiries row with its order's number.
type row struct {
	ID          int64          `db:"id"`
	UserID      int64          `db:"user_id"`
	OrderID     sql.NullInt64  `db:"order_id"`
	OrderNumber sql.NullString `db:"order_number"`
	Kind        string         `db:"kind"`
	Title       string         `db:"title"`
	Body        string         `db:"body"`
	Status      string         `db:"status"`
	Answer      string         `db:"answer"`
	AnsweredBy  sql.NullInt64  `db:"answered_by"`
	AnsweredAt  sql.NullTime   `db:"answered_at"`
	CreatedAt   time.Time      `db:"created_at"`
	UpdatedAt   time.Time      `db:"updated_at"`
}

func (r row) inquiry() Inquiry {
	in := Inquiry{ID: r.ID, UserID: r.UserID, OrderID: r.OrderID.Int64, OrderNumber: r.OrderNumber.String,
		Kind: Kind(r.Kind), Title: r.Title, Body: r.Body, Status: Status(r.Status), Answer: r.Answer,
		AnsweredBy: r.AnsweredBy.Int64, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.AnsweredAt.Valid {
		in.AnsweredAt = r.AnsweredAt.Time.UTC()
	}
	return in
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

const selectInquiry = `SELECT i.id, i.user_id, i.order_id, o.number AS order_number, i.kind, i.title, i.body, i.status,
	i.answer, i.answered_by, i.answered_at, i.created_at, i.updated_at
	FROM inquiries i LEFT JOIN orders o ON o.id = i.order_id`

// insertInquiry stores r and returns its id.
func insertInquiry(ctx context.Context, q db.Querier, r row) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO inquiries (user_id, order_id, kind, title, body, status, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.UserID, r.OrderID, r.Kind, r.Title, r.Body, r.Status, r.CreatedAt, r.UpdatedAt)
	if err != nil {
		return 0, fmt.Errorf("insert inquiry: %w", err)
	}
	return id, nil
}

// insertPhoto stores a photo of inquiry id at position.
func insertPhoto(ctx context.Context, q db.Querier, id int64, key string, position int, now time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO inquiry_photos (inquiry_id, media_key, position, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?)`), id, key, position, now, now); err != nil {
		return fmt.Errorf("insert photo of inquiry %d: %w", id, err)
	}
	return nil
}

// inquiryByID reads inquiry id, or fault.ErrNotFound.
func inquiryByID(ctx context.Context, q db.Querier, id int64) (row, error) {
	var r row
	err := q.GetContext(ctx, &r, q.Rebind(selectInquiry+` WHERE i.id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return row{}, fmt.Errorf("inquiry %d: %w", id, fault.ErrNotFound)
	}
	if err != nil {
		return row{}, fmt.Errorf("read inquiry %d: %w", id, err)
	}
	return r, nil
}

// inquiriesOf reads a page of userID's inquiries, newest first.
func inquiriesOf(ctx context.Context, q db.Querier, userID int64, limit, offset int) ([]row, error) {
	var rs []row
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectInquiry+` WHERE i.user_id = ? ORDER BY i.id DESC LIMIT ? OFFSET ?`),
		userID, limit, offset); err != nil {
		return nil, fmt.Errorf("list inquiries of user %d: %w", userID, err)
	}
	return rs, nil
}

// queueWhere is the WHERE clause of f's queue, with its arguments.
func queueWhere(f Filter) (string, []any) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, "i.status = ?"), append(args, string(f.Status))
	}
	if f.Kind != "" {
		where, args = append(where, "i.kind = ?"), append(args, string(f.Kind))
	}
	if len(where) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

// queue reads a page of the staff's queue: open first (oldest first), then
// answered (newest first).
func queue(ctx context.Context, q db.Querier, f Filter) ([]row, error) {
	where, args := queueWhere(f)
	sqlText := selectInquiry + where + ` ORDER BY CASE WHEN i.status = 'open' THEN 0 ELSE 1 END,
		CASE WHEN i.status = 'open' THEN i.id ELSE -i.id END LIMIT ? OFFSET ?`
	var rs []row
	if err := q.SelectContext(ctx, &rs, q.Rebind(sqlText), append(args, f.Limit, f.Offset)...); err != nil {
		return nil, fmt.Errorf("list inquiries: %w", err)
	}
	return rs, nil
}

// countQueue counts f's queue on all its pages.
func countQueue(ctx context.Context, q db.Querier, f Filter) (int, error) {
	where, args := queueWhere(f)
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM inquiries i`+where), args...); err != nil {
		return 0, fmt.Errorf("count inquiries: %w", err)
	}
	return n, nil
}

// countOf counts the inquiries of user userID.
func countOf(ctx context.Context, q db.Querier, userID int64) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM inquiries WHERE user_id = ?`), userID); err != nil {
		return 0, fmt.Errorf("count inquiries of user %d: %w", userID, err)
	}
	return n, nil
}

// countOpen counts the inquiries waiting for an answer.
func countOpen(ctx context.Context, q db.Querier) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM inquiries WHERE status = 'open'`); err != nil {
		return 0, fmt.Errorf("count open inquiries: %w", err)
	}
	return n, nil
}

// setAnswer stores the answer of inquiry id and marks it answered.
func setAnswer(ctx context.Context, q db.Querier, id int64, answer string, by int64, now time.Time) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE inquiries SET answer = ?, status = 'answered', answered_by = ?,
		answered_at = ?, updated_at = ? WHERE id = ?`), answer, by, now, now, id)
	if err != nil {
		return fmt.Errorf("answer inquiry %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("answer inquiry %d: %w", id, err)
	} else if n == 0 {
		return fmt.Errorf("inquiry %d: %w", id, fault.ErrNotFound)
	}
	return nil
}

// photosOf reads the photo keys of the inquiries ids, in order.
func photosOf(ctx context.Context, q db.Querier, ids []int64) (map[int64][]string, error) {
	query, args, err := sqlx.In(`SELECT inquiry_id, media_key FROM inquiry_photos WHERE inquiry_id IN (?) ORDER BY inquiry_id, position`, ids)
	if err != nil {
		return nil, fmt.Errorf("photos of inquiries: %w", err)
	}
	var rs []struct {
		ID  int64  `db:"inquiry_id"`
		Key string `db:"media_key"`
	}
	if err := q.SelectContext(ctx, &rs, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("photos of inquiries: %w", err)
	}
	out := map[int64][]string{}
	for _, r := range rs {
		out[r.ID] = append(out[r.ID], r.Key)
	}
	return out, nil
}
