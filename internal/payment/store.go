package payment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// AttemptStatus is where one payment attempt stands.
type AttemptStatus string

// Attempt statuses.
const (
	AttemptPrepared        AttemptStatus = "prepared"   // the customer is on the provider's page
	AttemptConfirming      AttemptStatus = "confirming" // a confirm is talking to the provider now
	AttemptPending         AttemptStatus = "pending"    // the provider has not decided; a job checks again
	AttemptAwaitingDeposit AttemptStatus = "awaiting_deposit"
	AttemptPaid            AttemptStatus = "paid"
	AttemptFailed          AttemptStatus = "failed"
	AttemptAmountMismatch  AttemptStatus = "amount_mismatch" // the provider charged another amount; given back
	AttemptCancelled       AttemptStatus = "cancelled"       // given back before the order used it
	AttemptPartlyRefunded  AttemptStatus = "partially_refunded"
	AttemptRefunded        AttemptStatus = "refunded"
)

// settled reports whether an attempt's outcome is final as far as
// confirming goes: a repeated confirm only reads it.
func (st AttemptStatus) settled() bool {
	switch st {
	case AttemptPaid, AttemptFailed, AttemptAmountMismatch, AttemptCancelled, AttemptPartlyRefunded, AttemptRefunded, AttemptAwaitingDeposit:
		return true
	}
	return false
}

// Captured reports whether the attempt's money was taken (and some may have
// been refunded since).
func (st AttemptStatus) Captured() bool {
	return st == AttemptPaid || st == AttemptPartlyRefunded || st == AttemptRefunded
}

// Attempt is one try at paying one order.
type Attempt struct {
	ID                int64
	OrderID           int64
	Provider          string
	Reference         string
	ProviderPaymentID string
	CaptureID         string
	Status            AttemptStatus
	Amount            int64 // won
	TaxFree           int64
	ChargeCurrency    string
	ChargeMinor       int64
	Refunded          int64 // won
	Method            string
	FailureCode       string
	FailureMessage    string
	Deposit           *DepositInfo
	ReceiptURL        string
	PaidAt            time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// DepositInfo is what a customer paying by transfer needs: where to send
// how much by when, and the buyer-protection notice recorded with it.
type DepositInfo struct {
	Bank      string    `json:"bank"`
	Account   string    `json:"account"`
	Holder    string    `json:"holder"`
	Due       time.Time `json:"due"`
	Depositor string    `json:"depositor,omitempty"`
	Notice    string    `json:"notice,omitempty"`
	// ConfirmedBy is the staff member who matched the deposit (bank
	// transfer), 0 for the provider's notification.
	ConfirmedBy int64 `json:"confirmed_by,omitempty"`
}

type attemptRow struct {
	ID                int64          `db:"id"`
	OrderID           int64          `db:"order_id"`
	UserID            int64          `db:"user_id"` // the order's customer
	Provider          string         `db:"provider"`
	Reference         string         `db:"reference"`
	ProviderPaymentID sql.NullString `db:"provider_payment_id"`
	CaptureID         string         `db:"capture_id"`
	Status            string         `db:"status"`
	Amount            int64          `db:"amount_minor"`
	TaxFree           int64          `db:"tax_free_minor"`
	ChargeCurrency    string         `db:"charge_currency"`
	ChargeMinor       int64          `db:"charge_minor"`
	Refunded          int64          `db:"refunded_minor"`
	Method            string         `db:"method"`
	FailureCode       string         `db:"failure_code"`
	FailureMessage    string         `db:"failure_message"`
	Deposit           []byte         `db:"deposit"`
	DepositSecret     string         `db:"deposit_secret_enc"`
	ReceiptURL        string         `db:"receipt_url"`
	ClaimedUntil      sql.NullTime   `db:"claimed_until"`
	PaidAt            sql.NullTime   `db:"paid_at"`
	CreatedAt         time.Time      `db:"created_at"`
	UpdatedAt         time.Time      `db:"updated_at"`
}

const selectAttempt = `SELECT id, order_id, (SELECT user_id FROM orders o WHERE o.id = order_id) AS user_id,
	provider, reference, provider_payment_id, capture_id, status,
	amount_minor, tax_free_minor, charge_currency, charge_minor, refunded_minor, method, failure_code,
	failure_message, deposit, deposit_secret_enc, receipt_url, claimed_until, paid_at, created_at, updated_at
	FROM payment_attempts`

func (r attemptRow) attempt() Attempt {
	a := Attempt{ID: r.ID, OrderID: r.OrderID, Provider: r.Provider, Reference: r.Reference,
		ProviderPaymentID: r.ProviderPaymentID.String, CaptureID: r.CaptureID, Status: AttemptStatus(r.Status),
		Amount: r.Amount, TaxFree: r.TaxFree, ChargeCurrency: r.ChargeCurrency, ChargeMinor: r.ChargeMinor,
		Refunded: r.Refunded, Method: r.Method, FailureCode: r.FailureCode, FailureMessage: r.FailureMessage,
		ReceiptURL: r.ReceiptURL, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.PaidAt.Valid {
		a.PaidAt = r.PaidAt.Time.UTC()
	}
	if len(r.Deposit) > 0 && string(r.Deposit) != "null" {
		var d DepositInfo
		if json.Unmarshal(r.Deposit, &d) == nil {
			a.Deposit = &d
		}
	}
	return a
}

func attemptWhere(ctx context.Context, q db.Querier, where string, args ...any) (attemptRow, error) {
	var r attemptRow
	err := q.GetContext(ctx, &r, q.Rebind(selectAttempt+" WHERE "+where), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return attemptRow{}, fault.ErrNotFound
	}
	if err != nil {
		return attemptRow{}, fmt.Errorf("read payment attempt: %w", err)
	}
	return r, nil
}

// attemptLocked reads attempt id with lock (db.Dialect.ShareLock) appended,
// so that it waits for a transaction changing the attempt; ctx bounds the
// wait.
func attemptLocked(ctx context.Context, q db.Querier, id int64, lock string) (attemptRow, error) {
	var r attemptRow
	err := q.GetContext(ctx, &r, q.Rebind(selectAttempt+" WHERE id = ?"+lock), id)
	if errors.Is(err, sql.ErrNoRows) {
		return attemptRow{}, fault.ErrNotFound
	}
	if err != nil {
		return attemptRow{}, fmt.Errorf("read payment attempt %d: %w", id, err)
	}
	return r, nil
}

func attemptsOf(ctx context.Context, q db.Querier, orderID int64) ([]Attempt, error) {
	var rs []attemptRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(selectAttempt+" WHERE order_id = ? ORDER BY id"), orderID); err != nil {
		return nil, fmt.Errorf("read payment attempts of order %d: %w", orderID, err)
	}
	out := make([]Attempt, len(rs))
	for i, r := range rs {
		out[i] = r.attempt()
	}
	return out, nil
}

func insertAttempt(ctx context.Context, q db.Querier, a Attempt, deposit []byte, now time.Time) (int64, error) {
	var dep any
	if deposit != nil {
		dep = string(deposit)
	}
	var paid sql.NullTime
	if !a.PaidAt.IsZero() {
		paid = sql.NullTime{Time: a.PaidAt, Valid: true}
	}
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO payment_attempts (order_id, provider, reference, status,
		amount_minor, tax_free_minor, charge_currency, charge_minor, method, deposit, paid_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		a.OrderID, a.Provider, a.Reference, a.Status, a.Amount, a.TaxFree, a.ChargeCurrency, a.ChargeMinor,
		a.Method, dep, paid, now, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("record payment attempt for order %d: %w", a.OrderID, err)
	}
	return id, nil
}

// event is one row of payment_events.
type event struct {
	AttemptID int64
	Kind      string
	Outcome   string
	Detail    string
	Response  []byte
	// By is the kind of actor (the By… constants); "" takes the kind's
	// usual actor (see actorOfKind). ActorID is the user, when a person.
	By      string
	ActorID int64
}

// Event kinds.
const (
	evPrepare  = "prepare"
	evConfirm  = "confirm"
	evLookup   = "lookup"
	evRefund   = "refund"
	evWebhook  = "webhook"
	evDeposit  = "deposit"
	evMismatch = "amount_mismatch"
	evGiveBack = "give_back"
	evReturn   = "return" // the customer's browser came back
)

// maxStored bounds what is kept of one provider response.
const maxStored = 16 << 10

func insertEvent(ctx context.Context, q db.Querier, e event, now time.Time) error {
	resp := e.Response
	if len(resp) > maxStored {
		resp = resp[:maxStored]
	}
	var actor sql.NullInt64
	if e.ActorID != 0 {
		actor = sql.NullInt64{Int64: e.ActorID, Valid: true}
	}
	by := e.By
	if by == "" {
		by = actorOfKind(e.Kind)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO payment_events (attempt_id, kind, outcome, summary, response,
		actor_kind, actor_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), e.AttemptID, e.Kind, e.Outcome, clip(e.Detail, 1000),
		string(resp), by, actor, now)
	if err != nil {
		return fmt.Errorf("record payment event of attempt %d: %w", e.AttemptID, err)
	}
	return nil
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// EventRecord is a stored payment event, for the back office.
type EventRecord struct {
	ID        int64  `db:"id"`
	AttemptID int64  `db:"attempt_id"`
	Kind      string `db:"kind"`
	Outcome   string `db:"outcome"`
	Detail    string `db:"summary"`
	// ActorKind is who acted: ByCustomer, ByStaff, ByJob, ByProvider or
	// BySystem ("" for events recorded before kinds were kept).
	ActorKind string `db:"actor_kind"`
	// ActorID is the customer or staff member, nil for the others.
	ActorID   *int64    `db:"actor_id"`
	CreatedAt time.Time `db:"created_at"`
}

func eventsOf(ctx context.Context, q db.Querier, orderID int64) ([]EventRecord, error) {
	var out []EventRecord
	err := q.SelectContext(ctx, &out, q.Rebind(`SELECT e.id, e.attempt_id, e.kind, e.outcome, e.summary, e.actor_kind, e.actor_id,
		e.created_at FROM payment_events e JOIN payment_attempts a ON a.id = e.attempt_id
		WHERE a.order_id = ? ORDER BY e.id`), orderID)
	if err != nil {
		return nil, fmt.Errorf("read payment events of order %d: %w", orderID, err)
	}
	return out, nil
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// setPrepared records what the provider answered when attempt id was
// prepared: its payment id and the charge in its currency.
func setPrepared(ctx context.Context, q db.Querier, id int64, providerPaymentID string, charge Amount, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET provider_payment_id = ?,
		charge_currency = ?, charge_minor = ?, updated_at = ? WHERE id = ?`),
		nullString(providerPaymentID), charge.Currency, charge.Total, now, id)
	if err != nil {
		return fmt.Errorf("record prepared payment %d: %w", id, err)
	}
	return nil
}

// noteAbandoned keeps the code and message the customer came back with on
// attempt id while it is still prepared; the status does not change.
func noteAbandoned(ctx context.Context, q db.Querier, id int64, code, message string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET failure_code = ?,
		failure_message = ?, updated_at = ? WHERE id = ? AND status = 'prepared'`), code, message, now, id)
	if err != nil {
		return fmt.Errorf("record abandoned payment %d: %w", id, err)
	}
	return nil
}

// claimAttempt moves attempt id to confirming until until, from prepared or
// pending or a confirming claim that lapsed, and reports whether it did.
func claimAttempt(ctx context.Context, q db.Querier, id int64, until, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'confirming',
		claimed_until = ?, updated_at = ? WHERE id = ? AND (status IN ('prepared', 'pending')
		OR (status = 'confirming' AND claimed_until < ?))`), until, now, id, now)
	return db.Affected(res, err, "claim payment attempt %d", id)
}

// markAttemptPaid records res, the provider's word that attempt id was paid
// at paidAt, unless the attempt was settled meanwhile; it reports whether it
// changed the attempt.
func markAttemptPaid(ctx context.Context, q db.Querier, id int64, res Result, paidAt, now time.Time) (bool, error) {
	r, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'paid',
		provider_payment_id = COALESCE(?, provider_payment_id), capture_id = ?, method = ?, receipt_url = ?,
		paid_at = ?, claimed_until = NULL, failure_code = '', failure_message = '', updated_at = ?
		WHERE id = ? AND status IN ('prepared', 'confirming', 'pending', 'awaiting_deposit')`),
		nullString(res.ProviderPaymentID), res.CaptureID, clip(res.Method, 40), clip(res.ReceiptURL, 500),
		paidAt.Truncate(time.Microsecond), now, id)
	return db.Affected(r, err, "record payment %d paid", id)
}

// markAttemptAwaitingDeposit records the virtual account the provider
// issued for attempt id (deposit, and its notification secret encrypted),
// unless the attempt was settled meanwhile; it reports whether it changed
// the attempt.
func markAttemptAwaitingDeposit(ctx context.Context, q db.Querier, id int64, providerPaymentID string, deposit []byte,
	secretEnc, method string, now time.Time) (bool, error) {
	r, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'awaiting_deposit',
		provider_payment_id = COALESCE(?, provider_payment_id), deposit = ?, deposit_secret_enc = ?, method = ?,
		claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending')`),
		nullString(providerPaymentID), nullJSON(deposit), secretEnc, clip(method, 40), now, id)
	return db.Affected(r, err, "record virtual account of payment %d", id)
}

// markTransferPaid records that the bank transfer of attempt id arrived, with
// deposit as staff confirmed it, unless it is no longer awaited; it reports
// whether it changed the attempt.
func markTransferPaid(ctx context.Context, q db.Querier, id int64, deposit []byte, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'paid', deposit = ?, paid_at = ?,
		updated_at = ? WHERE id = ? AND status = 'awaiting_deposit'`), string(deposit), now, now, id)
	return db.Affected(res, err, "mark transfer of payment %d paid", id)
}

// settlingAttempts counts the attempts of order orderID whose outcome a
// provider is being asked for (confirming) or has not told yet (pending).
func settlingAttempts(ctx context.Context, q db.Querier, orderID int64) (int, error) {
	var n int
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM payment_attempts
		WHERE order_id = ? AND status IN ('confirming', 'pending')`), orderID)
	if err != nil {
		return 0, fmt.Errorf("count payments being settled of order %d: %w", orderID, err)
	}
	return n, nil
}

// capturedAttempt returns the attempt of order orderID that took its
// money (paid, or refunded since), other than attempt except;
// fault.ErrNotFound when there is none.
func capturedAttempt(ctx context.Context, q db.Querier, orderID, except int64) (attemptRow, error) {
	return attemptWhere(ctx, q, `order_id = ? AND id <> ? AND status IN ('paid', 'partially_refunded', 'refunded')`,
		orderID, except)
}

// closeAwaitedTransfers closes the bank transfers still awaited for order
// orderID, which another payment has just paid: the shop no longer asks for
// that money.
func closeAwaitedTransfers(ctx context.Context, q db.Querier, orderID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'failed',
		failure_code = 'ORDER_PAID', failure_message = '다른 결제로 주문이 결제되었습니다', updated_at = ?
		WHERE order_id = ? AND provider = ? AND status = 'awaiting_deposit'`), now, orderID, BankTransfer)
	if err != nil {
		return fmt.Errorf("close transfers awaited for paid order %d: %w", orderID, err)
	}
	return nil
}

// failAttemptsOfCancelledOrders closes the transfers awaited and windows
// prepared of orders that were cancelled, and returns how many.
func failAttemptsOfCancelledOrders(ctx context.Context, q db.Querier, now time.Time) (int64, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'failed',
		failure_code = 'ORDER_CANCELLED', failure_message = '주문이 취소되었습니다', updated_at = ?
		WHERE status IN ('awaiting_deposit', 'prepared') AND order_id IN (SELECT id FROM orders WHERE status = 'cancelled')`), now)
	if err != nil {
		return 0, fmt.Errorf("close payments of cancelled orders: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("close payments of cancelled orders: %w", err)
	}
	return n, nil
}

// failOpenAttemptsOfOrder marks the attempts of cancelled order orderID that
// never took money (a transfer awaited, a window prepared) as failed.
func failOpenAttemptsOfOrder(ctx context.Context, q db.Querier, orderID int64, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'failed',
		failure_code = 'ORDER_CANCELLED', failure_message = '주문이 취소되었습니다', claimed_until = NULL, updated_at = ?
		WHERE order_id = ? AND status IN ('awaiting_deposit', 'prepared')`), now, orderID)
	if err != nil {
		return fmt.Errorf("close open payments of order %d: %w", orderID, err)
	}
	return nil
}

// unsettledAttempt is an attempt reconciliation looks up.
type unsettledAttempt struct {
	ID     int64  `db:"id"`
	Status string `db:"status"`
}

// unsettledAttempts returns up to limit attempts whose outcome is open and
// that did not change since before, leaving out confirms whose lease runs
// past now.
func unsettledAttempts(ctx context.Context, q db.Querier, before, now time.Time, limit int) ([]unsettledAttempt, error) {
	var out []unsettledAttempt
	err := q.SelectContext(ctx, &out, q.Rebind(`SELECT id, status FROM payment_attempts
		WHERE status IN ('confirming', 'pending', 'awaiting_deposit') AND updated_at < ?
		AND NOT (status = 'confirming' AND claimed_until > ?) ORDER BY id LIMIT ?`), before, now, limit)
	if err != nil {
		return nil, fmt.Errorf("find unsettled payments: %w", err)
	}
	return out, nil
}

// failAttempt marks attempt id failed with code and message, unless it was
// settled meanwhile.
func failAttempt(ctx context.Context, q db.Querier, id int64, code, message string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'failed', failure_code = ?,
		failure_message = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending')`),
		clip(code, 64), clip(message, 300), now, id)
	if err != nil {
		return fmt.Errorf("record failure of payment %d: %w", id, err)
	}
	return nil
}

// closeAttempt moves attempt id, while its outcome is open, to st (given
// back, or the wrong amount) with code and message.
func closeAttempt(ctx context.Context, q db.Querier, id int64, st AttemptStatus, code, message string, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = ?, failure_code = ?,
		failure_message = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending', 'awaiting_deposit')`),
		st, code, message, now, id)
	if err != nil {
		return fmt.Errorf("record payment %d %s: %w", id, st, err)
	}
	return nil
}

// setAttemptStatus moves attempt id to st when it is in one of from, and
// drops its claim.
func setAttemptStatus(ctx context.Context, q db.Querier, id int64, st AttemptStatus, now time.Time, from ...AttemptStatus) error {
	args := []any{st, now, id}
	for _, f := range from {
		args = append(args, f)
	}
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = ?, claimed_until = NULL,
		updated_at = ? WHERE id = ? AND status IN (`+db.Placeholders(len(from))+`)`), args...)
	if err != nil {
		return fmt.Errorf("record payment %d %s: %w", id, st, err)
	}
	return nil
}

// setProviderPaymentID stores the provider's id of attempt id when none is
// stored yet.
func setProviderPaymentID(ctx context.Context, q db.Querier, id int64, providerPaymentID string) error {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET provider_payment_id = ?
		WHERE id = ? AND provider_payment_id IS NULL`), providerPaymentID, id)
	if err != nil {
		return fmt.Errorf("record provider's id of payment %d: %w", id, err)
	}
	return nil
}

// receiptOrder returns the id and number of the order of cash receipt id.
func receiptOrder(ctx context.Context, q db.Querier, id int64) (orderID int64, number string, err error) {
	err = q.QueryRowxContext(ctx, q.Rebind(`SELECT o.id, o.number FROM cash_receipts c JOIN orders o ON o.id = c.order_id
		WHERE c.id = ?`), id).Scan(&orderID, &number)
	if err != nil {
		return 0, "", fmt.Errorf("order of cash receipt %d: %w", id, err)
	}
	return orderID, number, nil
}

// receiptRow is a stored cash receipt, its identity still encrypted.
type receiptRow struct {
	ID          int64        `db:"id"`
	OrderID     int64        `db:"order_id"`
	Purpose     string       `db:"purpose"`
	Identity    string       `db:"identity_enc"`
	Requested   bool         `db:"requested"`
	Amount      int64        `db:"amount_minor"`
	TaxFree     int64        `db:"tax_free_minor"`
	Status      string       `db:"status"`
	IssueNumber string       `db:"issue_number"`
	IssuedAt    sql.NullTime `db:"issued_at"`
	CreatedAt   time.Time    `db:"created_at"`
	UpdatedAt   time.Time    `db:"updated_at"`
	Reference   string       `db:"reference"`
	Provider    string       `db:"provider"`
	ReceiptKey  string       `db:"receipt_key"`
	ReceiptURL  string       `db:"receipt_url"`
	Tries       int          `db:"tries"`
	Failure     string       `db:"failure_message"`
	CancelDue   int64        `db:"cancel_due_minor"`
	Cancelled   int64        `db:"cancelled_minor"`
	IssueAsked  int64        `db:"issue_asked_minor"`
}

// receiptColumns are the columns receiptRow reads, each prefixed with c.
const receiptColumns = `c.id, c.order_id, c.purpose, c.identity_enc, c.requested, c.amount_minor, c.tax_free_minor,
	c.status, c.issue_number, c.issued_at, c.created_at, c.updated_at, c.reference, c.provider, c.receipt_key,
	c.receipt_url, c.tries, c.failure_message, c.cancel_due_minor, c.cancelled_minor, c.issue_asked_minor`

// insertCashReceipt records a pending cash receipt of order o for purpose,
// to identity (encrypted as stored); requested is false for the mandatory
// one to the self-issue number.
func insertCashReceipt(ctx context.Context, q db.Querier, o order.Order, reference, purpose, identityEnc string, requested bool, now time.Time) error {
	_, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO cash_receipts (order_id, reference, purpose, identity_enc, requested,
		amount_minor, tax_free_minor, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)`),
		o.ID, reference, purpose, identityEnc, requested, o.Total, o.TaxFree, now, now)
	if err != nil {
		return fmt.Errorf("record cash receipt of order %d: %w", o.ID, err)
	}
	return nil
}

// cashReceiptWhere reads the one cash receipt matching where;
// fault.ErrNotFound when there is none.
func cashReceiptWhere(ctx context.Context, q db.Querier, where string, args ...any) (receiptRow, error) {
	var r receiptRow
	err := q.GetContext(ctx, &r, q.Rebind(`SELECT `+receiptColumns+` FROM cash_receipts c WHERE `+where), args...)
	if errors.Is(err, sql.ErrNoRows) {
		return receiptRow{}, fault.ErrNotFound
	}
	if err != nil {
		return receiptRow{}, fmt.Errorf("read cash receipt: %w", err)
	}
	return r, nil
}

// pendingCashReceipts returns up to limit receipts still to issue for paid
// orders (waiting, or refused by the provider), oldest first.
func pendingCashReceipts(ctx context.Context, q db.Querier, limit int) ([]receiptRow, error) {
	var rs []receiptRow
	err := q.SelectContext(ctx, &rs, q.Rebind(`SELECT `+receiptColumns+` FROM cash_receipts c
		JOIN orders o ON o.id = c.order_id WHERE c.status IN ('pending', 'failed') AND o.paid_at IS NOT NULL
		ORDER BY c.id LIMIT ?`), limit)
	if err != nil {
		return nil, fmt.Errorf("pending cash receipts: %w", err)
	}
	return rs, nil
}

// markCashReceiptIssued records issueNumber on pending receipt id and
// reports whether it was pending.
func markCashReceiptIssued(ctx context.Context, q db.Querier, id int64, issueNumber string, now time.Time) (bool, error) {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE cash_receipts SET status = 'issued', failure_message = '',
		issue_number = ?, issued_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'failed')`), issueNumber, now, now, id)
	return db.Affected(res, err, "mark cash receipt %d issued", id)
}
