package payment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// Confirm settles attempt reference of provider after the customer's
// browser came back to the return URL with query: the provider is asked
// (with the amount from our record), its answer is checked against what was
// prepared, and the order moves to paid. However often it is called at once
// (a double click, a refresh, a webhook alongside) the provider's confirm is
// called by one of them, which claims the attempt; the others wait for its
// outcome and return it. A settled attempt is returned as it is.
//
// The returned attempt's status is the outcome: AttemptPaid, AttemptFailed
// (FailureCode and FailureMessage say why), AttemptAmountMismatch (the
// payment was given back), AttemptAwaitingDeposit (a virtual account),
// AttemptPending (the provider has not answered; a job checks again).
// Errors: fault.ErrNotFound for an unknown reference.
func (s *Service) Confirm(ctx context.Context, provider, reference string, query url.Values) (Attempt, error) {
	p, ok := s.provider(provider)
	if !ok {
		return Attempt{}, fmt.Errorf("confirm %s payment %q: %w", provider, reference, fault.ErrNotFound)
	}
	r, err := attemptWhere(ctx, s.d.Read(), "reference = ? AND provider = ?", reference, provider)
	if err != nil {
		return Attempt{}, wrap("confirm payment", reference, err)
	}
	a := r.attempt()
	if a.Status.settled() {
		return a, nil
	}
	customer := "u" + strconv.FormatInt(r.UserID, 10) // as Start told the provider
	claimed, err := s.claim(ctx, a.ID)
	if err != nil {
		return Attempt{}, err
	}
	if !claimed {
		return s.await(ctx, a.ID)
	}
	res, cerr := p.Confirm(ctx, ConfirmRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID,
		Query: query, Expected: Amount{Total: a.ChargeMinor, TaxFree: a.TaxFree, Currency: a.ChargeCurrency},
		CustomerRef: customer, IdempotencyKey: "confirm-" + a.Reference})
	return s.settle(ctx, p, a, res, cerr, evConfirm)
}

// Abandon records that the customer came back on the fail URL with the
// provider's code and message. The attempt is not marked failed: the
// browser's word is not the provider's, and the customer may still finish
// in the same window; the reason is kept to show, and a new attempt is the
// way to try again.
func (s *Service) Abandon(ctx context.Context, provider, reference, code, message string) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Read(), "reference = ? AND provider = ?", reference, provider)
	if err != nil {
		return Attempt{}, wrap("abandon payment", reference, err)
	}
	a := r.attempt()
	code, message = clip(strings.TrimSpace(code), 64), clip(strings.TrimSpace(message), 300)
	if code == "" {
		code = "PAY_PROCESS_CANCELED"
	}
	s.record(ctx, event{AttemptID: a.ID, Kind: evReturn, Outcome: "fail_url", Detail: code + ": " + message})
	if a.Status == AttemptPrepared {
		if err := noteAbandoned(ctx, s.d.Write(), a.ID, code, message, s.stamp()); err != nil {
			return Attempt{}, err
		}
		a.FailureCode, a.FailureMessage = code, message
	}
	return a, nil
}

// claim takes attempt id for one confirm: it moves from prepared or
// pending (or a confirming claim that lapsed) to confirming, in one
// conditional statement, and reports whether this caller won.
func (s *Service) claim(ctx context.Context, id int64) (bool, error) {
	now := s.stamp()
	return claimAttempt(ctx, s.d.Write(), id, now.Add(s.cfg.ConfirmLease), now)
}

// await waits, up to the lease, for the confirm that claimed attempt id to
// finish, and returns the attempt as it then is.
func (s *Service) await(ctx context.Context, id int64) (Attempt, error) {
	deadline := time.Now().Add(s.cfg.ConfirmLease)
	for {
		r, err := attemptWhere(ctx, s.d.Write(), "id = ?", id)
		if err != nil {
			return Attempt{}, wrap("read payment attempt", id, err)
		}
		if AttemptStatus(r.Status) != AttemptConfirming || time.Now().After(deadline) {
			return r.attempt(), nil
		}
		select {
		case <-ctx.Done():
			return r.attempt(), ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// settle records the provider's answer (res, or the error of the call) for
// attempt a and moves the order.
func (s *Service) settle(ctx context.Context, p Provider, a Attempt, res Result, callErr error, kind string) (Attempt, error) {
	if callErr != nil {
		if d, ok := AsDeclined(callErr); ok {
			s.record(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "declined", Detail: d.Code + ": " + d.Message})
			s.setFailed(ctx, s.d.Write(), a.ID, d.Code, d.Message)
			return s.reread(ctx, a.ID)
		}
		// An unknown outcome is never taken for a failure: ask the
		// provider what happened.
		s.record(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "unknown", Detail: callErr.Error()})
		lres, lerr := p.Lookup(ctx, LookupRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID})
		if lerr != nil {
			s.record(ctx, event{AttemptID: a.ID, Kind: evLookup, Outcome: "unknown", Detail: lerr.Error()})
			s.release(ctx, a.ID)
			s.log.WarnContext(ctx, "payment outcome unknown; a job will look it up", "attempt_id", a.ID, "provider", a.Provider, "err", callErr)
			return s.reread(ctx, a.ID)
		}
		res, kind = lres, evLookup
	}
	switch res.Status {
	case StatusPaid, StatusPartiallyCancelled:
		if res.Charged.Total != a.ChargeMinor || (res.Charged.Currency != "" && res.Charged.Currency != a.ChargeCurrency) {
			return s.mismatch(ctx, p, a, res, kind)
		}
		return s.markPaid(ctx, p, a, res, kind)
	case StatusAwaitingDeposit:
		return s.markAwaitingDeposit(ctx, a, res, kind)
	case StatusFailed:
		s.record(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "failed", Detail: res.FailureCode + ": " + res.FailureMessage, Response: res.Raw})
		s.setFailed(ctx, s.d.Write(), a.ID, res.FailureCode, res.FailureMessage)
	case StatusCancelled:
		s.record(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "cancelled", Response: res.Raw})
		s.setStatusFrom(ctx, a.ID, AttemptCancelled, AttemptPrepared, AttemptConfirming, AttemptPending, AttemptAwaitingDeposit)
	default:
		s.record(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "pending", Response: res.Raw})
		s.release(ctx, a.ID)
	}
	return s.reread(ctx, a.ID)
}

// errOrderGone means the order was cancelled before its payment arrived.
var errOrderGone = errors.New("order cancelled before payment")

func (s *Service) markPaid(ctx context.Context, p Provider, a Attempt, res Result, kind string) (Attempt, error) {
	paidAt := res.PaidAt.UTC()
	if paidAt.IsZero() {
		paidAt = s.stamp()
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		changed, err := markAttemptPaid(ctx, q, a.ID, res, paidAt, s.stamp())
		if err != nil || !changed {
			return err // when unchanged: settled meanwhile by a concurrent confirm or webhook
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: kind, Outcome: "paid",
			Detail: fmt.Sprintf("%d %s", res.Charged.Total, res.Charged.Currency), Response: res.Raw}, s.stamp()); err != nil {
			return err
		}
		_, err = s.deps.Orders.MarkPaid(ctx, q, a.OrderID, order.System, "결제 완료 ("+a.Provider+")")
		if errors.Is(err, fault.ErrConflict) {
			return errOrderGone
		}
		return err
	})
	switch {
	case err == nil:
		return s.reread(ctx, a.ID)
	case errors.Is(err, errOrderGone):
		return s.giveBack(ctx, p, a, res, "ORDER_CANCELLED", "주문이 취소된 뒤에 결제되어 결제를 취소했습니다")
	case s.d.Dialect.IsUniqueViolation(err):
		return s.giveBack(ctx, p, a, res, "DUPLICATE_PAYMENT", "이미 결제된 주문이어서 이 결제를 취소했습니다")
	default:
		s.release(ctx, a.ID)
		return Attempt{}, err
	}
}

// giveBack refunds a payment the order cannot use (the order was paid by
// another attempt, or cancelled) and marks the attempt cancelled.
func (s *Service) giveBack(ctx context.Context, p Provider, a Attempt, res Result, code, msg string) (Attempt, error) {
	s.setFailedAs(ctx, a.ID, AttemptCancelled, code, msg)
	s.refundAtProvider(ctx, p, a, res, code)
	return s.reread(ctx, a.ID)
}

// refundAtProvider gives back the whole of a payment that was taken but is
// not used, and records the outcome; a failure is logged for staff.
func (s *Service) refundAtProvider(ctx context.Context, p Provider, a Attempt, res Result, why string) {
	ppid := res.ProviderPaymentID
	if ppid == "" {
		ppid = a.ProviderPaymentID
	}
	rr, err := p.Refund(ctx, RefundRequest{Reference: a.Reference, ProviderPaymentID: ppid, CaptureID: res.CaptureID,
		Amount: Amount{Total: res.Charged.Total, TaxFree: res.Charged.TaxFree, Currency: res.Charged.Currency},
		Full:   true, Balance: res.Charged.Total - res.Cancelled, Reason: why, IdempotencyKey: "giveback-" + a.Reference})
	if err != nil {
		s.record(ctx, event{AttemptID: a.ID, Kind: evGiveBack, Outcome: "failed", Detail: why + ": " + err.Error()})
		s.alert(ctx, a, "payment.give_back_failed", why+": "+err.Error()+"; refund it by hand in the provider's console")
		return
	}
	s.record(ctx, event{AttemptID: a.ID, Kind: evGiveBack, Outcome: "ok",
		Detail: fmt.Sprintf("%s: %d refunded (%s)", why, rr.Refunded, rr.ProviderRefundID), Response: rr.Raw})
}

// mismatch handles a payment the provider reports for another amount than
// was prepared: the attempt is marked, the money given back, and staff find
// the event on the order.
func (s *Service) mismatch(ctx context.Context, p Provider, a Attempt, res Result, kind string) (Attempt, error) {
	detail := fmt.Sprintf("prepared %d %s, provider reports %d %s", a.ChargeMinor, a.ChargeCurrency, res.Charged.Total, res.Charged.Currency)
	s.record(ctx, event{AttemptID: a.ID, Kind: evMismatch, Outcome: kind, Detail: detail, Response: res.Raw})
	s.alert(ctx, a, "payment.amount_mismatch", detail)
	s.setFailedAs(ctx, a.ID, AttemptAmountMismatch, "AMOUNT_MISMATCH", "결제된 금액이 주문 금액과 달라 결제를 취소했습니다")
	if res.ProviderPaymentID != "" || a.ProviderPaymentID != "" {
		s.setProviderID(ctx, a.ID, res.ProviderPaymentID)
	}
	s.refundAtProvider(ctx, p, a, res, "AMOUNT_MISMATCH")
	return s.reread(ctx, a.ID)
}

func (s *Service) markAwaitingDeposit(ctx context.Context, a Attempt, res Result, kind string) (Attempt, error) {
	if res.Charged.Total != 0 && res.Charged.Total != a.ChargeMinor {
		p, _ := s.provider(a.Provider)
		return s.mismatch(ctx, p, a, res, kind)
	}
	var dep []byte
	secret := ""
	due := s.stamp().Add(s.cfg.DepositWithin)
	if res.Deposit != nil {
		d := DepositInfo{Bank: res.Deposit.Bank, Account: res.Deposit.Account, Holder: res.Deposit.Holder, Due: res.Deposit.Due}
		if !d.Due.IsZero() {
			due = d.Due
		}
		d.Due = due
		dep, _ = json.Marshal(d)
		if res.Deposit.Secret != "" && s.deps.Keyring != nil {
			enc, err := s.deps.Keyring.EncryptString(res.Deposit.Secret, secretAAD(a.ID))
			if err != nil {
				return Attempt{}, err
			}
			secret = enc
		}
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		changed, err := markAttemptAwaitingDeposit(ctx, q, a.ID, res.ProviderPaymentID, dep, secret, res.Method, s.stamp())
		if err != nil || !changed {
			return err
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: kind, Outcome: "awaiting_deposit", Response: res.Raw}, s.stamp()); err != nil {
			return err
		}
		return s.deps.Orders.AwaitDeposit(ctx, q, a.OrderID, due, order.System, "가상계좌 발급 ("+a.Provider+")")
	})
	if err != nil {
		s.release(ctx, a.ID)
		return Attempt{}, fmt.Errorf("record virtual account of payment %d: %w", a.ID, err)
	}
	return s.reread(ctx, a.ID)
}

func secretAAD(id int64) string {
	return "payment_attempts.deposit_secret_enc:" + strconv.FormatInt(id, 10)
}
