package payment

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
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
	// Account receives the money of a deposited virtual account.
	Account *BankAccount
}

// Refund is a recorded refund.
type Refund struct {
	ID               int64
	AttemptID        int64
	OrderID          int64
	Amount           int64 // won
	Points           int64
	Cancel           bool
	Status           string // requested, done, failed
	ProviderRefundID string
	FailureMessage   string
}

// MaxRefundReason is the longest refund reason accepted, in characters.
const MaxRefundReason = 200

// ErrRefundPending means the provider did not answer a refund: it may or
// may not have happened. RetryRefund asks again with the same idempotency
// key, so it cannot refund twice.
var ErrRefundPending = errors.New("refund outcome unknown; retry it")

// Refund gives back the money of in.LineIDs of an order (all of them when
// empty) through the provider that took it, then returns stock of goods not
// shipped, the lines' share of the points and, for the last lines, the
// coupon; the order becomes refunded or partially refunded, or cancelled
// when it had not shipped and everything went back. The customer is
// emailed.
//
// A refund never exceeds what was captured, and a line is refunded once:
// the lines are claimed and the amount reserved on the payment in one
// transaction before the provider is called, so concurrent requests for the
// same lines fail with fault.ErrConflict. A provider's refusal is a
// *Declined and undoes the claim; no answer is ErrRefundPending.
func (s *Service) Refund(ctx context.Context, in RefundInput) (Refund, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	v := &fault.Invalid{}
	switch n := utf8.RuneCountInString(in.Reason); {
	case n == 0:
		v.Add("reason", "is required")
	case n > MaxRefundReason:
		v.Add("reason", fmt.Sprintf("must be at most %d characters", MaxRefundReason))
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
	rf := Refund{OrderID: in.OrderID, Points: plan.Points, Cancel: plan.Cancel, Status: "requested"}
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
		charge = rf.Amount
		taxFree = min(plan.TaxFree, rf.Amount)
		if a.ChargeCurrency != "KRW" {
			taxFree = 0 // providers in other currencies take no tax-free part
			// The provider's currency, in proportion; the last refund
			// takes whatever is left so rounding loses nothing.
			charge = rf.Amount * a.ChargeMinor / a.Amount
			if plan.Whole {
				held, _, err := s.chargedBack(ctx, a.ID)
				if err != nil {
					return Refund{}, err
				}
				charge = a.ChargeMinor - held
			}
		}
	} else if plan.Cash > 0 {
		return Refund{}, fmt.Errorf("order %d has no captured payment to refund: %w", in.OrderID, fault.ErrConflict)
	}
	key := "refund-" + rand.Text()
	now := s.stamp()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if rf.Amount <= 0 {
			// Nothing to send back (points paid it all, or gift lines):
			// the order changes at once.
			return s.deps.Orders.ApplyRefund(ctx, q, plan, in.Actor, in.Reason)
		}
		var err error
		rf.ID, err = insertRefund(ctx, q, newRefund{AttemptID: rf.AttemptID, OrderID: rf.OrderID, Amount: rf.Amount,
			TaxFree: taxFree, Charge: charge, Points: rf.Points, Cancel: rf.Cancel, Reason: in.Reason, Key: key,
			ActorID: in.Actor.ID}, now)
		if err != nil {
			return err
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
		rf.Status = "done"
		s.mailRefund(ctx, plan, rf)
		return rf, nil
	}
	return s.sendRefund(ctx, *a, rf, plan, Amount{Total: charge, TaxFree: taxFree, Currency: a.ChargeCurrency}, key, in)
}

// sendRefund asks the provider for refund rf (reserved already) and records
// the outcome.
func (s *Service) sendRefund(ctx context.Context, a Attempt, rf Refund, plan order.RefundPlan, charge Amount, key string, in RefundInput) (Refund, error) {
	var rr RefundResult
	var err error
	if a.Provider == BankTransfer {
		// The shop's own account: staff send the money back by hand; the
		// refund records that they did.
		rr = RefundResult{ProviderRefundID: "manual", Refunded: rf.Amount}
	} else {
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
				IdempotencyKey: key, Account: in.Account})
		}
	}
	now := s.stamp()
	if d, ok := AsDeclined(err); ok {
		uerr := s.d.InTx(ctx, func(q db.Querier) error {
			if err := s.record(ctx, q, event{AttemptID: a.ID, Kind: evRefund, Outcome: "declined", Detail: d.Code + ": " + d.Message, ActorID: in.Actor.ID}); err != nil {
				return err
			}
			if err := releaseRefundLines(ctx, q, rf.ID); err != nil {
				return err
			}
			if err := unreserveRefund(ctx, q, a.ID, rf.Amount, now); err != nil {
				return err
			}
			return failRefund(ctx, q, rf.ID, d.Code+": "+d.Message, now)
		})
		if uerr != nil {
			// The refund stays requested, its lines and amount held, for
			// RetryRefund; the provider's refusal stays reachable.
			return Refund{}, withWrite(err, fmt.Errorf("undo refund %d: %w", rf.ID, uerr))
		}
		return Refund{}, err
	}
	if err != nil {
		werr := s.record(ctx, s.d.Write(), event{AttemptID: a.ID, Kind: evRefund, Outcome: "unknown", Detail: err.Error(), ActorID: in.Actor.ID})
		s.log.WarnContext(ctx, "refund outcome unknown", "refund_id", rf.ID, "order_id", rf.OrderID, "err", err)
		return rf, withWrite(fmt.Errorf("refund %d of order %d: %w", rf.ID, rf.OrderID, ErrRefundPending), werr)
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		done, err := completeRefund(ctx, q, rf.ID, rr.ProviderRefundID, now)
		if err != nil || !done {
			return err // !done: recorded by a retry meanwhile
		}
		if err := settleRefundedAttempt(ctx, q, a.ID, now); err != nil {
			return err
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evRefund, Outcome: "ok",
			Detail: fmt.Sprintf("%d won (%s)", rf.Amount, rr.ProviderRefundID), Response: rr.Raw, ActorID: in.Actor.ID}, now); err != nil {
			return err
		}
		return s.deps.Orders.ApplyRefund(ctx, q, plan, in.Actor, in.Reason)
	})
	if err != nil {
		return rf, fmt.Errorf("record refund %d of order %d: %w", rf.ID, rf.OrderID, err)
	}
	rf.Status, rf.ProviderRefundID = "done", rr.ProviderRefundID
	s.log.InfoContext(ctx, "refunded", "order_id", rf.OrderID, "amount", rf.Amount, "provider", a.Provider)
	s.mailRefund(ctx, plan, rf)
	return rf, nil
}

// chargedBack sums, in the provider's currency, the refunds of attempt
// attemptID that are held against it (done or still requested) and those
// done; the provider's balance is the charge less the done ones.
func (s *Service) chargedBack(ctx context.Context, attemptID int64) (held, done int64, err error) {
	return refundCharges(ctx, s.d.Read(), attemptID)
}

// RetryRefund asks the provider again for a refund whose outcome was
// unknown, with the same idempotency key, so it is never made twice.
func (s *Service) RetryRefund(ctx context.Context, refundID int64, actor order.Actor) (Refund, error) {
	row, err := refundByID(ctx, s.d.Read(), refundID)
	if err != nil {
		return Refund{}, wrap("retry refund", refundID, err)
	}
	if row.Status != "requested" {
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
	rf := Refund{ID: refundID, AttemptID: a.ID, OrderID: row.OrderID, Amount: row.Amount, Points: row.Points,
		Cancel: row.Cancel, Status: row.Status}
	return s.sendRefund(ctx, a, rf, plan, Amount{Total: row.Charge, TaxFree: row.TaxFree, Currency: a.ChargeCurrency}, row.Key, RefundInput{OrderID: row.OrderID, LineIDs: lines,
		Reason: row.Reason, Actor: actor})
}

// Refunds lists the refunds of order orderID, oldest first.
func (s *Service) Refunds(ctx context.Context, orderID int64) ([]Refund, error) {
	return refundsOfOrder(ctx, s.d.Read(), orderID)
}

// Cancel cancels order orderID for actor: an order still waiting for
// payment is simply cancelled; a paid one that has not shipped is refunded
// whole through its provider and ends cancelled. When the payments left
// open on an unpaid order (a transfer awaited, a window prepared) cannot be
// closed, the order is returned cancelled with the error; reconciliation
// closes them later.
func (s *Service) Cancel(ctx context.Context, orderID int64, actor order.Actor, reason string) (order.Order, error) {
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
		if strings.TrimSpace(reason) == "" {
			reason = "주문 취소"
		}
		if _, err := s.Refund(ctx, RefundInput{OrderID: orderID, Reason: reason, Actor: actor}); err != nil {
			return order.Order{}, err
		}
		return s.deps.Orders.AdminGet(ctx, orderID)
	default:
		got, err := s.deps.Orders.Transition(ctx, orderID, order.Cancelled, actor, reason)
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

// RefundedData fills the order-refunded mail.
type RefundedData struct {
	Name   string
	Number string
	Amount string // "₩12,900"
	Points int64
	URL    string
}

// Validate implements the check notify.Render makes.
func (d RefundedData) Validate() error {
	if d.Number == "" {
		return &fault.Invalid{Fields: map[string]string{"number": "is required"}}
	}
	return nil
}

func (s *Service) mailRefund(ctx context.Context, plan order.RefundPlan, rf Refund) {
	email, name, err := s.deps.Customers.Contact(ctx, plan.UserID)
	if err != nil || email == "" {
		s.log.WarnContext(ctx, "refund mail not sent: no address", "order_id", plan.OrderID, "err", err)
		return
	}
	m, err := notify.Render(notify.OrderRefunded, RefundedData{Name: name, Number: plan.Number,
		Amount: money.Won(rf.Amount).String(), Points: rf.Points, URL: s.cfg.BaseURL + "/account/orders/" + plan.Number})
	if err != nil {
		s.log.ErrorContext(ctx, "refund mail not rendered", "order_id", plan.OrderID, "err", err)
		return
	}
	m.To = email
	if err := s.deps.Mailer.Send(ctx, s.d.Write(), m); err != nil {
		s.log.ErrorContext(ctx, "refund mail not sent", "order_id", plan.OrderID, "err", err)
	}
}
