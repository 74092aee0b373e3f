package payment

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// StartInput is a customer's choice of how to pay an order.
type StartInput struct {
	OrderID int64
	UserID  int64
	Method  string // BankTransfer or a provider's name
	Mobile  bool
	// Depositor is the name the transfer will come from (bank transfer);
	// the customer's name when empty.
	Depositor string
	// CashReceipt asks for a cash receipt (bank transfer); nil for none.
	CashReceipt *CashReceiptRequest
	// Placed is the order as Place returned it, when the caller has it
	// (checkout), which saves reading it again; nil otherwise.
	Placed *order.Order
}

// Started says where the customer goes to pay.
type Started struct {
	Attempt Attempt
	// RedirectURL is the provider's page (or the test provider's); "" when
	// Script opens the provider's window in our page, or for a bank
	// transfer, whose instructions are on the order's page.
	RedirectURL string
	Script      *Script
}

// MaxDepositor is the longest depositor name accepted, in characters.
const MaxDepositor = 30

// Start begins paying order orderID of userID with in.Method. A bank
// transfer moves the order to waiting for the deposit at once, with the
// shop's account and a deadline; a provider gets a new attempt, prepared
// with the provider, and the customer is sent to it. Starting again (a
// second window, a retry after a decline) makes another attempt; only one
// of them can pay the order.
//
// Errors: fault.ErrNotFound for an unknown order or another customer's;
// fault.ErrConflict for an order that does not wait for payment;
// *fault.Invalid for a method not offered ("payment_method"), a bad
// depositor or cash-receipt request; *Declined when the provider refused to
// prepare.
func (s *Service) Start(ctx context.Context, in StartInput) (Started, error) {
	var o order.Order
	var err error
	if in.Placed != nil && in.Placed.ID == in.OrderID {
		o = *in.Placed
	} else {
		o, err = s.deps.Orders.AdminGet(ctx, in.OrderID)
	}
	if err == nil && o.UserID != in.UserID {
		err = fault.ErrNotFound
	}
	if err != nil {
		return Started{}, wrap("start payment of order", in.OrderID, err)
	}
	if !s.Enabled(in.Method) {
		return Started{}, &fault.Invalid{Fields: map[string]string{"payment_method": "is not a way to pay this shop offers"}}
	}
	switch {
	case o.Status == order.AwaitingDeposit && in.Method == BankTransfer:
		// A repeated submission: the order waits for its transfer already.
		as, err := attemptsOf(ctx, s.d.Read(), o.ID)
		if err != nil {
			return Started{}, err
		}
		for _, a := range as {
			if a.Provider == BankTransfer && a.Status == AttemptAwaitingDeposit {
				return Started{Attempt: a}, nil
			}
		}
		return Started{}, fmt.Errorf("order %d waits for a transfer: %w", o.ID, fault.ErrConflict)
	case o.Status != order.PendingPayment:
		return Started{}, fmt.Errorf("order %d is %s, not waiting for payment: %w", o.ID, o.Status, fault.ErrConflict)
	case o.Total <= 0:
		return Started{}, fmt.Errorf("order %d has nothing to pay: %w", o.ID, fault.ErrConflict)
	}
	if in.Method == BankTransfer {
		return s.startBankTransfer(ctx, o, in)
	}
	p, _ := s.provider(in.Method)
	a := Attempt{OrderID: o.ID, Provider: p.Name(), Reference: newReference(o.Number), Status: AttemptPrepared,
		Amount: o.Total, TaxFree: o.TaxFree, ChargeCurrency: "KRW", ChargeMinor: o.Total}
	now := s.stamp()
	if a.ID, err = insertAttempt(ctx, s.d.Write(), a, nil, now); err != nil {
		return Started{}, err
	}
	email, name, err := s.contact(ctx, o.UserID)
	if err != nil {
		return Started{}, err
	}
	prep, perr := p.Prepare(ctx, PrepareRequest{
		Reference: a.Reference, OrderName: orderName(o), CustomerRef: "u" + strconv.FormatInt(o.UserID, 10),
		CustomerName: name, CustomerEmail: email,
		Amount:    Amount{Total: a.Amount, TaxFree: a.TaxFree, Currency: "KRW"},
		ReturnURL: s.returnURL(p.Name(), a.Reference), CancelURL: s.failURL(p.Name(), a.Reference) + "?code=PAY_PROCESS_CANCELED",
		FailURL: s.failURL(p.Name(), a.Reference), Mobile: in.Mobile, IdempotencyKey: "prepare-" + a.Reference,
	})
	if perr != nil {
		code, msg := "ERROR", perr.Error()
		if d, ok := AsDeclined(perr); ok {
			code, msg = d.Code, d.Message
		}
		s.record(ctx, event{AttemptID: a.ID, Kind: evPrepare, Outcome: "failed", Detail: code + ": " + msg})
		s.setFailed(ctx, s.d.Write(), a.ID, code, msg)
		return Started{}, fmt.Errorf("prepare %s payment of order %d: %w", p.Name(), o.ID, perr)
	}
	charge := prep.Charge
	if charge.Currency == "" {
		charge = Amount{Total: a.Amount, TaxFree: a.TaxFree, Currency: "KRW"}
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET provider_payment_id = ?,
			charge_currency = ?, charge_minor = ?, updated_at = ? WHERE id = ?`),
			nullString(prep.ProviderPaymentID), charge.Currency, charge.Total, s.stamp(), a.ID)
		if err != nil {
			return fmt.Errorf("record prepared payment %d: %w", a.ID, err)
		}
		return insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evPrepare, Outcome: "ok",
			Detail: fmt.Sprintf("%d %s", charge.Total, charge.Currency), Response: prep.Raw}, s.stamp())
	})
	if err != nil {
		return Started{}, err
	}
	a.ProviderPaymentID, a.ChargeCurrency, a.ChargeMinor = prep.ProviderPaymentID, charge.Currency, charge.Total
	return Started{Attempt: a, RedirectURL: prep.RedirectURL, Script: prep.Script}, nil
}

// orderName is what a provider shows the customer: the first line's name
// and how many more ("말랑 드립백 외 2건").
func orderName(o order.Order) string {
	if len(o.Lines) == 0 {
		return "주문 " + o.Number
	}
	name := o.Lines[0].Name
	if utf8.RuneCountInString(name) > 80 {
		name = string([]rune(name)[:80])
	}
	if n := len(o.Lines) - 1; n > 0 {
		name += " 외 " + strconv.Itoa(n) + "건"
	}
	return name
}

func (s *Service) contact(ctx context.Context, userID int64) (email, name string, err error) {
	if s.deps.Customers == nil {
		return "", "", nil
	}
	email, name, err = s.deps.Customers.Contact(ctx, userID)
	if err != nil {
		return "", "", fmt.Errorf("contact of user %d: %w", userID, err)
	}
	return email, name, nil
}

// checkTransfer validates a bank transfer's depositor and cash-receipt
// request into v and returns them cleaned.
func (s *Service) checkTransfer(depositor string, r *CashReceiptRequest, v *fault.Invalid) (string, *CashReceiptRequest, error) {
	depositor = strings.TrimSpace(depositor)
	if utf8.RuneCountInString(depositor) > MaxDepositor {
		v.Add("depositor", fmt.Sprintf("must be at most %d characters", MaxDepositor))
	}
	if strings.ContainsFunc(depositor, func(r rune) bool { return r < ' ' || r == 0x7f }) {
		v.Add("depositor", "must not contain control characters")
	}
	receipt, err := s.checkCashReceipt(r, v)
	return depositor, receipt, err
}

// recordTransfer stores, on q, the bank transfer that pays order o: the
// attempt with the account, amount, deadline and depositor (the recipient
// when none was given), the cash receipt due, and the event.
func (s *Service) recordTransfer(ctx context.Context, q db.Querier, o order.Order, depositor string, receipt *CashReceiptRequest,
	due, now time.Time) (Attempt, error) {
	if depositor == "" {
		// Most transfers come from the person the order is for.
		depositor = clip(o.Address.Recipient, MaxDepositor)
	}
	a := Attempt{OrderID: o.ID, Provider: BankTransfer, Reference: newReference(o.Number), Status: AttemptAwaitingDeposit,
		Amount: o.Total, TaxFree: o.TaxFree, ChargeCurrency: "KRW", ChargeMinor: o.Total, Method: "무통장입금",
		Deposit: &DepositInfo{Bank: s.cfg.Bank.Bank, Account: s.cfg.Bank.Account, Holder: s.cfg.Bank.Holder,
			Due: due, Depositor: depositor, Notice: s.cfg.BuyerProtection}}
	dep, err := json.Marshal(a.Deposit)
	if err != nil {
		return Attempt{}, err
	}
	if a.ID, err = insertAttempt(ctx, q, a, dep, now); err != nil {
		return Attempt{}, err
	}
	// The attempt row is the record of a transfer's start (its deposit
	// holds the account, amount and deadline): no provider answered, so
	// no event is written.
	return a, s.recordCashReceipt(ctx, q, o, receipt, now)
}

func (s *Service) startBankTransfer(ctx context.Context, o order.Order, in StartInput) (Started, error) {
	v := &fault.Invalid{}
	depositor, receipt, err := s.checkTransfer(in.Depositor, in.CashReceipt, v)
	if err != nil {
		return Started{}, err
	}
	if err := v.Err(); err != nil {
		return Started{}, err
	}
	now := s.stamp()
	due := now.Add(s.cfg.DepositWithin)
	var a Attempt
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := s.deps.Orders.AwaitDeposit(ctx, q, o.ID, due, order.Customer(o.UserID), "무통장입금 선택"); err != nil {
			return err
		}
		a, err = s.recordTransfer(ctx, q, o, depositor, receipt, due, now)
		return err
	})
	if err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return Started{}, err
		}
		return Started{}, fmt.Errorf("start bank transfer for order %d: %w", o.ID, err)
	}
	s.log.InfoContext(ctx, "order awaits bank transfer", "order_id", o.ID, "due", due)
	return Started{Attempt: a}, nil
}

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
		_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET failure_code = ?,
			failure_message = ?, updated_at = ? WHERE id = ? AND status = 'prepared'`), code, message, s.stamp(), a.ID)
		if err != nil {
			return Attempt{}, fmt.Errorf("record abandoned payment %d: %w", a.ID, err)
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
	res, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = 'confirming',
		claimed_until = ?, updated_at = ? WHERE id = ? AND (status IN ('prepared', 'pending')
		OR (status = 'confirming' AND claimed_until < ?))`), now.Add(s.cfg.ConfirmLease), now, id, now)
	if err != nil {
		return false, fmt.Errorf("claim payment attempt %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim payment attempt %d: %w", id, err)
	}
	return n == 1, nil
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
		s.setStatusFrom(ctx, a.ID, AttemptCancelled, "prepared", "confirming", "pending", "awaiting_deposit")
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
		r, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'paid',
			provider_payment_id = COALESCE(?, provider_payment_id), capture_id = ?, method = ?, receipt_url = ?,
			paid_at = ?, claimed_until = NULL, failure_code = '', failure_message = '', updated_at = ?
			WHERE id = ? AND status IN ('prepared', 'confirming', 'pending', 'awaiting_deposit')`),
			nullString(res.ProviderPaymentID), res.CaptureID, clip(res.Method, 40), clip(res.ReceiptURL, 500),
			paidAt.Truncate(time.Microsecond), s.stamp(), a.ID)
		if err != nil {
			return fmt.Errorf("record payment %d paid: %w", a.ID, err)
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
			return err // settled meanwhile by a concurrent confirm or webhook
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
		r, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'awaiting_deposit',
			provider_payment_id = COALESCE(?, provider_payment_id), deposit = ?, deposit_secret_enc = ?, method = ?,
			claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending')`),
			nullString(res.ProviderPaymentID), nullJSON(dep), secret, clip(res.Method, 40), s.stamp(), a.ID)
		if err != nil {
			return err
		}
		if n, err := r.RowsAffected(); err != nil || n == 0 {
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

// Webhook takes a notification provider sent: it is verified by the
// provider's adapter (and a deposit notification's secret against the one
// stored), recorded, and a job looks the payment up and settles it, so the
// provider gets its answer at once. An event about something not handled,
// or about a payment this shop does not know, is accepted and ignored.
// Errors: fault.ErrNotFound for an unknown provider or one that sends no
// notifications; ErrUnverified for a notification that fails verification.
func (s *Service) Webhook(ctx context.Context, provider string, h http.Header, body []byte) error {
	p, ok := s.provider(provider)
	if !ok {
		return fmt.Errorf("webhook of %q: %w", provider, fault.ErrNotFound)
	}
	ev, err := p.ParseWebhook(ctx, h, body)
	switch {
	case errors.Is(err, ErrIgnoredEvent):
		return nil
	case errors.Is(err, ErrNoWebhooks):
		return fmt.Errorf("webhook of %s: %w", provider, fault.ErrNotFound)
	case err != nil:
		return err
	}
	var r attemptRow
	switch {
	case ev.Reference != "":
		r, err = attemptWhere(ctx, s.d.Read(), "reference = ? AND provider = ?", ev.Reference, provider)
	default:
		r, err = attemptWhere(ctx, s.d.Read(), "provider_payment_id = ? AND provider = ?", ev.ProviderPaymentID, provider)
	}
	if errors.Is(err, fault.ErrNotFound) {
		s.log.InfoContext(ctx, "webhook for an unknown payment ignored", "provider", provider, "type", ev.Type)
		return nil
	}
	if err != nil {
		return err
	}
	if ev.DepositSecret != "" {
		stored := ""
		if r.DepositSecret != "" && s.deps.Keyring != nil {
			if stored, err = s.deps.Keyring.DecryptString(r.DepositSecret, secretAAD(r.ID)); err != nil {
				// A key missing from the keyring, not a forged notification:
				// the provider sends it again once the keys are right.
				return fmt.Errorf("deposit secret of payment %d: %w", r.ID, err)
			}
		}
		if stored == "" || subtle.ConstantTimeCompare([]byte(stored), []byte(ev.DepositSecret)) != 1 {
			s.record(ctx, event{AttemptID: r.ID, Kind: evWebhook, Outcome: "unverified", Detail: ev.Type})
			return fmt.Errorf("deposit notification for payment %d: secret does not match: %w", r.ID, ErrUnverified)
		}
	}
	err = s.d.InTx(ctx, func(q db.Querier) error {
		if err := insertEvent(ctx, q, event{AttemptID: r.ID, Kind: evWebhook, Outcome: "received", Detail: ev.Type, Response: body}, s.stamp()); err != nil {
			return err
		}
		if s.deps.Queue != nil {
			return s.deps.Queue.EnqueuePaymentSync(ctx, q, r.ID)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("record webhook of payment %d: %w", r.ID, err)
	}
	if s.deps.Queue == nil {
		_, err = s.Sync(ctx, r.ID)
	}
	return err
}

// Sync looks attempt id up at its provider and settles it as Confirm would:
// the job a webhook enqueues, and reconciliation of attempts whose outcome
// is unknown. Settled attempts are left alone.
func (s *Service) Sync(ctx context.Context, id int64) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Read(), "id = ?", id)
	if err != nil {
		return Attempt{}, wrap("sync payment", id, err)
	}
	a := r.attempt()
	p, ok := s.provider(a.Provider)
	if !ok {
		return a, nil // bank transfer, or a provider disabled since
	}
	switch a.Status {
	case AttemptPrepared, AttemptConfirming, AttemptPending, AttemptAwaitingDeposit:
	default:
		return a, nil
	}
	res, err := p.Lookup(ctx, LookupRequest{Reference: a.Reference, ProviderPaymentID: a.ProviderPaymentID})
	if errors.Is(err, ErrNotFound) {
		return a, nil // the customer never finished the window
	}
	if err != nil {
		s.record(ctx, event{AttemptID: a.ID, Kind: evLookup, Outcome: "error", Detail: err.Error()})
		return a, fmt.Errorf("look up payment %d: %w", a.ID, err)
	}
	if a.Status == AttemptAwaitingDeposit && res.Status == StatusAwaitingDeposit {
		return a, nil
	}
	return s.settle(ctx, p, a, res, nil, evLookup)
}

// ConfirmDeposit records, for staff member staffID, that the bank transfer
// of order orderID arrived from depositor, and moves the order to paid.
// Errors: fault.ErrNotFound when the order has no transfer waiting;
// fault.ErrConflict when the order was cancelled meanwhile (its deadline
// passed): the money must then be sent back by hand. then runs in the
// confirmation's transaction with the attempt as paid.
func (s *Service) ConfirmDeposit(ctx context.Context, orderID, staffID int64, depositor string, then ...db.Then[Attempt]) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Read(), "order_id = ? AND provider = ? AND status = 'awaiting_deposit'", orderID, BankTransfer)
	if err != nil {
		return Attempt{}, wrap("confirm deposit of order", orderID, err)
	}
	a := r.attempt()
	depositor = clip(strings.TrimSpace(depositor), MaxDepositor)
	if a.Deposit == nil {
		a.Deposit = &DepositInfo{}
	}
	if depositor != "" {
		a.Deposit.Depositor = depositor
	}
	a.Deposit.ConfirmedBy = staffID
	dep, err := json.Marshal(a.Deposit)
	if err != nil {
		return Attempt{}, wrap("confirm deposit of order", orderID, err)
	}
	now := s.stamp()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		res, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'paid', deposit = ?, paid_at = ?,
			updated_at = ? WHERE id = ? AND status = 'awaiting_deposit'`), string(dep), now, now, a.ID)
		changed, err := db.Affected(res, err, "mark the transfer of order %d paid", orderID)
		if err != nil {
			return err
		}
		if !changed {
			return fmt.Errorf("the transfer of order %d was settled meanwhile: %w", orderID, fault.ErrConflict)
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evDeposit, Outcome: "confirmed",
			Detail: "depositor " + a.Deposit.Depositor, ActorID: staffID}, now); err != nil {
			return err
		}
		if _, err := s.deps.Orders.MarkPaid(ctx, q, orderID, order.Staff(staffID), "입금 확인"); err != nil {
			return err
		}
		paid := a
		paid.Status, paid.PaidAt, paid.UpdatedAt = AttemptPaid, now, now
		return db.RunThen(ctx, q, paid, then)
	})
	if err != nil {
		return Attempt{}, wrap("confirm deposit of order", orderID, err)
	}
	s.log.InfoContext(ctx, "bank transfer confirmed", "order_id", orderID, "staff_id", staffID)
	return s.reread(ctx, a.ID)
}

// Attempts returns the payment attempts of order orderID, oldest first.
func (s *Service) Attempts(ctx context.Context, orderID int64) ([]Attempt, error) {
	return attemptsOf(ctx, s.d.Read(), orderID)
}

// Events returns what happened to the payments of order orderID.
func (s *Service) Events(ctx context.Context, orderID int64) ([]EventRecord, error) {
	return eventsOf(ctx, s.d.Read(), orderID)
}

// ByReference returns attempt reference, or fault.ErrNotFound.
func (s *Service) ByReference(ctx context.Context, reference string) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Read(), "reference = ?", reference)
	if err != nil {
		return Attempt{}, wrap("payment attempt", reference, err)
	}
	return r.attempt(), nil
}

// Provider returns the enabled provider name, for the pages that need more
// than the interface (the test provider's window).
func (s *Service) Provider(name string) (Provider, bool) { return s.provider(name) }

// reconcileAfter is how old an unsettled attempt must be before
// reconciliation looks it up.
const reconcileAfter = 2 * time.Minute

// Reconcile settles what no callback settled: attempts whose outcome was
// unknown (a timeout) or whose confirm stopped half-way are looked up at
// their provider, and transfers of orders that were cancelled (their
// deadline passed) are closed. It returns how many attempts it changed. It
// runs from the hourly job.
func (s *Service) Reconcile(ctx context.Context) (int64, error) {
	now := s.stamp()
	res, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = 'failed',
		failure_code = 'ORDER_CANCELLED', failure_message = '주문이 취소되었습니다', updated_at = ?
		WHERE status IN ('awaiting_deposit', 'prepared') AND order_id IN (SELECT id FROM orders WHERE status = 'cancelled')`), now)
	if err != nil {
		return 0, fmt.Errorf("close payments of cancelled orders: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("close payments of cancelled orders: %w", err)
	}
	// A confirm still inside its lease is left to finish.
	var open []struct {
		ID     int64  `db:"id"`
		Status string `db:"status"`
	}
	err = s.d.Read().SelectContext(ctx, &open, s.d.Read().Rebind(`SELECT id, status FROM payment_attempts
		WHERE status IN ('confirming', 'pending', 'awaiting_deposit') AND updated_at < ?
		AND NOT (status = 'confirming' AND claimed_until > ?) ORDER BY id LIMIT 500`),
		now.Add(-reconcileAfter), now)
	if err != nil {
		return n, fmt.Errorf("find unsettled payments: %w", err)
	}
	var errs []error
	for _, o := range open {
		after, err := s.Sync(ctx, o.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if string(after.Status) != o.Status {
			n++
		}
	}
	return n, errors.Join(errs...)
}

func (s *Service) reread(ctx context.Context, id int64) (Attempt, error) {
	r, err := attemptWhere(ctx, s.d.Write(), "id = ?", id)
	if err != nil {
		return Attempt{}, wrap("read payment attempt", id, err)
	}
	return r.attempt(), nil
}

// record stores an event outside any transaction; a failure to record is
// logged, not returned, so it never hides the outcome it describes.
func (s *Service) record(ctx context.Context, e event) {
	if err := insertEvent(ctx, s.d.Write(), e, s.stamp()); err != nil {
		s.log.ErrorContext(ctx, "payment event not recorded", "attempt_id", e.AttemptID, "kind", e.Kind, "err", err)
	}
}

func (s *Service) setFailed(ctx context.Context, q db.Querier, id int64, code, msg string) {
	_, err := q.ExecContext(ctx, q.Rebind(`UPDATE payment_attempts SET status = 'failed', failure_code = ?,
		failure_message = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending')`),
		clip(code, 64), clip(msg, 300), s.stamp(), id)
	if err != nil {
		s.log.ErrorContext(ctx, "payment failure not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setFailedAs(ctx context.Context, id int64, st AttemptStatus, code, msg string) {
	_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = ?, failure_code = ?,
		failure_message = ?, claimed_until = NULL, updated_at = ? WHERE id = ? AND status IN ('prepared', 'confirming', 'pending', 'awaiting_deposit')`),
		st, code, msg, s.stamp(), id)
	if err != nil {
		s.log.ErrorContext(ctx, "payment status not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setStatusFrom(ctx context.Context, id int64, st AttemptStatus, from ...string) {
	args := []any{st, s.stamp(), id}
	for _, f := range from {
		args = append(args, f)
	}
	_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = ?, claimed_until = NULL,
		updated_at = ? WHERE id = ? AND status IN (`+db.Placeholders(len(from))+`)`), args...)
	if err != nil {
		s.log.ErrorContext(ctx, "payment status not recorded", "attempt_id", id, "err", err)
	}
}

func (s *Service) setProviderID(ctx context.Context, id int64, ppid string) {
	if ppid == "" {
		return
	}
	_, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET provider_payment_id = ?
		WHERE id = ? AND provider_payment_id IS NULL`), ppid, id)
	if err != nil {
		s.log.ErrorContext(ctx, "provider's payment id not recorded", "attempt_id", id, "err", err)
	}
}

// release hands a claimed attempt back as pending, for a later look-up.
func (s *Service) release(ctx context.Context, id int64) {
	s.setStatusFrom(ctx, id, AttemptPending, "confirming", "prepared")
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// SyncAttempt is Sync for the job queue (jobs.PaymentSyncer).
func (s *Service) SyncAttempt(ctx context.Context, id int64) error {
	_, err := s.Sync(ctx, id)
	return err
}
