// Package notifytest gives tests that send mail, but do not start the job
// runner, the delivery queue the outbox needs: mail is stored as it is in
// the shop, and the test delivers it itself if it cares to.
package notifytest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
)

// Queue is a notify.DeliveryQueue that keeps the mail ids it is asked to
// deliver until the test works them with Run, as the job runner would. It
// keeps an id at once, not when the caller's transaction commits (a test of
// a rollback reads the outbox, which is empty). It is safe for concurrent
// use; the zero value is ready.
type Queue struct {
	mu  sync.Mutex
	ids []int64
}

// EnqueueMailDelivery keeps mailID for Run.
func (qu *Queue) EnqueueMailDelivery(_ context.Context, _ db.Querier, mailID int64) error {
	qu.mu.Lock()
	defer qu.mu.Unlock()
	qu.ids = append(qu.ids, mailID)
	return nil
}

// Enqueued returns the mail ids waiting for Run, oldest first.
func (qu *Queue) Enqueued() []int64 {
	qu.mu.Lock()
	defer qu.mu.Unlock()
	return slices.Clone(qu.ids)
}

// Run delivers the waiting mail, oldest first, through c as the delivery
// job does (one attempt each, not the last), and forgets it. It stops at the
// first error, leaving that mail and the later ones waiting.
func (qu *Queue) Run(ctx context.Context, c *notify.Courier) error {
	for {
		qu.mu.Lock()
		if len(qu.ids) == 0 {
			qu.mu.Unlock()
			return nil
		}
		id := qu.ids[0]
		qu.mu.Unlock()
		if err := c.Deliver(ctx, id, false); err != nil {
			return fmt.Errorf("deliver mail %d: %w", id, err)
		}
		qu.mu.Lock()
		qu.ids = qu.ids[1:]
		qu.mu.Unlock()
	}
}

// Outbox returns an outbox on d that keeps its deliveries in a new Queue,
// for tests that only read what was sent.
func Outbox(d *db.DB, now func() time.Time) *notify.Outbox {
	return notify.NewOutbox(d, &Queue{}, now)
}
