package jobs

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"testing"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// settler records the cash receipts the cash_receipt job asks it to settle.
type settler struct {
	mu  sync.Mutex
	ids []int64
}

func (s *settler) SyncAttempt(context.Context, int64) error { return nil }

func (s *settler) SettleCashReceipt(_ context.Context, id int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ids = append(s.ids, id)
	return nil
}

// A cash_receipt job enqueued in a transaction that commits is worked
// through River with its receipt id; one whose transaction rolls back is
// never worked.
func TestCashReceiptJob(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	if err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	q, err := NewQueue(d)
	if err != nil {
		t.Fatal(err)
	}
	st := &settler{}
	r, err := NewRunner(d, slog.New(slog.DiscardHandler), nil, nil, nil, st, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = r.Stop(context.Background()) })
	errRollback := errors.New("roll back")
	if err := d.InTx(ctx, func(tx db.Querier) error { return q.EnqueueCashReceipt(ctx, tx, 7) }); err != nil {
		t.Fatal(err)
	}
	if err := d.InTx(ctx, func(tx db.Querier) error {
		if err := q.EnqueueCashReceipt(ctx, tx, 8); err != nil {
			return err
		}
		return errRollback
	}); !errors.Is(err, errRollback) {
		t.Fatal(err)
	}
	if err := r.WorkAll(ctx); err != nil {
		t.Fatal(err)
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if !slices.Equal(st.ids, []int64{7}) {
		t.Fatalf("settled %v, want [7]", st.ids)
	}
}
