package audit

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// Log writes and reads the audit log. It is safe for concurrent use.
type Log struct {
	d   *db.DB
	now func() time.Time
}

// New returns a Log on d that stamps entries with now (time.Now in app, a
// fake clock in tests).
func New(d *db.DB, now func() time.Time) *Log {
	return &Log{d: d, now: now}
}

// Record writes e with q, the Querier of the transaction that performs the
// action, so the entry commits or rolls back with it. An entry without an
// actor is a system action. It returns a *fault.Invalid naming the field
// when the action is missing or too long or the detail is not JSON or too
// big. Pass a nil q only for an action that writes nothing to the database
// (an export, a download): the entry is then written on its own, as
// RecordAlone does.
func (l *Log) Record(ctx context.Context, q db.Querier, e Entry) error {
	detail, err := e.prepare()
	if err != nil {
		return fmt.Errorf("audit %q: %w", e.Action, err)
	}
	e.CreatedAt = l.now().UTC()
	if q == nil {
		q = l.d.Write()
	}
	if err := insertEntry(ctx, q, e, detail); err != nil {
		return fmt.Errorf("audit %q: %w", e.Action, err)
	}
	return nil
}

// RecordAlone writes e on its own, for an action that is no one
// transaction: an export, or a refund whose provider call sits between the
// transactions of the payment service, recorded once it has succeeded.
// Errors are Record's.
func (l *Log) RecordAlone(ctx context.Context, e Entry) error {
	return l.Record(ctx, nil, e)
}

// List returns one page of entries matching f, newest first, and how many
// match in all (for the pager).
func (l *Log) List(ctx context.Context, f Filter) ([]Entry, int, error) {
	limit, offset := f.page()
	q := l.d.Read()
	total, err := countEntries(ctx, q, f)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	es, err := selectEntries(ctx, q, f, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("list audit log: %w", err)
	}
	return es, total, nil
}
