package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// MaxNote is the longest internal note, in characters.
const MaxNote = 2000

// Note is an internal note on an order: staff only, with its author.
type Note struct {
	ID          int64     `db:"id"`
	OrderID     int64     `db:"order_id"`
	AuthorID    int64     `db:"author_id"`
	AuthorEmail string    `db:"author_email"`
	AuthorName  string    `db:"author_name"`
	Body        string    `db:"body"`
	CreatedAt   time.Time `db:"created_at"`
}

// AddNote keeps body as an internal note of staff member by on order
// orderID, audited in the same transaction. It returns *fault.Invalid
// under "body" for an empty or too long note, and fault.ErrNotFound for an
// unknown order.
func (s *Service) AddNote(ctx context.Context, by audit.Actor, orderID int64, body string) (Note, error) {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	v := &fault.Invalid{}
	switch n := utf8.RuneCountInString(body); {
	case n == 0:
		v.Add("body", "is required")
	case n > MaxNote:
		v.Add("body", fmt.Sprintf("must be at most %d characters", MaxNote))
	}
	if by.UserID == 0 {
		v.Add("actor", "is required")
	}
	if err := v.Err(); err != nil {
		return Note{}, err
	}
	var id int64
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var number string
		if err := q.GetContext(ctx, &number, q.Rebind(`SELECT number FROM orders WHERE id = ?`), orderID); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("order %d: %w", orderID, fault.ErrNotFound)
			}
			return fmt.Errorf("read order %d: %w", orderID, err)
		}
		if err := q.GetContext(ctx, &id, q.Rebind(`INSERT INTO order_notes (order_id, author_id, body, created_at)
			VALUES (?, ?, ?, ?) RETURNING id`), orderID, by.UserID, body, s.now().UTC().Truncate(db.TimePrecision)); err != nil {
			return fmt.Errorf("insert note: %w", err)
		}
		return s.deps.Audit.Record(ctx, q, by.Entry("order.note_added", "order", strconv.FormatInt(orderID, 10),
			map[string]any{"number": number, "note": id}))
	})
	if err != nil {
		return Note{}, fmt.Errorf("note on order %d: %w", orderID, err)
	}
	notes, err := s.Notes(ctx, orderID)
	if err != nil {
		return Note{}, err
	}
	for _, n := range notes {
		if n.ID == id {
			return n, nil
		}
	}
	return Note{}, fmt.Errorf("note %d on order %d: %w", id, orderID, fault.ErrNotFound)
}

// Notes returns the internal notes of order orderID, oldest first, with
// their authors.
func (s *Service) Notes(ctx context.Context, orderID int64) ([]Note, error) {
	var out []Note
	q := s.d.Read()
	err := q.SelectContext(ctx, &out, q.Rebind(`SELECT n.id, n.order_id, n.author_id, u.email AS author_email,
			u.name AS author_name, n.body, n.created_at
		FROM order_notes n JOIN users u ON u.id = n.author_id
		WHERE n.order_id = ? ORDER BY n.id`), orderID)
	if err != nil {
		return nil, fmt.Errorf("notes of order %d: %w", orderID, err)
	}
	for i := range out {
		out[i].CreatedAt = out[i].CreatedAt.UTC()
	}
	return out, nil
}
