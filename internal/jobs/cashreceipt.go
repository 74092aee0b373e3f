package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mallang/mallang/internal/db"
)

// CashReceiptArgs asks for one cash receipt to be issued or cancelled at
// the provider as its order now requires (decision 0042): enqueued in the
// transaction that confirms the deposit, sends a refund, or takes a
// customer's or staff member's request, so a crash loses none.
type CashReceiptArgs struct {
	ReceiptID int64 `json:"receipt_id"`
}

// Kind is the job kind stored in river_job; never change it.
func (CashReceiptArgs) Kind() string { return "cash_receipt" }

// InsertOpts: a provider that cannot be reached is asked again with River's
// backoff, for about a day, always with the same idempotency key; the
// receipt stays listed for staff meanwhile.
func (CashReceiptArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueDefault, MaxAttempts: 10}
}

type cashReceiptWorker struct {
	river.WorkerDefaults[CashReceiptArgs]
	syncer PaymentSyncer
}

func (w *cashReceiptWorker) Timeout(*river.Job[CashReceiptArgs]) time.Duration { return time.Minute }

// Work is idempotent: the payment service issues and cancels a receipt
// once, however often the job runs.
func (w *cashReceiptWorker) Work(ctx context.Context, job *river.Job[CashReceiptArgs]) error {
	return w.syncer.SettleCashReceipt(ctx, job.Args.ReceiptID)
}

// EnqueueCashReceipt enqueues a CashReceiptArgs job inside the caller's
// transaction (q must come from db.InTx). It implements payment.SyncQueue.
func (qu *Queue) EnqueueCashReceipt(ctx context.Context, q db.Querier, receiptID int64) error {
	tx, err := sqlTx(q)
	if err != nil {
		return fmt.Errorf("enqueue cash receipt %d: %w", receiptID, err)
	}
	if _, err := qu.client.InsertTx(ctx, tx, CashReceiptArgs{ReceiptID: receiptID}, nil); err != nil {
		return fmt.Errorf("enqueue cash receipt %d: %w", receiptID, err)
	}
	return nil
}
