// Package notifytest gives tests that send mail, but do not start the job
// runner, the delivery queue the outbox needs: mail is stored as it is in
// the shop, and the test delivers it itself if it cares to.
package notifytest

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/notify"
)

// Queue is a notify.DeliveryQueue that keeps the mail ids it is asked to
// deliver until the test works them with Run (fake.IDs: an id is kept at
// once, not when the caller's transaction commits; a test of a rollback
// reads the outbox, which is empty). The zero value is ready.
type Queue struct{ fake.IDs }

// EnqueueMailDelivery keeps mailID for Run.
func (qu *Queue) EnqueueMailDelivery(_ context.Context, _ db.Querier, mailID int64) error {
	qu.Add(mailID)
	return nil
}

// Run delivers the waiting mail, oldest first, through c as the delivery
// job does (one attempt each, not the last). It stops at the first error,
// leaving that mail and the later ones waiting.
func (qu *Queue) Run(ctx context.Context, c *notify.Courier) error {
	return qu.IDs.Run(ctx, func(ctx context.Context, id int64) error {
		if err := c.Deliver(ctx, id, false); err != nil {
			return fmt.Errorf("deliver mail %d: %w", id, err)
		}
		return nil
	})
}

// ShopName is the shop's name in mails rendered by the outbox of Outbox.
const ShopName = "말랑"

// Shop is a notify.Shop of a fixed name.
type Shop string

// ShopName returns s.
func (s Shop) ShopName(context.Context) string { return string(s) }

// Outbox returns an outbox on d that keeps its deliveries in a new Queue
// and names the shop ShopName, for tests that only read what was sent.
func Outbox(d *db.DB, now func() time.Time) *notify.Outbox {
	return notify.NewOutbox(d, &Queue{}, Shop(ShopName), now)
}
