package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// newRefund is a refund as first recorded, requested of the provider.
type newRefund struct {
	AttemptID int64
	OrderID   int64
	Amount    int64 // won
	TaxFree   int64
	Charge    int64 // in the provider's currency
	Withheld  int64 // won kept back (a return's shipping fee)
	Points    int64
	Cancel    bool
	Reason    string
	Key       string // the idempotency key the provider is asked with
	// Status is RefundRequested (asked of the provider) or
	// RefundAwaitingTransfer (staff send it by hand).
	Status    string
	ActorKind string
	ActorID   int64
}

// insertRefund records r and returns its id.
func insertRefund(ctx context.Context, q db.Querier, r newRefund, now time.Time) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO payment_refunds (attempt_id, order_id, amount_minor,
		tax_free_minor, charge_minor, withheld_minor, points, cancel, reason, status, idempotency_key, actor_kind, actor_id,
		created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`), r.AttemptID, r.OrderID, r.Amount,
		r.TaxFree, r.Charge, r.Withheld, r.Points, r.Cancel, r.Reason, r.Status, r.Key, r.ActorKind, nullID(r.ActorID), now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record refund of order %d: %w", r.OrderID, err)
	}
	return id, nil
}

// setRefundAccount stores the account refund id goes to: the bank's code
// and the number and holder already encrypted for the refund's row.
func setRefundAccount(ctx context.Context, q db.Querier, id int64, bank, numberEnc, holderEnc string) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_refunds SET refund_bank = ?, refund_number_enc = ?,
		refund_holder_enc = ? WHERE id = ?`), bank, numberEnc, holderEnc, id)
	if err != nil {
		return fmt.Errorf("record the account of refund %d: %w", id, err)
	}
	return nil
}

// markTransferred records that staff member staffID sent refund id, which
// waited for a transfer, with memo, and reports whether it changed the
// refund (false: recorded meanwhile, or not waiting for a transfer).
func markTransferred(ctx context.Context, q db.Querier, id, staffID int64, memo string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_refunds SET status = 'done', provider_refund_id = 'transfer',
		transferred_by = ?, transferred_at = ?, transfer_memo = ?, updated_at = ?, done_at = ?
		WHERE id = ? AND status = 'awaiting_transfer'`), nullID(staffID), now, memo, now, now, id)
	return db.Affected(res, err, "record refund %d transferred", id)
}

// claimRefundLine ties order line lineID to refund refundID; a line is
// claimed by one refund at a time, so a second claim is fault.ErrConflict.
func claimRefundLine(ctx context.Context, q db.Querier, d db.Dialect, refundID, lineID int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO payment_refund_lines (refund_id, line_id) VALUES (?, ?)`),
		refundID, lineID)
	if d.IsUniqueViolation(err) {
		return fmt.Errorf("line %d is being refunded already: %w", lineID, fault.ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("claim line %d for refund: %w", lineID, err)
	}
	return nil
}

// releaseRefundLines gives back the lines refund refundID claimed.
func releaseRefundLines(ctx context.Context, q db.Querier, refundID int64) error {
	_, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM payment_refund_lines WHERE refund_id = ?`), refundID)
	if err != nil {
		return fmt.Errorf("release lines of refund %d: %w", refundID, err)
	}
	return nil
}

// refundLines returns the ids of the order lines refund refundID claimed,
// in order.
func refundLines(ctx context.Context, q db.Querier, refundID int64) ([]int64, error) {
	var lines []int64
	if err := q.SelectContext(ctx, &lines, q.Rebind(`SELECT line_id FROM payment_refund_lines
		WHERE refund_id = ? ORDER BY line_id`), refundID); err != nil {
		return nil, fmt.Errorf("lines of refund %d: %w", refundID, err)
	}
	return lines, nil
}

// reserveRefund holds amount won of captured attempt id for a refund, and
// reports whether the attempt had that much left to refund.
func reserveRefund(ctx context.Context, q db.Querier, id, amount int64, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET refunded_minor = refunded_minor + ?,
		updated_at = ? WHERE id = ? AND status IN ('paid', 'partially_refunded') AND refunded_minor + ? <= amount_minor`),
		amount, now, id, amount)
	return db.Affected(res, err, "reserve refund on payment %d", id)
}

// unreserveRefund gives back amount won reserveRefund held on attempt id.
func unreserveRefund(ctx context.Context, q db.Querier, id, amount int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET refunded_minor = refunded_minor - ?,
		updated_at = ? WHERE id = ?`), amount, now, id)
	if err != nil {
		return fmt.Errorf("release refund on payment %d: %w", id, err)
	}
	return nil
}

// settleRefundedAttempt moves attempt id to refunded when all of it was
// given back, partially refunded otherwise.
func settleRefundedAttempt(ctx context.Context, q db.Querier, id int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = CASE WHEN refunded_minor >= amount_minor
		THEN 'refunded' ELSE 'partially_refunded' END, updated_at = ? WHERE id = ?`), now, id)
	if err != nil {
		return fmt.Errorf("record payment %d refunded: %w", id, err)
	}
	return nil
}

// failRefund records the provider's refusal, message, of refund id.
func failRefund(ctx context.Context, q db.Querier, id int64, message string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_refunds SET status = 'failed', failure_message = ?,
		updated_at = ? WHERE id = ?`), clip(message, 300), now, id)
	if err != nil {
		return fmt.Errorf("record refund %d failed: %w", id, err)
	}
	return nil
}

// completeRefund records requested refund id done with the provider's id of
// it, and reports whether it changed the refund (false: a retry recorded it
// meanwhile).
func completeRefund(ctx context.Context, q db.Querier, id int64, providerRefundID string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_refunds SET status = 'done', provider_refund_id = ?,
		updated_at = ?, done_at = ? WHERE id = ? AND status = 'requested'`), clip(providerRefundID, 100), now, now, id)
	return db.Affected(res, err, "record refund %d done", id)
}

// refundCharges sums, in the provider's currency, the refunds of attempt
// attemptID that are held against it (done or still requested) and those
// done.
func refundCharges(ctx context.Context, q db.Querier, attemptID int64) (held, done int64, err error) {
	var r struct {
		Held int64 `db:"held"`
		Done int64 `db:"done"`
	}
	err = q.GetContext(ctx, &r, q.Rebind(`SELECT
		COALESCE(SUM(CASE WHEN status <> 'failed' THEN charge_minor END), 0) AS held,
		COALESCE(SUM(CASE WHEN status = 'done' THEN charge_minor END), 0) AS done
		FROM payment_refunds WHERE attempt_id = ?`), attemptID)
	if err != nil {
		return 0, 0, fmt.Errorf("refunds of payment %d: %w", attemptID, err)
	}
	return r.Held, r.Done, nil
}

// refundRow is a stored refund, its account still encrypted.
type refundRow struct {
	ID            int64         `db:"id"`
	AttemptID     int64         `db:"attempt_id"`
	OrderID       int64         `db:"order_id"`
	Amount        int64         `db:"amount_minor"`
	Charge        int64         `db:"charge_minor"`
	TaxFree       int64         `db:"tax_free_minor"`
	Withheld      int64         `db:"withheld_minor"`
	Points        int64         `db:"points"`
	Cancel        bool          `db:"cancel"`
	Reason        string        `db:"reason"`
	Status        string        `db:"status"`
	Key           string        `db:"idempotency_key"`
	PRID          string        `db:"provider_refund_id"`
	Failure       string        `db:"failure_message"`
	Bank          string        `db:"refund_bank"`
	NumberEnc     string        `db:"refund_number_enc"`
	HolderEnc     string        `db:"refund_holder_enc"`
	ActorKind     string        `db:"actor_kind"`
	ActorID       sql.NullInt64 `db:"actor_id"`
	TransferredBy sql.NullInt64 `db:"transferred_by"`
	TransferredAt sql.NullTime  `db:"transferred_at"`
	TransferMemo  string        `db:"transfer_memo"`
	CreatedAt     time.Time     `db:"created_at"`
}

const selectRefund = `SELECT id, attempt_id, order_id, amount_minor, tax_free_minor, charge_minor, withheld_minor, points, cancel,
	reason, status, idempotency_key, provider_refund_id, failure_message, refund_bank, refund_number_enc,
	refund_holder_enc, actor_kind, actor_id, transferred_by, transferred_at, transfer_memo, created_at
	FROM payment_refunds`

// refundByID reads refund id; fault.ErrNotFound when there is none.
func refundByID(ctx context.Context, q db.Querier, id int64) (refundRow, error) {
	var r refundRow
	err := q.GetContext(ctx, &r, q.Rebind(selectRefund+` WHERE id = ?`), id)
	if errors.Is(err, sql.ErrNoRows) {
		return refundRow{}, fault.ErrNotFound
	}
	if err != nil {
		return refundRow{}, fmt.Errorf("read refund %d: %w", id, err)
	}
	return r, nil
}

// refundsOfOrder returns the refunds of order orderID, oldest first.
func refundsOfOrder(ctx context.Context, q db.Querier, orderID int64) ([]refundRow, error) {
	var rs []refundRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectRefund+` WHERE order_id = ? ORDER BY id`), orderID); err != nil {
		return nil, fmt.Errorf("refunds of order %d: %w", orderID, err)
	}
	return rs, nil
}

// awaitingTransfers returns up to limit refunds waiting for staff to send
// them, oldest first.
func awaitingTransfers(ctx context.Context, q db.Querier, limit int) ([]refundRow, error) {
	var rs []refundRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectRefund+` WHERE status = 'awaiting_transfer' ORDER BY id LIMIT ?`),
		limit); err != nil {
		return nil, fmt.Errorf("refunds awaiting a transfer: %w", err)
	}
	return rs, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
