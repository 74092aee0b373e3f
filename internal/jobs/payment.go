package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/db"
)

// PaymentSyncArgs asks for one payment attempt to be looked up at its
// provider and settled: the work a provider's webhook triggers, done after
// the webhook was answered.
type PaymentSyncArgs struct {
	AttemptID int64 `json:"attempt_id"`
}

// Kind is the job kind stored in river_job; never change it.
func (PaymentSyncArgs) Kind() string { return "payment_sync" }

// InsertOpts: a provider that cannot be reached is asked again with River's
// backoff, for about a day; hourly reconciliation catches anything later.
func (PaymentSyncArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 10}
}

// PaymentSyncer settles a payment attempt and a cash receipt
// (internal/payment).
type PaymentSyncer interface {
	SyncAttempt(ctx context.Context, attemptID int64) error
	SettleCashReceipt(ctx context.Context, receiptID int64) error
}

type paymentSyncWorker struct {
	river.WorkerDefaults[PaymentSyncArgs]
	syncer PaymentSyncer
}

func (w *paymentSyncWorker) Timeout(*river.Job[PaymentSyncArgs]) time.Duration { return time.Minute }

// Work is idempotent: the payment service settles an attempt once, however
// often it is synced.
func (w *paymentSyncWorker) Work(ctx context.Context, job *river.Job[PaymentSyncArgs]) error {
	return w.syncer.SyncAttempt(ctx, job.Args.AttemptID)
}

// EnqueuePaymentSync enqueues a PaymentSyncArgs job inside the caller's
// transaction (q must come from db.InTx). It implements payment.SyncQueue.
func (qu *Queue) EnqueuePaymentSync(ctx context.Context, q db.Querier, attemptID int64) error {
	tx, err := sqlTx(q)
	if err != nil {
		return fmt.Errorf("enqueue sync of payment %d: %w", attemptID, err)
	}
	if _, err := qu.client.InsertTx(ctx, tx, PaymentSyncArgs{AttemptID: attemptID}, nil); err != nil {
		return fmt.Errorf("enqueue sync of payment %d: %w", attemptID, err)
	}
	return nil
}
