package payment

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// The SQL of cash receipts issued and cancelled through a provider. Every
// change is a conditional update on the status (and the try it was made
// for), so a job that runs twice, or staff acting at the same moment,
// change a receipt once.

// claimReceipt takes receipt id for a job until until, when no other job
// holds it, and reports whether it did.
func claimReceipt(ctx context.Context, q db.Querier, id int64, now, until time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET claimed_until = ?
		WHERE id = ? AND (claimed_until IS NULL OR claimed_until < ?)`), until, id, now)
	return db.Affected(res, err, "claim cash receipt %d", id)
}

// releaseReceipt lets the next job take receipt id, claimed until until:
// a job whose lease ran out and was taken over leaves the new claim be.
func releaseReceipt(ctx context.Context, q db.Querier, id int64, until time.Time) error {
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET claimed_until = NULL
		WHERE id = ? AND claimed_until = ?`), id, until); err != nil {
		return fmt.Errorf("release cash receipt %d: %w", id, err)
	}
	return nil
}

// markReceiptIssuedBy records that provider issued pending receipt id at
// its try, with the provider's key, number and link; notIssued, the part
// of the sale refunded before the issue and left out of it, counts as
// cancelled.
func markReceiptIssuedBy(ctx context.Context, q db.Querier, id int64, try int, provider string, got IssuedReceipt,
	notIssued int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET status = 'issued', provider = ?, receipt_key = ?,
		issue_number = ?, receipt_url = ?, failure_message = '', cancelled_minor = ?, issued_at = ?, updated_at = ?
		WHERE id = ? AND status = 'pending' AND tries = ?`),
		provider, clip(got.ReceiptKey, 200), clip(got.IssueNumber, 64), clip(got.ReceiptURL, 500), notIssued, now, now, id, try)
	return db.Affected(res, err, "mark cash receipt %d issued", id)
}

// markIssueAsked records, before the call, that an issue of pending
// receipt id at its try is being asked for amount.
func markIssueAsked(ctx context.Context, q db.Querier, id int64, try int, amount int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET issue_asked_minor = ?, updated_at = ?
		WHERE id = ? AND status = 'pending' AND tries = ? AND issue_asked_minor = 0`), amount, now, id, try)
	return db.Affected(res, err, "record the issue asked of cash receipt %d", id)
}

// markReceiptFailed records the provider's refusal of pending receipt id at
// its try.
func markReceiptFailed(ctx context.Context, q db.Querier, id int64, try int, message string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET status = 'failed', failure_message = ?, updated_at = ?
		WHERE id = ? AND status = 'pending' AND tries = ?`), message, now, id, try)
	return db.Affected(res, err, "mark cash receipt %d failed", id)
}

// closeUnissuedReceipt closes pending receipt id, refunded whole before it
// was issued.
func closeUnissuedReceipt(ctx context.Context, q db.Querier, id int64, try int, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET status = 'cancelled', updated_at = ?
		WHERE id = ? AND status = 'pending' AND tries = ?`), now, id, try)
	return db.Affected(res, err, "close cash receipt %d", id)
}

// markReceiptCancelFailed records the provider's refusal to cancel issued
// receipt id at its try; the receipt stays issued.
func markReceiptCancelFailed(ctx context.Context, q db.Querier, id int64, try int, message string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET failure_message = ?, updated_at = ?
		WHERE id = ? AND status = 'issued' AND tries = ?`), message, now, id, try)
	return db.Affected(res, err, "mark cancel of cash receipt %d failed", id)
}

// markReceiptCancelled records that the provider cancelled issued receipt
// id up to cancelled won (from was), and closes it when whole.
func markReceiptCancelled(ctx context.Context, q db.Querier, id, from, cancelled int64, whole bool, now time.Time) (bool, error) {
	status := "issued"
	if whole {
		status = "cancelled"
	}
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET status = ?, cancelled_minor = ?, updated_at = ?
		WHERE id = ? AND status = 'issued' AND cancelled_minor = ?`), status, cancelled, now, id, from)
	return db.Affected(res, err, "mark cash receipt %d cancelled", id)
}

// addReceiptCancelDue raises what refunds took back of receipt r to due,
// closing it (closed) when it was never issued and nothing of the sale is
// left; it changes nothing when r changed since it was read.
func addReceiptCancelDue(ctx context.Context, q db.Querier, r receiptRow, due int64, closed bool, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET cancel_due_minor = ?,
		status = CASE WHEN ? THEN 'cancelled' ELSE status END, updated_at = ?
		WHERE id = ? AND cancel_due_minor = ? AND status = ? AND issue_asked_minor = ?`),
		due, closed, now, r.ID, r.CancelDue, r.Status, r.IssueAsked)
	return db.Affected(res, err, "record refund on cash receipt %d", r.ID)
}

// retryReceipt puts receipt id back in line: one the provider refused
// under a new try (a failed issue becomes pending again, a refused cancel
// loses its failure), and a pending one as it is, since its request may
// have gone through and must be sent again unchanged.
func retryReceipt(ctx context.Context, q db.Querier, id int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET
		tries = CASE WHEN status = 'pending' THEN tries ELSE tries + 1 END,
		issue_asked_minor = CASE WHEN status = 'failed' THEN 0 ELSE issue_asked_minor END,
		status = CASE WHEN status = 'failed' THEN 'pending' ELSE status END,
		failure_message = '', updated_at = ?
		WHERE id = ? AND (status IN ('failed', 'pending') OR (status = 'issued' AND provider <> '' AND failure_message <> ''))`), now, id)
	return db.Affected(res, err, "retry cash receipt %d", id)
}

// replaceSelfIssue gives pending receipt id, due to the self-issue number,
// the purpose and identity a customer asked for.
func replaceSelfIssue(ctx context.Context, q db.Querier, id int64, purpose, identityEnc string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET purpose = ?, identity_enc = ?, requested = ?,
		tries = tries + 1, updated_at = ? WHERE id = ? AND status = 'pending' AND NOT requested AND issue_asked_minor = 0`),
		purpose, identityEnc, true, now, id)
	return db.Affected(res, err, "replace self-issue cash receipt %d", id)
}

// issuedCashReceipts returns up to limit receipts issued or closed, the
// latest change first.
func issuedCashReceipts(ctx context.Context, q db.Querier, limit int) ([]receiptRow, error) {
	var rs []receiptRow
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT `+receiptColumns+` FROM cash_receipts c
		WHERE c.status IN ('issued', 'cancelled') ORDER BY c.updated_at DESC, c.id DESC LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("issued cash receipts: %w", err)
	}
	return rs, nil
}
