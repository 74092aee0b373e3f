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
	return s.confirm(ctx, p, r, query, false)
}

// confirm is Confirm for attempt r of p: query from the customer's
// browser, or unattended after a lookup found the payment approved.
func (s *Service) confirm(ctx context.Context, p Provider, r attemptRow, query url.Values, unattended bool) (Attempt, error) {
	a := r.attempt()
	if a.Status.settled() {
		return a, nil
	}
	claimed, err := s.claim(ctx, a.ID)
	if err != nil {
		return Attempt{}, err
	}
	if !claimed {
		return s.await(ctx, a.ID)
	}
	res, cerr := p.Confirm(ctx, ConfirmRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID,
		Query: query, Expected: Amount{Total: a.ChargeMinor, TaxFree: a.TaxFree, Currency: a.ChargeCurrency},
		CustomerRef:    "u" + strconv.FormatInt(r.UserID, 10), // as Start told the provider
		IdempotencyKey: "confirm-" + a.Reference, Unattended: unattended})
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
	err = s.decide(ctx, event{AttemptID: a.ID, Kind: evReturn, Outcome: "fail_url", Detail: code + ": " + message},
		func(q db.Querier) error {
			if a.Status != AttemptPrepared {
				return nil
			}
			return noteAbandoned(ctx, q, a.ID, code, message, s.stamp())
		})
	if err != nil {
		return Attempt{}, wrap("abandon payment", reference, err)
	}
	if a.Status == AttemptPrepared {
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

// How await polls: the first pause, doubled after each read up to the
// longest.
const (
	awaitFirstPause = 20 * time.Millisecond
	awaitLongest    = 250 * time.Millisecond
)

// await waits, up to the lease by the service's clock, for the confirm that
// claimed attempt id to finish, and returns the attempt as it then is
// (still confirming when the lease ran out).
//
// It polls, on both engines, with pauses that grow from awaitFirstPause to
// awaitLongest, taken through s.wait. The claim is one committed statement
// and no transaction is open while the provider is called, so there is
// nothing to block on for most of a confirm: a row lock is free at once,
// and a notification (LISTEN/NOTIFY on PostgreSQL) would need a connection
// of its own per waiter outside database/sql; SQLite has none. What can be
// waited for is the settling transaction, which holds the row while it
// records the outcome and moves the order: on PostgreSQL a read that comes
// then takes a share lock (db.Dialect.ShareLock) and returns the outcome
// when that transaction commits, rather than the confirming it replaces.
// Reads use the read pool, so that on SQLite the polls never queue behind
// the one writer that the settling transaction needs.
func (s *Service) await(ctx context.Context, id int64) (Attempt, error) {
	deadline := s.now().Add(s.cfg.ConfirmLease)
	step := awaitFirstPause
	for {
		r, err := s.readAwaited(ctx, id, deadline)
		if err != nil {
			return Attempt{}, wrap("read payment attempt", id, err)
		}
		now := s.now()
		if AttemptStatus(r.Status) != AttemptConfirming || !now.Before(deadline) {
			return r.attempt(), nil
		}
		if err := s.wait(ctx, min(step, deadline.Sub(now))); err != nil {
			return r.attempt(), err
		}
		step = min(2*step, awaitLongest)
	}
}

// readAwaited reads attempt id for await, waiting on PostgreSQL for a
// transaction that is settling it, but not past the lease's deadline: a
// transaction that holds the row longer is read around.
func (s *Service) readAwaited(ctx context.Context, id int64, deadline time.Time) (attemptRow, error) {
	lctx, cancel := context.WithTimeout(ctx, max(deadline.Sub(s.now()), awaitFirstPause))
	defer cancel()
	r, err := attemptLocked(lctx, s.d.Read(), id, s.d.Dialect.ShareLock())
	if err != nil && ctx.Err() == nil && lctx.Err() != nil {
		return attemptWhere(ctx, s.d.Read(), "id = ?", id)
	}
	return r, err
}

// settle records the provider's answer (res, or the error of the call) for
// attempt a and moves the order. When a write fails the error is returned
// (with the provider's error, if any, still reachable) and the attempt
// keeps the status it had, or its claim until the lease lapses, so that
// reconciliation looks it up again; nil means the status returned is the
// one stored.
func (s *Service) settle(ctx context.Context, p Provider, a Attempt, res Result, callErr error, kind string) (Attempt, error) {
	if callErr == nil {
		return s.settleResult(ctx, p, a, res, kind)
	}
	if d, ok := AsDeclined(callErr); ok {
		err := s.decide(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "declined", Detail: d.Code + ": " + d.Message},
			func(q db.Querier) error { return s.setFailed(ctx, q, a.ID, d.Code, d.Message) })
		if err != nil {
			return Attempt{}, fmt.Errorf("record decline of payment %d (%w): %w", a.ID, callErr, err)
		}
		return s.reread(ctx, a.ID)
	}
	// An unknown outcome is never taken for a failure: ask the provider
	// what happened.
	noted := s.record(ctx, s.d.Write(), event{AttemptID: a.ID, Kind: kind, Outcome: "unknown", Detail: callErr.Error()})
	lres, lerr := p.Lookup(ctx, LookupRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID})
	if lerr != nil {
		err := s.decide(ctx, event{AttemptID: a.ID, Kind: evLookup, Outcome: "unknown", Detail: lerr.Error()},
			func(q db.Querier) error { return s.release(ctx, q, a.ID) })
		if err := errors.Join(noted, err); err != nil {
			return Attempt{}, fmt.Errorf("record unknown outcome of payment %d (%w): %w", a.ID, callErr, err)
		}
		s.log.WarnContext(ctx, "payment outcome unknown; a job will look it up", "attempt_id", a.ID, "provider", a.Provider, "err", callErr)
		return s.reread(ctx, a.ID)
	}
	got, err := s.settleResult(ctx, p, a, lres, evLookup)
	if noted != nil {
		// Settled as the look-up said; only the note of the unknown
		// outcome is missing.
		return got, withWrite(err, fmt.Errorf("payment %d: %w", a.ID, noted))
	}
	return got, err
}

// settleResult records res, the provider's answer about attempt a, and
// moves the order; see settle.
func (s *Service) settleResult(ctx context.Context, p Provider, a Attempt, res Result, kind string) (Attempt, error) {
	var err error
	switch res.Status {
	case StatusPaid, StatusPartiallyCancelled:
		if res.Charged.Total != a.ChargeMinor || (res.Charged.Currency != "" && res.Charged.Currency != a.ChargeCurrency) {
			return s.mismatch(ctx, p, a, res, kind)
		}
		return s.markPaid(ctx, p, a, res, kind)
	case StatusAwaitingDeposit:
		return s.markAwaitingDeposit(ctx, a, res, kind)
	case StatusFailed:
		err = s.decide(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "failed", Detail: res.FailureCode + ": " + res.FailureMessage, Response: res.Raw},
			func(q db.Querier) error { return s.setFailed(ctx, q, a.ID, res.FailureCode, res.FailureMessage) })
	case StatusCancelled:
		err = s.decide(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "cancelled", Response: res.Raw},
			func(q db.Querier) error {
				return s.setStatusFrom(ctx, q, a.ID, AttemptCancelled, AttemptPrepared, AttemptConfirming, AttemptPending, AttemptAwaitingDeposit)
			})
	default:
		err = s.decide(ctx, event{AttemptID: a.ID, Kind: kind, Outcome: "pending", Response: res.Raw},
			func(q db.Querier) error { return s.release(ctx, q, a.ID) })
	}
	if err != nil {
		return Attempt{}, fmt.Errorf("record %s outcome of payment %d: %w", res.Status, a.ID, err)
	}
	return s.reread(ctx, a.ID)
}

// errOrderGone means the order was cancelled before its payment arrived;
// errPaidOtherwise that another attempt paid it already.
var (
	errOrderGone     = errors.New("order cancelled before payment")
	errPaidOtherwise = errors.New("order paid by another attempt")
)

// markPaid records that attempt a was paid and moves its order to paid, in
// one transaction that first holds the order's row: a deposit confirmed
// by staff, or another attempt, settling the same order at the same time
// waits for it and then finds the order paid. The bank transfers the order
// still awaited are closed with it, so none is left open on a paid order.
func (s *Service) markPaid(ctx context.Context, p Provider, a Attempt, res Result, kind string) (Attempt, error) {
	paidAt := res.PaidAt.UTC()
	if paidAt.IsZero() {
		paidAt = s.stamp()
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		st, err := s.deps.Orders.HoldForPayment(ctx, q, a.OrderID)
		if err != nil {
			return err
		}
		if st != order.PendingPayment && st != order.AwaitingDeposit && st != order.Cancelled {
			// Paid already. Asked before the attempt is written: writing it
			// paid would wait, in the one-paid index, for a refund of the
			// other payment that in turn waits for the order held here.
			_, err := capturedAttempt(ctx, q, a.OrderID, a.ID)
			if err == nil {
				return errPaidOtherwise
			}
			if !errors.Is(err, fault.ErrNotFound) {
				return err
			}
		}
		changed, err := markAttemptPaid(ctx, q, a.ID, res, paidAt, s.stamp())
		if err != nil || !changed {
			return err // when unchanged: settled meanwhile by a concurrent confirm or webhook
		}
		if err := s.record(ctx, q, event{AttemptID: a.ID, Kind: kind, Outcome: "paid",
			Detail: fmt.Sprintf("%d %s", res.Charged.Total, res.Charged.Currency), Response: res.Raw}); err != nil {
			return err
		}
		// The reason is read by the customer in the order's history
		// ("결제 완료 (토스페이먼츠 가상계좌)"): the method in Korean.
		_, err = s.deps.Orders.MarkPaid(ctx, q, a.OrderID, order.System, methodName(a))
		if errors.Is(err, fault.ErrConflict) {
			return errOrderGone
		}
		if err != nil {
			return err
		}
		if err := closeAwaitedTransfers(ctx, q, a.OrderID, s.stamp()); err != nil {
			return err
		}
		return s.mailPaid(ctx, q, a.OrderID, a, methodName(a))
	})
	switch {
	case err == nil:
		return s.reread(ctx, a.ID)
	case errors.Is(err, errOrderGone):
		return s.giveBack(ctx, p, a, res, "ORDER_CANCELLED", "주문이 취소된 뒤에 결제되어 결제를 취소했습니다")
	case errors.Is(err, errPaidOtherwise) || s.d.Dialect.IsUniqueViolation(err):
		return s.giveBack(ctx, p, a, res, "DUPLICATE_PAYMENT", "이미 결제된 주문이어서 이 결제를 취소했습니다")
	default:
		return Attempt{}, withWrite(err, s.release(ctx, s.d.Write(), a.ID))
	}
}

// giveBack refunds a payment the order cannot use (the order was paid by
// another attempt, or cancelled) and marks the attempt cancelled. When the
// mark cannot be written nothing is asked of the provider: the attempt
// keeps its open status, and the next look-up (reconciliation, or the
// job's retry) finds the payment again and gives it back then; the
// give-back's idempotency key makes that one refund.
func (s *Service) giveBack(ctx context.Context, p Provider, a Attempt, res Result, code, msg string) (Attempt, error) {
	if err := s.setFailedAs(ctx, s.d.Write(), a.ID, AttemptCancelled, code, msg); err != nil {
		return Attempt{}, err
	}
	if err := s.refundAtProvider(ctx, p, a, res, code); err != nil {
		return Attempt{}, err
	}
	return s.reread(ctx, a.ID)
}

// refundAtProvider gives back the whole of a payment that was taken but is
// not used, and records the outcome. The provider's refusal is for staff
// (an alert and an event), not an error; the error returned is that of
// recording the outcome.
func (s *Service) refundAtProvider(ctx context.Context, p Provider, a Attempt, res Result, why string) error {
	ppid := res.ProviderPaymentID
	if ppid == "" {
		ppid = a.ProviderPaymentID
	}
	rr, err := p.Refund(ctx, RefundRequest{Reference: a.Reference, ProviderPaymentID: ppid, CaptureID: res.CaptureID,
		Amount: Amount{Total: res.Charged.Total, TaxFree: res.Charged.TaxFree, Currency: res.Charged.Currency},
		Full:   true, Balance: res.Charged.Total - res.Cancelled, Reason: why, IdempotencyKey: "giveback-" + a.Reference})
	if err != nil {
		detail := why + ": " + err.Error()
		werr := s.d.InTx(ctx, func(q db.Querier) error {
			// The alert first: it logs for staff even when nothing can be
			// written.
			if err := s.alert(ctx, q, a, "payment.give_back_failed", detail+"; refund it by hand in the provider's console"); err != nil {
				return err
			}
			return s.record(ctx, q, event{AttemptID: a.ID, Kind: evGiveBack, Outcome: "failed", Detail: detail})
		})
		if werr != nil {
			return fmt.Errorf("record failed give-back of payment %d: %w", a.ID, werr)
		}
		return nil
	}
	err = s.record(ctx, s.d.Write(), event{AttemptID: a.ID, Kind: evGiveBack, Outcome: "ok",
		Detail: fmt.Sprintf("%s: %d refunded (%s)", why, rr.Refunded, rr.ProviderRefundID), Response: rr.Raw})
	if err != nil {
		return fmt.Errorf("record give-back of payment %d: %w", a.ID, err)
	}
	return nil
}

// mismatch handles a payment the provider reports for another amount than
// was prepared: the attempt is marked, the money given back, and staff find
// the event on the order. As in giveBack, nothing is asked of the provider
// when the mark cannot be written.
func (s *Service) mismatch(ctx context.Context, p Provider, a Attempt, res Result, kind string) (Attempt, error) {
	detail := fmt.Sprintf("prepared %d %s, provider reports %d %s", a.ChargeMinor, a.ChargeCurrency, res.Charged.Total, res.Charged.Currency)
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// The alert first: it logs for staff even when nothing can be
		// written.
		if err := s.alert(ctx, q, a, "payment.amount_mismatch", detail); err != nil {
			return err
		}
		if err := s.record(ctx, q, event{AttemptID: a.ID, Kind: evMismatch, Outcome: kind, Detail: detail, Response: res.Raw}); err != nil {
			return err
		}
		if err := s.setFailedAs(ctx, q, a.ID, AttemptAmountMismatch, "AMOUNT_MISMATCH", "결제된 금액이 주문 금액과 달라 결제를 취소했습니다"); err != nil {
			return err
		}
		return s.setProviderID(ctx, q, a.ID, res.ProviderPaymentID)
	})
	if err != nil {
		return Attempt{}, fmt.Errorf("record amount mismatch of payment %d: %w", a.ID, err)
	}
	if err := s.refundAtProvider(ctx, p, a, res, "AMOUNT_MISMATCH"); err != nil {
		return Attempt{}, err
	}
	return s.reread(ctx, a.ID)
}

func (s *Service) markAwaitingDeposit(ctx context.Context, a Attempt, res Result, kind string) (Attempt, error) {
	if res.Charged.Total != 0 && res.Charged.Total != a.ChargeMinor {
		p, _ := s.provider(a.Provider)
		return s.mismatch(ctx, p, a, res, kind)
	}
	var dep []byte
	var issuedTo *DepositInfo
	secret := ""
	due := s.stamp().Add(s.terms(ctx).DepositWithin)
	if res.Deposit != nil {
		d := DepositInfo{Bank: res.Deposit.Bank, Account: res.Deposit.Account, Holder: res.Deposit.Holder, Due: res.Deposit.Due}
		if !d.Due.IsZero() {
			due = d.Due
		}
		d.Due = due
		issuedTo = &d
		var err error
		if dep, err = json.Marshal(d); err != nil {
			return Attempt{}, fmt.Errorf("virtual account of payment %d: %w", a.ID, err)
		}
		if res.Deposit.Secret != "" {
			enc, err := depositSecretColumn.Encrypt(s.deps.Keyring, a.ID, res.Deposit.Secret)
			if err != nil {
				return Attempt{}, err
			}
			secret = enc
		}
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// Under the order's row, as every settlement of its payment
		// (decision 0036): a bank transfer started at the same time waits,
		// then finds the order waiting for this deposit.
		if _, err := s.deps.Orders.HoldForPayment(ctx, q, a.OrderID); err != nil {
			return err
		}
		// Whatever the provider calls the method ("가상계좌",
		// "VIRTUAL_ACCOUNT"), the customer reads it in Korean.
		changed, err := markAttemptAwaitingDeposit(ctx, q, a.ID, res.ProviderPaymentID, dep, secret, vaccountMethod, s.stamp())
		if err != nil || !changed {
			return err
		}
		if err := s.record(ctx, q, event{AttemptID: a.ID, Kind: kind, Outcome: "awaiting_deposit", Response: res.Raw}); err != nil {
			return err
		}
		// The order's history is read by the customer: the provider's
		// Korean name, not its key.
		if err := s.deps.Orders.AwaitDeposit(ctx, q, a.OrderID, due, order.System, methodNames[a.Provider]+" 가상계좌 발급"); err != nil {
			return err
		}
		// Once: only the call whose conditional update recorded the
		// account mails it, so a retried confirm, or the provider's
		// notification arriving beside the browser, sends nothing more.
		issued := a
		issued.Deposit = issuedTo
		return s.mailVirtualAccount(ctx, q, issued)
	})
	if err != nil {
		err = fmt.Errorf("record virtual account of payment %d: %w", a.ID, err)
		return Attempt{}, withWrite(err, s.release(ctx, s.d.Write(), a.ID))
	}
	return s.reread(ctx, a.ID)
}
