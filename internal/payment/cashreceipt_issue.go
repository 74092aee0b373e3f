package payment

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// Cash receipts through a provider's API (decision 0042). With an issuer
// configured, a receipt due is issued by the cash_receipt job once the
// deposit is confirmed — never before the money arrived — and cancelled, in
// whole or in part, when a refund of the transfer is sent. The job is
// enqueued in the transaction that makes it due, so a crash loses nothing;
// every request carries an idempotency key made of the transfer's reference
// and the receipt's try, so a job that runs twice issues once. Without an
// issuer staff issue receipts by hand, as before.

// The values of Config.CashReceiptAuto (MALLANG_CASH_RECEIPT_AUTO).
const (
	// AutoSelfIssued issues a receipt to the tax office's self-issue number
	// (SelfIssueNumber) for a transfer of MandatoryCashReceipt or more
	// whose buyer asked for none, as the rules of the mandatory-issue
	// trades (전자상거래 소매업 among them) require. The default.
	AutoSelfIssued = "self-issued"
	// AutoOff issues only the receipts buyers ask for.
	AutoOff = "off"
)

// CashReceiptRequestDays is how long after the payment a customer may still
// ask for a receipt: the rules want it issued within five days of the cash
// payment.
const CashReceiptRequestDays = 5

// CashReceiptIssuer issues and cancels cash receipts through a provider's
// API (internal/payment/toss). Both calls are idempotent under their
// IdempotencyKey. A refusal is a *Declined; a timeout or 5xx wraps
// ErrUnknownOutcome, after which the same request is sent again.
type CashReceiptIssuer interface {
	// Name is the provider's key ("toss"), recorded with the receipt.
	Name() string
	IssueCashReceipt(ctx context.Context, r ReceiptIssue) (IssuedReceipt, error)
	CancelCashReceipt(ctx context.Context, r ReceiptCancel) (IssuedReceipt, error)
}

// ReceiptIssue asks for one cash receipt.
type ReceiptIssue struct {
	// Reference is the order id the provider knows the sale by (the
	// transfer's reference).
	Reference string
	OrderName string
	Purpose   string // IncomeDeduction or ExpenseProof
	Identity  string // digits only
	Amount    int64  // won
	TaxFree   int64  // the VAT-exempt part of Amount
	// IdempotencyKey is the same for every retry of this one request.
	IdempotencyKey string
}

// ReceiptCancel cancels all of a receipt or Amount of it.
type ReceiptCancel struct {
	ReceiptKey string
	// Amount is what to cancel now; 0 cancels what is left of it.
	Amount         int64
	IdempotencyKey string
}

// IssuedReceipt is the provider's account of a receipt.
type IssuedReceipt struct {
	// Amount is what the receipt was issued for, as the provider says.
	Amount      int64
	ReceiptKey  string
	IssueNumber string
	ReceiptURL  string
	// Failed is true when the provider reports the tax office refused it
	// (Toss issueStatus FAILED); Message then says why.
	Failed  bool
	Message string
}

// ByJobActor is the audit log's actor for what the cash_receipt job does:
// no user, with "by": "job" in the detail.
var byJobActor = audit.Actor{}

// queueCashReceipt enqueues, on q, the job that issues order orderID's
// receipt when it is due and a provider issues receipts; a paid order with
// none due, or a shop without an issuer, enqueues nothing.
func (s *Service) queueCashReceipt(ctx context.Context, q db.Querier, orderID int64) error {
	if s.cfg.Receipts == nil {
		return nil
	}
	r, err := cashReceiptWhere(ctx, q, "order_id = ?", orderID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return nil
	case err != nil:
		return err
	case r.Status != ReceiptPending:
		return nil
	}
	return s.deps.Queue.EnqueueCashReceipt(ctx, q, r.ID)
}

// SettleCashReceipt brings cash receipt id in line with its order at the
// provider: a pending receipt of a paid order is issued, and an issued one
// is cancelled by what refunds took back since. It is the cash_receipt
// job's work (jobs.PaymentSyncer) and is idempotent: run twice, or by two
// workers at once, it issues and cancels once. A refusal is recorded on
// the receipt for staff (status failed, or the failure of an issued one)
// and is not an error; an unknown outcome is, so the job tries again with
// the same key.
func (s *Service) SettleCashReceipt(ctx context.Context, id int64) error {
	if s.cfg.Receipts == nil {
		return nil // the shop issues by hand now; staff see the receipt listed
	}
	// One job at a time talks to the provider about a receipt: two at
	// once (a refund's job while the issue's runs) would each cancel
	// from the same starting point, and the sum would be too much.
	now := s.stamp()
	until := now.Add(receiptLease)
	won, err := claimReceipt(ctx, s.d.Write(), id, now, until)
	if err != nil {
		return wrap("settle cash receipt", id, err)
	}
	if !won {
		return fmt.Errorf("cash receipt %d: %w", id, ErrReceiptBusy)
	}
	defer func() {
		// Released even when ctx ended, or the next job waits out the lease.
		if err := releaseReceipt(context.WithoutCancel(ctx), s.d.Write(), id, until); err != nil {
			s.log.ErrorContext(ctx, "release cash receipt", "cash_receipt_id", id, "error", err)
		}
	}()
	r, err := s.CashReceipt(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if r.Status == ReceiptPending {
		if err := s.issueReceipt(ctx, r); err != nil {
			return err
		}
		// A refund recorded while it was being issued is cancelled now.
		if r, err = s.CashReceipt(ctx, id); err != nil {
			return err
		}
	}
	if r.Status == ReceiptIssued && r.Provider != "" && r.Failure == "" && r.CancelDue > r.Cancelled {
		return s.cancelReceipt(ctx, r)
	}
	return nil
}

// receiptLease is how long a job owns a receipt: longer than the job's
// timeout, so a job that died lets the next one in soon after.
const receiptLease = 2 * time.Minute

// ErrReceiptBusy means another job is settling the receipt; the job is
// tried again later.
var ErrReceiptBusy = errors.New("another job is settling the cash receipt")

// issueReceipt issues pending receipt r through the provider once its order
// is paid.
func (s *Service) issueReceipt(ctx context.Context, r CashReceipt) error {
	o, err := s.deps.Orders.AdminGet(ctx, r.OrderID)
	if err != nil {
		return wrap("issue cash receipt", r.ID, err)
	}
	if o.PaidAt.IsZero() {
		return nil // confirming the deposit enqueues the job again
	}
	now := s.stamp()
	amount := r.Amount - r.CancelDue
	switch {
	case r.issueAsked > 0:
		// Asked before without an answer: the provider may have issued
		// it, so the same request goes again and its answer tells; a
		// refund since is cancelled after.
		amount = r.issueAsked
	case amount <= 0:
		// Refunded whole before it was ever asked for: nothing to issue.
		return s.receiptChange(ctx, r, func(q db.Querier) (bool, error) {
			return closeUnissuedReceipt(ctx, q, r.ID, r.tries, now)
		}, "cash_receipt.cancelled", map[string]any{"amount": 0})
	default:
		asked, err := markIssueAsked(ctx, s.d.Write(), r.ID, r.tries, amount, now)
		if err != nil {
			return err
		}
		if !asked {
			return nil // moved on meanwhile (staff, a customer's request)
		}
	}
	taxFree := min(r.TaxFree, amount)
	in := ReceiptIssue{Reference: r.Reference, OrderName: orderName(o), Purpose: r.Purpose, Identity: r.Identity,
		Amount: amount, TaxFree: taxFree, IdempotencyKey: receiptKey(r.Reference, "issue", r.tries)}
	if in.Reference == "" {
		in.Reference = o.Number
	}
	got, err := s.cfg.Receipts.IssueCashReceipt(ctx, in)
	if d, ok := AsDeclined(err); ok {
		got = IssuedReceipt{Failed: true, Message: d.Code + ": " + d.Message}
		err = nil
	}
	if err != nil {
		return wrap("issue cash receipt", r.ID, err)
	}
	name := s.cfg.Receipts.Name()
	if got.Failed {
		msg := clip(got.Message, 500)
		s.log.WarnContext(ctx, "cash receipt refused", "cash_receipt_id", r.ID, "order_id", r.OrderID, "provider", name)
		return s.receiptChange(ctx, r, func(q db.Querier) (bool, error) {
			return markReceiptFailed(ctx, q, r.ID, r.tries, msg, now)
		}, "cash_receipt.failed", map[string]any{"provider": name, "message": msg})
	}
	// What the provider issued is what its answer says: an answer
	// repeated under the idempotency key is the first request's, which may
	// predate a refund.
	if got.Amount > 0 && got.Amount <= r.Amount {
		amount = got.Amount
	}
	s.log.InfoContext(ctx, "cash receipt issued", "cash_receipt_id", r.ID, "order_id", r.OrderID, "provider", name)
	return s.receiptChange(ctx, r, func(q db.Querier) (bool, error) {
		return markReceiptIssuedBy(ctx, q, r.ID, r.tries, name, got, r.Amount-amount, now)
	}, "cash_receipt.issued", map[string]any{"provider": name, "issue_number": got.IssueNumber, "amount": amount})
}

// cancelReceipt cancels at the provider what refunds took back of issued
// receipt r since its last cancel: the whole receipt when nothing of the
// sale is left, else the amount refunded.
func (s *Service) cancelReceipt(ctx context.Context, r CashReceipt) error {
	now := s.stamp()
	due := min(r.CancelDue, r.Amount)
	in := ReceiptCancel{ReceiptKey: r.ReceiptKey,
		IdempotencyKey: receiptKey(r.Reference, "cancel-"+strconv.FormatInt(due, 10), r.tries)}
	whole := due >= r.Amount
	if !whole {
		in.Amount = due - r.Cancelled
	}
	name := s.cfg.Receipts.Name()
	_, err := s.cfg.Receipts.CancelCashReceipt(ctx, in)
	if d, ok := AsDeclined(err); ok {
		msg := clip(d.Code+": "+d.Message, 500)
		s.log.WarnContext(ctx, "cash receipt cancel refused", "cash_receipt_id", r.ID, "order_id", r.OrderID, "provider", name)
		return s.receiptChange(ctx, r, func(q db.Querier) (bool, error) {
			return markReceiptCancelFailed(ctx, q, r.ID, r.tries, msg, now)
		}, "cash_receipt.cancel_failed", map[string]any{"provider": name, "message": msg, "amount": due - r.Cancelled})
	}
	if err != nil {
		return wrap("cancel cash receipt", r.ID, err)
	}
	action := "cash_receipt.partially_cancelled"
	if whole {
		action = "cash_receipt.cancelled"
	}
	s.log.InfoContext(ctx, "cash receipt cancelled", "cash_receipt_id", r.ID, "order_id", r.OrderID, "amount", due-r.Cancelled, "whole", whole)
	return s.receiptChange(ctx, r, func(q db.Querier) (bool, error) {
		return markReceiptCancelled(ctx, q, r.ID, r.Cancelled, due, whole, now)
	}, action, map[string]any{"provider": name, "amount": due - r.Cancelled, "cancelled": due})
}

// receiptChange runs change, a conditional update of receipt r, in a
// transaction with its audit entry (the job as the actor). A change that
// finds the receipt moved on (another run of the job, staff) writes
// nothing: what it would record was recorded by the other.
func (s *Service) receiptChange(ctx context.Context, r CashReceipt, change func(q db.Querier) (bool, error), action string, detail map[string]any) error {
	err := s.d.InTx(ctx, func(q db.Querier) error {
		changed, err := change(q)
		if err != nil || !changed {
			return err
		}
		detail["order_id"], detail["by"] = r.OrderID, ByJob
		return s.audited(ctx, q, byJobActor.Entry(action, "cash_receipt", strconv.FormatInt(r.ID, 10), detail))
	})
	return wrap("record cash receipt", r.ID, err)
}

// receiptKey is the idempotency key of one request about the receipt of
// the transfer with reference: the action and the receipt's try, so that a
// retry of the job repeats the request and a retry by staff makes a new one.
func receiptKey(reference, action string, try int) string {
	return fmt.Sprintf("cash-receipt-%s-%s-%d", reference, action, try)
}

// RetryCashReceipt asks again, for staff member by, for receipt id: one the
// provider refused goes back to pending (a refused cancel is tried again),
// under a new idempotency key; a pending one whose job gave up (the
// provider unreachable for a day) is queued again with the same key, as
// its request may have gone through. The job is enqueued and
// "cash_receipt.retried" audited in the same transaction. Errors:
// fault.ErrNotFound; fault.ErrConflict when the receipt has nothing to
// retry (issued, cancelled) or the shop issues receipts by hand.
func (s *Service) RetryCashReceipt(ctx context.Context, by audit.Actor, id int64) error {
	if s.cfg.Receipts == nil {
		return fmt.Errorf("retry cash receipt %d: receipts are issued by hand: %w", id, fault.ErrConflict)
	}
	now := s.stamp()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := cashReceiptWhere(ctx, q, "id = ?", id)
		if err != nil {
			return err
		}
		changed, err := retryReceipt(ctx, q, id, now)
		if err != nil {
			return err
		}
		if !changed {
			return fmt.Errorf("cash receipt %d has no refusal to retry: %w", id, fault.ErrConflict)
		}
		if err := s.deps.Queue.EnqueueCashReceipt(ctx, q, id); err != nil {
			return err
		}
		return s.audited(ctx, q, by.Entry("cash_receipt.retried", "cash_receipt", strconv.FormatInt(id, 10),
			map[string]any{"order_id": r.OrderID, "failure": r.Failure, "by": ByStaff}))
	})
	return wrap("retry cash receipt", id, err)
}

// refundCashReceipt records, on q (the transaction that sends a refund of
// amount won for order orderID), that the receipt of the sale must drop by
// amount, and enqueues the job that cancels it at the provider. A receipt
// not issued yet is closed when nothing of the sale is left.
func (s *Service) refundCashReceipt(ctx context.Context, q db.Querier, orderID, amount int64, now time.Time) error {
	// The job may mark the receipt between the read and the update; the
	// update then changes nothing and the receipt is read again.
	for range 3 {
		r, err := cashReceiptWhere(ctx, q, "order_id = ?", orderID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			return nil
		case err != nil:
			return err
		case r.Status == ReceiptCancelled:
			return nil
		}
		due := min(r.CancelDue+amount, r.Amount)
		// Closed when nothing is left and the provider never issued it:
		// it refused, or was never asked (an issue asked without an answer
		// may have gone through, so the job finds out and cancels).
		never := r.Status == ReceiptFailed || r.Status == ReceiptPending && r.IssueAsked == 0
		closed := never && due >= r.Amount
		changed, err := addReceiptCancelDue(ctx, q, r, due, closed, now)
		if err != nil {
			return err
		}
		if !changed {
			continue
		}
		if s.cfg.Receipts == nil || r.Provider == "" && r.Status == ReceiptIssued || closed {
			return nil // issued by hand: staff cancel it where they issued it
		}
		return s.deps.Queue.EnqueueCashReceipt(ctx, q, r.ID)
	}
	return fmt.Errorf("cash receipt of order %d kept changing: %w", orderID, fault.ErrConflict)
}

// ErrReceiptTooLate refuses a customer's request for a cash receipt made
// more than CashReceiptRequestDays after the payment.
var ErrReceiptTooLate = fmt.Errorf("the period for asking for a cash receipt has ended: %w", fault.ErrConflict)

// ErrReceiptIssued refuses a customer's request for a cash receipt when one
// was issued for the order already (to the number they gave, or to the
// self-issue number, which they can claim on Hometax).
var ErrReceiptIssued = fmt.Errorf("a cash receipt was issued for the order already: %w", fault.ErrConflict)

// RequestCashReceipt records customer userID's request for a cash receipt
// for their bank-transfer order orderID, after the order was placed: while
// the deposit is awaited, or within CashReceiptRequestDays of the payment.
// A receipt due to the self-issue number and not issued yet is replaced by
// the request; a paid order's receipt is issued at once by the job when a
// provider issues receipts. The request is audited with the customer as the
// actor in the same transaction.
//
// Errors: *fault.Invalid ("cash_receipt_purpose", "cash_receipt_identity");
// fault.ErrNotFound for an order that is not the customer's or not paid by
// bank transfer; ErrReceiptIssued, ErrReceiptTooLate and fault.ErrConflict
// (refunded, cancelled) otherwise.
func (s *Service) RequestCashReceipt(ctx context.Context, userID, orderID int64, req CashReceiptRequest) (CashReceipt, error) {
	v := &fault.Invalid{}
	r, err := s.checkCashReceipt(&req, v)
	if err != nil {
		return CashReceipt{}, err
	}
	if r == nil {
		v.Add("cash_receipt_purpose", "must be income deduction or expense proof")
	}
	if err := v.Err(); err != nil {
		return CashReceipt{}, err
	}
	o, err := s.deps.Orders.AdminGet(ctx, orderID)
	if err != nil {
		return CashReceipt{}, wrap("request cash receipt for order", orderID, err)
	}
	if o.UserID != userID {
		return CashReceipt{}, fmt.Errorf("order %d is not customer %d's: %w", orderID, userID, fault.ErrNotFound)
	}
	now := s.stamp()
	if !o.PaidAt.IsZero() && now.Sub(o.PaidAt) > CashReceiptRequestDays*24*time.Hour {
		return CashReceipt{}, fmt.Errorf("order %d: %w", orderID, ErrReceiptTooLate)
	}
	enc, err := receiptIdentityColumn.Encrypt(s.deps.Keyring, o.ID, r.Identity)
	if err != nil {
		return CashReceipt{}, err
	}
	var id int64
	err = s.d.InTx(ctx, func(q db.Querier) error {
		st, err := s.deps.Orders.HoldForPayment(ctx, q, orderID)
		if err != nil {
			return err
		}
		if st == order.Cancelled {
			return fmt.Errorf("order %d is cancelled: %w", orderID, fault.ErrConflict)
		}
		t, err := transferOf(ctx, q, orderID)
		if err != nil {
			return err
		}
		if t.Refunded > 0 {
			return fmt.Errorf("order %d was refunded: %w", orderID, fault.ErrConflict)
		}
		existing, err := cashReceiptWhere(ctx, q, "order_id = ?", orderID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
			if err := insertCashReceipt(ctx, q, o, t.Reference, r.Purpose, enc, true, now); err != nil {
				return err
			}
		case err != nil:
			return err
		case existing.Status == ReceiptPending && !existing.Requested && (o.PaidAt.IsZero() || s.cfg.Receipts == nil):
			// Not paid yet, or issued by hand: the self-issue receipt was
			// not sent anywhere. Once a paid order's job is queued, it may
			// be on its way to the tax office, so it stands.
			changed, err := replaceSelfIssue(ctx, q, existing.ID, r.Purpose, enc, now)
			if err != nil {
				return err
			}
			if !changed {
				return fmt.Errorf("order %d: %w", orderID, ErrReceiptIssued)
			}
		default:
			return fmt.Errorf("order %d: %w", orderID, ErrReceiptIssued)
		}
		c, err := cashReceiptWhere(ctx, q, "order_id = ?", orderID)
		if err != nil {
			return err
		}
		id = c.ID
		if !o.PaidAt.IsZero() && s.cfg.Receipts != nil {
			if err := s.deps.Queue.EnqueueCashReceipt(ctx, q, id); err != nil {
				return err
			}
		}
		return s.audited(ctx, q, auditEntry(order.Customer(userID), "cash_receipt.requested", orderID,
			map[string]any{"number": o.Number, "cash_receipt_id": id, "purpose": r.Purpose}))
	})
	if s.d.Dialect.IsUniqueViolation(err) {
		// Two requests at once: the first one's receipt stands.
		err = fmt.Errorf("order %d: %w", orderID, ErrReceiptIssued)
	}
	if err != nil {
		return CashReceipt{}, wrap("request cash receipt for order", orderID, err)
	}
	return s.CashReceipt(ctx, id)
}

// transferOf returns, on q, the bank transfer of order orderID that is
// awaited or paid it; fault.ErrNotFound when the order is not paid by
// bank transfer.
func transferOf(ctx context.Context, q db.Querier, orderID int64) (Attempt, error) {
	r, err := attemptWhere(ctx, q, `order_id = ? AND provider = ?
		AND status IN ('awaiting_deposit', 'paid', 'partially_refunded', 'refunded')`, orderID, BankTransfer)
	if err != nil {
		return Attempt{}, fmt.Errorf("bank transfer of order %d: %w", orderID, err)
	}
	return r.attempt(), nil
}

// IssuedCashReceipts lists up to limit receipts issued or closed, the
// latest first, for the back office.
func (s *Service) IssuedCashReceipts(ctx context.Context, limit int) ([]CashReceipt, error) {
	rs, err := issuedCashReceipts(ctx, s.d.Read(), limit)
	if err != nil {
		return nil, err
	}
	return s.openReceipts(rs)
}

// IssuesByAPI reports whether a provider issues the shop's cash receipts.
func (s *Service) IssuesByAPI() bool { return s.cfg.Receipts != nil }
