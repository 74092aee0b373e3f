package payment

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// RefundInput is a refund staff (or the customer, cancelling a paid order
// before it ships) asks for.
type RefundInput struct {
	OrderID int64
	// LineIDs are the lines to refund; empty refunds every line not
	// refunded yet, and with them whatever is left of the payment.
	LineIDs []int64
	Reason  string // required, at most 200 characters
	Actor   order.Actor
	// Account receives the money when it came by bank transfer or into a
	// virtual account: required then, ignored otherwise.
	Account *BankAccount
	// Withhold is what the shop keeps of the refund, in won: the return
	// shipping a customer pays for a change of mind. It reduces the money
	// sent back, never below zero; the lines are refunded all the same.
	Withhold int64
}

// Refund statuses.
const (
	// RefundRequested: asked of the provider, outcome not known yet.
	RefundRequested = "requested"
	// RefundAwaitingTransfer (환불 대기): money that came by bank transfer,
	// held for the customer until staff send it to their account and
	// record it (RecordRefundTransfer). It is not refunded money yet.
	RefundAwaitingTransfer = "awaiting_transfer"
	// RefundDone: the money went back.
	RefundDone = "done"
	// RefundFailed: the provider refused; nothing went back.
	RefundFailed = "failed"
)

// Refund is a recorded refund.
type Refund struct {
	ID        int64
	AttemptID int64
	OrderID   int64
	Amount    int64 // won sent back, after Withheld
	// Withheld is what the shop kept of the lines' share (a return's
	// shipping fee), in won.
	Withheld         int64
	Points           int64
	Cancel           bool
	Status           string // one of the Refund… statuses
	ProviderRefundID string // "transfer" for one staff sent by hand
	FailureMessage   string
	Reason           string
	// Account is where the money goes when it came by bank transfer or a
	// virtual account; nil otherwise. It is decrypted: show it whole to
	// staff only, Masked to anyone else.
	Account *BankAccount
	// ActorKind and ActorID name who asked for it (By… kinds).
	ActorKind string
	ActorID   int64
	// TransferredBy, TransferredAt and TransferMemo record the staff member
	// who sent a transfer refund, when, and their note; zero until then.
	TransferredBy int64
	TransferredAt time.Time
	TransferMemo  string
	CreatedAt     time.Time
}

// MaxRefundReason is the longest refund reason accepted, in characters.
const MaxRefundReason = 200

// MaxTransferMemo is the longest note on a recorded transfer, in
// characters.
const MaxTransferMemo = 200

// ErrRefundPending means the provider did not answer a refund: it may or
// may not have happened. RetryRefund asks again with the same idempotency
// key, so it cannot refund twice.
var ErrRefundPending = errors.New("refund outcome unknown; retry it")

// RefundsToAccount reports whether the money attempt a took goes back to an
// account the customer names: it came by bank transfer, or into a virtual
// account (a provider's deposit), where there is no card to cancel.
func (a Attempt) RefundsToAccount() bool {
	return a.Provider == BankTransfer || a.Deposit != nil
}

// The encrypted columns of a refund's account, bound to the refund's id.
var (
	refundNumberColumn = crypt.Column{Table: "payment_refunds", IDColumn: "id", Column: "refund_number_enc"}
	refundHolderColumn = crypt.Column{Table: "payment_refunds", IDColumn: "id", Column: "refund_holder_enc"}
)

// Refund gives back the money of in.LineIDs of an order (all of them when
// empty) through the provider that took it, then returns stock of goods not
// shipped, the lines' share of the points and, for the last lines, the
// coupon; the order becomes refunded or partially refunded, or cancelled
// when it had not shipped and everything went back. The customer is
// emailed.
//
// Money that came by bank transfer has no provider to send it back: the
// refund records the customer's account (in.Account, encrypted) and waits
// as RefundAwaitingTransfer until staff send the money and record it with
// RecordRefundTransfer; only then is it refunded. A whole refund before shipping
// cancels the order at once all the same (stock, coupon and points go
// back; the goods must not ship), and the customer is told the money is on
// its way. Money paid into a virtual account goes back through the
// provider, to in.Account. Without a valid account such refunds are a
// *fault.Invalid naming FieldRefundBank, FieldRefundNumber or
// FieldRefundHolder.
//
// A refund never exceeds what was captured, and a line is refunded once:
// the lines are claimed and the amount reserved on the payment in one
// transaction before the provider is called, so concurrent requests for the
// same lines fail with fault.ErrConflict. A provider's refusal is a
// *Declined and undoes the claim; no answer is ErrRefundPending. Every
// step is written to the audit log in its own transaction, naming the
// actor.
func (s *Service) Refund(ctx context.Context, in RefundInput) (Refund, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	v := &fault.Invalid{}
	switch n := utf8.RuneCountInString(in.Reason); {
	case n == 0:
		v.Add("reason", "is required")
	case n > MaxRefundReason:
		v.Add("reason", fmt.Sprintf("must be at most %d characters", MaxRefundReason))
	}
	if in.Withhold < 0 {
		v.Add("withhold", "must not be negative")
	}
	if err := v.Err(); err != nil {
		return Refund{}, err
	}
	plan, err := s.deps.Orders.PlanRefund(ctx, in.OrderID, in.LineIDs)
	if err != nil {
		return Refund{}, err
	}
	var a *Attempt
	as, err := attemptsOf(ctx, s.d.Read(), in.OrderID)
	if err != nil {
		return Refund{}, err
	}
	for i := range as {
		if as[i].Status.Captured() {
			a = &as[i]
		}
	}
	kind, actorID := eventActor(in.Actor)
	rf := Refund{OrderID: in.OrderID, Points: plan.Points, Cancel: plan.Cancel, Status: RefundRequested, Reason: in.Reason,
		ActorKind: kind, ActorID: actorID}
	var charge, taxFree int64
	if a != nil {
		rf.AttemptID = a.ID
		balance := a.Amount - a.Refunded
		rf.Amount = min(plan.Cash, balance)
		if plan.Whole {
			rf.Amount = balance
		}
		if rf.Amount <= 0 && plan.Cash > 0 {
			return Refund{}, fmt.Errorf("payment %d is refunded already: %w", a.ID, fault.ErrConflict)
		}
		// The fee comes off the money, never below zero: what is shown
		// (plan and refund) is what the customer gets back.
		rf.Withheld = min(in.Withhold, rf.Amount)
		rf.Amount -= rf.Withheld
		plan.Withheld = rf.Withheld
		charge = rf.Amount
		taxFree = min(plan.TaxFree, rf.Amount)
		if a.ChargeCurrency != "KRW" {
			taxFree = 0 // providers in other currencies take no tax-free part
			// The provider's currency, in proportion; the last refund
			// takes whatever is left so rounding loses nothing.
			charge = rf.Amount * a.ChargeMinor / a.Amount
			if plan.Whole && rf.Withheld == 0 {
				held, _, err := s.chargedBack(ctx, a.ID)
				if err != nil {
					return Refund{}, err
				}
				charge = a.ChargeMinor - held
			}
		}
		if rf.Amount > 0 && a.RefundsToAccount() {
			acc := CleanAccount(v, in.Account)
			if err := v.Err(); err != nil {
				return Refund{}, err
			}
			rf.Account = &acc
		}
	} else if plan.Cash > 0 {
		return Refund{}, fmt.Errorf("order %d has no captured payment to refund: %w", in.OrderID, fault.ErrConflict)
	}
	transfer := a != nil && a.Provider == BankTransfer && rf.Amount > 0
	if transfer {
		rf.Status = RefundAwaitingTransfer
	}
	key := "refund-" + rand.Text()
	now := s.stamp()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if rf.Amount <= 0 {
			// Nothing to send back (points paid it all, or gift lines):
			// the order changes at once.
			if err := s.deps.Orders.ApplyRefund(ctx, q, plan, in.Actor, in.Reason); err != nil {
				return err
			}
			done := rf
			done.Status = RefundDone
			if err := s.mailRefund(ctx, q, plan, done, ""); err != nil {
				return err
			}
			return s.audited(ctx, q, auditEntry(in.Actor, "payment.refunded", in.OrderID, map[string]any{
				"number": plan.Number, "amount": 0, "withheld": rf.Withheld, "points": rf.Points, "cancel": rf.Cancel,
				"reason": in.Reason}))
		}
		var err error
		rf.ID, err = insertRefund(ctx, q, newRefund{AttemptID: rf.AttemptID, OrderID: rf.OrderID, Amount: rf.Amount,
			TaxFree: taxFree, Charge: charge, Withheld: rf.Withheld, Points: rf.Points, Cancel: rf.Cancel, Reason: in.Reason, Key: key,
			Status: rf.Status, ActorKind: kind, ActorID: actorID}, now)
		if err != nil {
			return err
		}
		if rf.Account != nil {
			if err := s.storeAccount(ctx, q, rf.ID, *rf.Account); err != nil {
				return err
			}
		}
		for _, id := range plan.LineIDs {
			if err := claimRefundLine(ctx, q, s.d.Dialect, rf.ID, id); err != nil {
				return err
			}
		}
		reserved, err := reserveRefund(ctx, q, rf.AttemptID, rf.Amount, now)
		if err != nil {
			return err
		}
		if !reserved {
			return fmt.Errorf("payment %d has less left than %d won: %w", rf.AttemptID, rf.Amount, fault.ErrConflict)
		}
		d := map[string]any{"number": plan.Number, "refund_id": rf.ID, "amount": rf.Amount, "withheld": rf.Withheld, "points": rf.Points,
			"cancel": rf.Cancel, "status": rf.Status, "reason": in.Reason, "provider": a.Provider}
		if len(in.LineIDs) > 0 {
			d["lines"] = plan.LineIDs
		}
		if err := s.audited(ctx, q, auditEntry(in.Actor, "payment.refund_requested", in.OrderID, d)); err != nil {
			return err
		}
		if !transfer {
			return nil
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evRefund, Outcome: RefundAwaitingTransfer,
			Detail: fmt.Sprintf("%d won to %s", rf.Amount, rf.Account.Masked()), By: kind, ActorID: actorID}, now); err != nil {
			return err
		}
		if err := s.mailRefundPending(ctx, q, plan.UserID, plan.Number, rf); err != nil {
			return err
		}
		if plan.Cancel {
			// The goods must not ship while the money is on its way: the
			// order is cancelled now, its stock, coupon and points back.
			return s.deps.Orders.ApplyRefund(ctx, q, plan, in.Actor, in.Reason)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound) {
			return Refund{}, err
		}
		if _, ok := fault.AsInvalid(err); ok {
			return Refund{}, err
		}
		return Refund{}, fmt.Errorf("refund order %d: %w", in.OrderID, err)
	}
	if rf.Amount <= 0 {
		rf.Status = RefundDone
		return rf, nil
	}
	if transfer {
		s.log.InfoContext(ctx, "refund awaits a transfer", "order_id", rf.OrderID, "refund_id", rf.ID, "amount", rf.Amount,
			"actor", kind)
		return rf, nil
	}
	return s.sendRefund(ctx, *a, rf, plan, Amount{Total: charge, TaxFree: taxFree, Currency: a.ChargeCurrency}, key, in)
}

// sendRefund asks the provider for refund rf (reserved already) and records
// the outcome.
func (s *Service) sendRefund(ctx context.Context, a Attempt, rf Refund, plan order.RefundPlan, charge Amount, key string, in RefundInput) (Refund, error) {
	if a.Provider == BankTransfer {
		// No provider sends these: they wait for staff (RecordRefundTransfer).
		return rf, fmt.Errorf("refund %d of a bank transfer is sent by staff: %w", rf.ID, fault.ErrConflict)
	}
	kind, actorID := eventActor(in.Actor)
	var rr RefundResult
	var err error
	_, done, berr := s.chargedBack(ctx, a.ID)
	p, ok := s.provider(a.Provider)
	switch {
	case berr != nil:
		// Nothing was asked of the provider; the refund stays requested
		// and can be retried.
		return rf, berr
	case !ok:
		err = fmt.Errorf("provider %s is not enabled: %w", a.Provider, ErrUnknownOutcome)
	default:
		rr, err = p.Refund(ctx, RefundRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID,
			CaptureID: a.CaptureID, Amount: charge,
			Full: plan.Whole, Balance: a.ChargeMinor - done, Reason: in.Reason,
			IdempotencyKey: key, Account: rf.Account})
	}
	now := s.stamp()
	if d, ok := AsDeclined(err); ok {
		uerr := s.d.InTx(ctx, func(q db.Querier) error {
			if err := s.record(ctx, q, event{AttemptID: a.ID, Kind: evRefund, Outcome: "declined", Detail: d.Code + ": " + d.Message,
				By: kind, ActorID: actorID}); err != nil {
				return err
			}
			if err := releaseRefundLines(ctx, q, rf.ID); err != nil {
				return err
			}
			if err := unreserveRefund(ctx, q, a.ID, rf.Amount, now); err != nil {
				return err
			}
			if err := failRefund(ctx, q, rf.ID, d.Code+": "+d.Message, now); err != nil {
				return err
			}
			return s.audited(ctx, q, auditEntry(in.Actor, "payment.refund_declined", rf.OrderID, map[string]any{
				"number": plan.Number, "refund_id": rf.ID, "amount": rf.Amount, "code": d.Code, "message": d.Message}))
		})
		if uerr != nil {
			// The refund stays requested, its lines and amount held, for
			// RetryRefund; the provider's refusal stays reachable.
			return Refund{}, withWrite(err, fmt.Errorf("undo refund %d: %w", rf.ID, uerr))
		}
		return Refund{}, err
	}
	if err != nil {
		werr := s.record(ctx, s.d.Write(), event{AttemptID: a.ID, Kind: evRefund, Outcome: "unknown", Detail: err.Error(),
			By: kind, ActorID: actorID})
		s.log.WarnContext(ctx, "refund outcome unknown", "refund_id", rf.ID, "order_id", rf.OrderID, "err", err)
		return rf, withWrite(fmt.Errorf("refund %d of order %d: %w", rf.ID, rf.OrderID, ErrRefundPending), werr)
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		done, err := completeRefund(ctx, q, rf.ID, rr.ProviderRefundID, now)
		if err != nil || !done {
			return err // !done: recorded by a retry meanwhile
		}
		if err := s.deps.Sales.Refunded(ctx, q, rf.ID); err != nil {
			return err
		}
		if err := settleRefundedAttempt(ctx, q, a.ID, now); err != nil {
			return err
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evRefund, Outcome: "ok",
			Detail: fmt.Sprintf("%d won (%s)", rf.Amount, rr.ProviderRefundID), Response: rr.Raw, By: kind, ActorID: actorID}, now); err != nil {
			return err
		}
		if err := s.deps.Orders.ApplyRefund(ctx, q, plan, in.Actor, in.Reason); err != nil {
			return err
		}
		sent := rf
		sent.Status, sent.ProviderRefundID = RefundDone, rr.ProviderRefundID
		if err := s.mailRefund(ctx, q, plan, sent, refundedVia(rf)); err != nil {
			return err
		}
		return s.audited(ctx, q, auditEntry(in.Actor, "payment.refunded", rf.OrderID, map[string]any{
			"number": plan.Number, "refund_id": rf.ID, "amount": rf.Amount, "points": rf.Points, "cancel": rf.Cancel,
			"provider": a.Provider, "provider_refund_id": rr.ProviderRefundID}))
	})
	if err != nil {
		return rf, fmt.Errorf("record refund %d of order %d: %w", rf.ID, rf.OrderID, err)
	}
	rf.Status, rf.ProviderRefundID = RefundDone, rr.ProviderRefundID
	s.log.InfoContext(ctx, "refunded", "order_id", rf.OrderID, "amount", rf.Amount, "provider", a.Provider)
	return rf, nil
}

// refundedVia says how a provider's refund rf went back, for its mail: to
// the account the customer named (a virtual account's money) or to the
// card or wallet that paid.
func refundedVia(rf Refund) string {
	if rf.Account != nil {
		return "virtual_account"
	}
	return "card"
}

// chargedBack sums, in the provider's currency, the refunds of attempt
// attemptID that are held against it (done, requested or awaiting a
// transfer) and those done; the provider's balance is the charge less the
// done ones.
func (s *Service) chargedBack(ctx context.Context, attemptID int64) (held, done int64, err error) {
	return refundCharges(ctx, s.d.Read(), attemptID)
}

// RetryRefund asks the provider again for a refund whose outcome was
// unknown, with the same idempotency key (and the same account, for a
// virtual account), so it is never made twice.
func (s *Service) RetryRefund(ctx context.Context, refundID int64, actor order.Actor) (Refund, error) {
	row, err := refundByID(ctx, s.d.Read(), refundID)
	if err != nil {
		return Refund{}, wrap("retry refund", refundID, err)
	}
	if row.Status != RefundRequested {
		return Refund{}, fmt.Errorf("refund %d is %s: %w", refundID, row.Status, fault.ErrConflict)
	}
	lines, err := refundLines(ctx, s.d.Read(), refundID)
	if err != nil {
		return Refund{}, err
	}
	ar, err := attemptWhere(ctx, s.d.Read(), "id = ?", row.AttemptID)
	if err != nil {
		return Refund{}, err
	}
	a := ar.attempt()
	// The plan is worked out again with the refund's lines; its amounts
	// are the ones stored.
	plan, err := s.deps.Orders.PlanRefund(ctx, row.OrderID, lines)
	if err != nil {
		return Refund{}, err
	}
	plan.Points, plan.Cancel = row.Points, row.Cancel
	rf, err := s.openRefund(row)
	if err != nil {
		return Refund{}, err
	}
	return s.sendRefund(ctx, a, rf, plan, Amount{Total: row.Charge, TaxFree: row.TaxFree, Currency: a.ChargeCurrency}, row.Key,
		RefundInput{OrderID: row.OrderID, LineIDs: lines, Reason: row.Reason, Actor: actor})
}

// CancelInput is an order to cancel.
type CancelInput struct {
	OrderID int64
	Actor   order.Actor
	Reason  string
	// Account receives the money of a paid order whose money came by bank
	// transfer or into a virtual account (see Refund); ignored otherwise.
	Account *BankAccount
}

// Cancel cancels order in.OrderID for in.Actor: an order still waiting for
// payment is simply cancelled; a paid one that has not shipped is refunded
// whole (see Refund: through its provider, or to in.Account, awaiting the
// transfer staff send) and ends cancelled. When the payments left open on
// an unpaid order (a transfer awaited, a window prepared) cannot be closed,
// the order is returned cancelled with the error; reconciliation closes
// them later. Every cancel is in the audit log, written with the change.
func (s *Service) Cancel(ctx context.Context, in CancelInput) (order.Order, error) {
	orderID, actor := in.OrderID, in.Actor
	o, err := s.deps.Orders.AdminGet(ctx, orderID)
	if err == nil && actor.Kind == order.ByCustomer && o.UserID != actor.ID {
		err = fault.ErrNotFound
	}
	if err != nil {
		return order.Order{}, wrap("cancel order", orderID, err)
	}
	switch o.Status {
	case order.Paid, order.Preparing:
		if !order.Allowed(o.Status, order.Cancelled, actor.Kind) {
			return order.Order{}, fmt.Errorf("order %d cannot be cancelled by %s: %w", orderID, actor.Kind, fault.ErrConflict)
		}
		reason := strings.TrimSpace(in.Reason)
		if reason == "" {
			reason = "주문 취소"
		}
		if _, err := s.Refund(ctx, RefundInput{OrderID: orderID, Reason: reason, Actor: actor, Account: in.Account}); err != nil {
			return order.Order{}, err
		}
		return s.deps.Orders.AdminGet(ctx, orderID)
	default:
		got, err := s.deps.Orders.Transition(ctx, orderID, order.Cancelled, actor, in.Reason)
		if err != nil {
			return got, err
		}
		// A transfer no longer expected, a window left open: closed now
		// rather than at the next reconciliation.
		if err := failOpenAttemptsOfOrder(ctx, s.d.Write(), orderID, s.stamp()); err != nil {
			return got, fmt.Errorf("order %d cancelled: %w", orderID, err)
		}
		return got, nil
	}
}
