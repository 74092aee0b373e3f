// Package dashboard counts what the back office's first page shows: the
// work waiting for staff (orders awaiting a deposit and how many of them
// are due today, orders paid but not prepared, orders preparing for too
// long, return requests, unanswered inquiries, variants at or below their
// low-stock threshold, failed jobs) and the new members of the last days.
//
// It only reads, each count one query that an index serves (see
// docs/decisions/0060-charts.md), and counts exactly what the list it links
// to shows; the rules it mirrors belong to the capabilities that own those
// lists (order, returns, inquiry, catalog, jobs).
package dashboard

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// Limits of the questions.
const (
	// MaxStuckDays is the most days an order may prepare before it counts
	// as stuck that Todo accepts.
	MaxStuckDays = 365
)

// Want says which counts Todo makes: the back office asks only for those
// the staff member may see, so nothing is read for the others.
type Want struct {
	Orders    bool // AwaitingDeposit, DueToday, Paid, Stuck
	Returns   bool // ReturnRequests
	Inquiries bool // OpenInquiries, OpenQuestions
	Stock     bool // LowStock
	Jobs      bool // FailedJobs
}

// Todo is the work waiting for staff; a count not asked for is 0.
type Todo struct {
	// AwaitingDeposit counts bank-transfer orders waiting for the money and
	// DueToday those of them whose deadline (pay_by) falls before the end of
	// today in Korea, overdue ones included.
	AwaitingDeposit int64
	DueToday        int64
	// Paid counts orders paid and not yet being prepared.
	Paid int64
	// Stuck counts orders preparing whose status has not changed
	// (orders.updated_at) for more than the days asked.
	Stuck int64
	// ReturnRequests counts return and exchange requests no one has
	// approved or refused yet.
	ReturnRequests int64
	// OpenInquiries counts 1:1 inquiries without an answer.
	OpenInquiries int64
	// OpenQuestions counts product questions (상품 문의) without an answer.
	OpenQuestions int64
	// LowStock counts the variants the catalog's low-stock list shows:
	// active, of a product neither deleted nor hidden, with stock at or
	// below their threshold.
	LowStock int64
	// FailedJobs counts jobs the queue gave up on (discarded after their
	// last attempt).
	FailedJobs int64
}

// Service answers the dashboard's questions.
type Service struct {
	db  *db.DB
	now func() time.Time
}

// NewService returns the dashboard's counts over d, with now the shop's
// clock.
func NewService(d *db.DB, now func() time.Time) *Service {
	return &Service{db: d, now: now}
}

// Todo counts the work w asks for. An order counts as stuck when it has
// been preparing for more than stuckDays days (1 to MaxStuckDays, else
// *fault.Invalid on "stuck_days").
func (s *Service) Todo(ctx context.Context, w Want, stuckDays int) (Todo, error) {
	if stuckDays < 1 || stuckDays > MaxStuckDays {
		return Todo{}, &fault.Invalid{Fields: map[string]string{"stuck_days": fmt.Sprintf("must be from 1 to %d", MaxStuckDays)}}
	}
	now := s.now().UTC()
	q := s.db.Read()
	var t Todo
	counts := []struct {
		want bool
		n    *int64
		name string
		sql  string
		args []any
	}{
		{w.Orders, &t.AwaitingDeposit, "awaiting deposit", countAwaitingDeposit, nil},
		{w.Orders, &t.DueToday, "due today", countDueBefore, []any{EndOfDay(now)}},
		{w.Orders, &t.Paid, "paid", countPaid, nil},
		{w.Orders, &t.Stuck, "stuck", countStuck, []any{now.Add(-time.Duration(stuckDays) * 24 * time.Hour)}},
		{w.Returns, &t.ReturnRequests, "return requests", countReturnRequests, nil},
		{w.Inquiries, &t.OpenInquiries, "open inquiries", countOpenInquiries, nil},
		{w.Inquiries, &t.OpenQuestions, "open product questions", countOpenQuestions, nil},
		{w.Stock, &t.LowStock, "low stock", countLowStock, nil},
		{w.Jobs, &t.FailedJobs, "failed jobs", countFailedJobs, nil},
	}
	for _, c := range counts {
		if !c.want {
			continue
		}
		if err := q.GetContext(ctx, c.n, q.Rebind(c.sql), c.args...); err != nil {
			return Todo{}, fmt.Errorf("count %s: %w", c.name, err)
		}
	}
	return t, nil
}

// EndOfDay is the next midnight in Korea after t, in UTC: the end of t's
// Korean calendar day.
func EndOfDay(t time.Time) time.Time {
	return startOfDay(t).AddDate(0, 0, 1).UTC()
}

// startOfDay is the midnight in Korea that starts t's Korean day.
func startOfDay(t time.Time) time.Time {
	k := t.In(kst.Zone)
	return time.Date(k.Year(), k.Month(), k.Day(), 0, 0, 0, 0, kst.Zone)
}
