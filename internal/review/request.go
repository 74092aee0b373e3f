package review

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
)

// RequestWindow bounds how long after the due day a line is still asked
// for its review: a shop that switches requests on does not mail about
// everything it ever delivered.
const RequestWindow = 14 * 24 * time.Hour

// requestBatch is how many lines one read of Request finds.
const requestBatch = 200

// dueLine is a line whose review request is due.
type dueLine struct {
	LineID int64  `db:"line_id"`
	UserID int64  `db:"user_id"`
	Name   string `db:"name"`
}

// Request mails, once per line, the customers whose lines were delivered
// Rules.RequestAfterDays days ago (up to RequestWindow more) and are not
// reviewed yet, asking for a review, and returns how many it asked. Each
// request is recorded (unique per line) in the transaction that writes its
// mail, so running it twice, or on two nodes at once, mails once. With
// RequestAfterDays 0 it does nothing.
func (s *Service) Request(ctx context.Context) (int64, error) {
	rules := s.rules(ctx)
	if rules.RequestAfterDays <= 0 {
		return 0, nil
	}
	due := s.now().UTC().Add(-time.Duration(rules.RequestAfterDays) * 24 * time.Hour)
	var sent int64
	for {
		var lines []dueLine
		q := s.d.Read()
		err := q.SelectContext(ctx, &lines, q.Rebind(`SELECT DISTINCT l.id AS line_id, o.user_id, l.name
			FROM order_history h JOIN orders o ON o.id = h.order_id JOIN order_lines l ON l.order_id = o.id
			WHERE h.to_status = 'delivered' AND h.created_at <= ? AND h.created_at > ?
			AND l.status IN ('delivered', 'completed') AND l.gift = FALSE
			AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.line_id = l.id)
			AND NOT EXISTS (SELECT 1 FROM review_requests rq WHERE rq.line_id = l.id)
			ORDER BY l.id LIMIT ?`), due, due.Add(-RequestWindow), requestBatch)
		if err != nil {
			return sent, fmt.Errorf("find review requests due: %w", err)
		}
		for _, l := range lines {
			ok, err := s.request(ctx, l, rules)
			if err != nil {
				return sent, err
			}
			if ok {
				sent++
			}
		}
		if len(lines) < requestBatch {
			break
		}
	}
	if sent > 0 {
		s.log.InfoContext(ctx, "review requests mailed", "count", sent)
	}
	return sent, nil
}

// request records and mails the request of line l; false when another run
// took it.
func (s *Service) request(ctx context.Context, l dueLine, rules Rules) (bool, error) {
	var sent bool
	err := s.d.InTx(ctx, func(q db.Querier) error {
		res, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO review_requests (line_id, user_id, created_at) VALUES (?, ?, ?)
			ON CONFLICT (line_id) DO NOTHING`), l.LineID, l.UserID, s.stamp())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		sent = true
		err = notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, l.UserID, notify.ReviewRequest, func(name string) any {
			return notify.ReviewRequestData{Name: name, Product: l.Name, Points: rules.PhotoPoints,
				URL: s.baseURL + "/account/reviews/write/" + strconv.FormatInt(l.LineID, 10)}
		})
		if errors.Is(err, notify.ErrUnwritable) {
			s.log.ErrorContext(ctx, "review request not mailed", "line_id", l.LineID, "err", err)
			return nil
		}
		return err
	})
	if err != nil {
		return false, fmt.Errorf("request the review of line %d: %w", l.LineID, err)
	}
	return sent, nil
}
