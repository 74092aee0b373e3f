package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/notify"
)

// MailDeliveryArgs asks for one outbox mail to be delivered (decision
// 0034). notify.Outbox enqueues it in the transaction that stores the mail.
type MailDeliveryArgs struct {
	MailID int64 `json:"mail_id"`
}

// Kind is the job kind stored in river_job; never change it.
func (MailDeliveryArgs) Kind() string { return "mail_delivery" }

// MailAttempts is how often a mail is tried before it is marked failed;
// with MailBackoff the attempts span about eight hours.
const MailAttempts = 8

// InsertOpts: mail waits on the default queue, MailAttempts times at most.
func (MailDeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: MailAttempts}
}

// MailBackoff is the wait after failed attempt n (1-based): 1, 5, 15 and
// 30 minutes, then 1, 2 and 4 hours. The first waits outlast greylisting
// (servers that refuse a new sender for a few minutes), the last a mail
// server's maintenance window; River's own policy (n⁴ seconds) would spend
// the attempts within an hour.
func MailBackoff(n int) time.Duration {
	waits := [...]time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour}
	if n >= 1 && n <= len(waits) {
		return waits[n-1]
	}
	return 4 * time.Hour
}

// MailCourier delivers one stored mail; *notify.Courier implements it.
type MailCourier interface {
	Deliver(ctx context.Context, mailID int64, final bool) error
}

// Mail is what the runner needs to deliver mail: the courier, and the wait
// after a failed attempt (MailBackoff; tests pass a short one).
type Mail struct {
	Courier MailCourier
	Backoff func(attempt int) time.Duration
	// Messages sends the 알림톡 MessageDeliveryArgs names, with the same
	// backoff (nil: none).
	Messages MessageCourier
}

type mailWorker struct {
	river.WorkerDefaults[MailDeliveryArgs]
	mail Mail
}

// Timeout ends a delivery well before its claim on the mail lapses
// (notify.ClaimLease), so two runs never deliver one mail at once.
func (w *mailWorker) Timeout(*river.Job[MailDeliveryArgs]) time.Duration { return 2 * time.Minute }

// NextRetry schedules the next attempt by River's clock, the wall clock it
// compares the time with.
func (w *mailWorker) NextRetry(job *river.Job[MailDeliveryArgs]) time.Time {
	return time.Now().Add(w.mail.Backoff(job.Attempt))
}

// Work delivers the mail; the courier makes a second run for a mail that
// is already sent do nothing. A refusal for good, or a mail that no longer
// exists, cancels the job; a mail another run is delivering is looked at
// again when that run's claim has lapsed; anything else is retried.
func (w *mailWorker) Work(ctx context.Context, job *river.Job[MailDeliveryArgs]) error {
	err := w.mail.Courier.Deliver(ctx, job.Args.MailID, job.Attempt >= job.MaxAttempts)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, notify.ErrUndeliverable), errors.Is(err, fault.ErrNotFound):
		return river.JobCancel(err)
	case errors.Is(err, notify.ErrInProgress):
		return river.JobSnooze(notify.ClaimLease)
	}
	return err
}

// EnqueueMailDelivery enqueues a MailDeliveryArgs job inside the caller's
// transaction (q must come from db.InTx). It implements
// notify.DeliveryQueue.
func (qu *Queue) EnqueueMailDelivery(ctx context.Context, q db.Querier, mailID int64) error {
	tx, err := sqlTx(q)
	if err != nil {
		return fmt.Errorf("enqueue delivery of mail %d: %w", mailID, err)
	}
	if _, err := qu.client.InsertTx(ctx, tx, MailDeliveryArgs{MailID: mailID}, nil); err != nil {
		return fmt.Errorf("enqueue delivery of mail %d: %w", mailID, err)
	}
	return nil
}
