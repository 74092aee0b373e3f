package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/messaging"
)

// MessageDeliveryArgs asks for one stored 알림톡 to be sent (decision
// 0067). messaging.Service enqueues it in the transaction that stores the
// message, the transaction of the order's change.
type MessageDeliveryArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind is the job kind stored in river_job; never change it.
func (MessageDeliveryArgs) Kind() string { return "message_delivery" }

// InsertOpts: a message is tried as often as a mail, with the same waits.
func (MessageDeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: MailAttempts}
}

// MessageCourier sends one stored message; *messaging.Service implements
// it.
type MessageCourier interface {
	Deliver(ctx context.Context, messageID int64, final bool) error
}

type messageWorker struct {
	river.WorkerDefaults[MessageDeliveryArgs]
	courier MessageCourier
	backoff func(attempt int) time.Duration
}

// Timeout ends a send well before its claim on the message lapses
// (messaging.ClaimLease), so two runs never send one message at once.
func (w *messageWorker) Timeout(*river.Job[MessageDeliveryArgs]) time.Duration { return time.Minute }

// NextRetry waits as a mail does (MailBackoff).
func (w *messageWorker) NextRetry(job *river.Job[MessageDeliveryArgs]) time.Time {
	return time.Now().Add(w.backoff(job.Attempt))
}

// Work sends the message; a second run for a message already sent does
// nothing. A message that no longer exists cancels the job; one another
// run is sending is looked at again when that run's claim has lapsed.
func (w *messageWorker) Work(ctx context.Context, job *river.Job[MessageDeliveryArgs]) error {
	err := w.courier.Deliver(ctx, job.Args.MessageID, job.Attempt >= job.MaxAttempts)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fault.ErrNotFound):
		return river.JobCancel(err)
	case errors.Is(err, messaging.ErrInProgress):
		return river.JobSnooze(messaging.ClaimLease)
	}
	return err
}

// EnqueueMessage enqueues a MessageDeliveryArgs job inside the caller's
// transaction (q must come from db.InTx). It implements messaging.Queue.
func (qu *Queue) EnqueueMessage(ctx context.Context, q db.Querier, messageID int64) error {
	tx, err := sqlTx(q)
	if err != nil {
		return fmt.Errorf("enqueue message %d: %w", messageID, err)
	}
	if _, err := qu.client.InsertTx(ctx, tx, MessageDeliveryArgs{MessageID: messageID}, nil); err != nil {
		return fmt.Errorf("enqueue message %d: %w", messageID, err)
	}
	return nil
}
