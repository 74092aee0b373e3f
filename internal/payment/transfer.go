package payment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

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
func (s *Service) recordTransfer(ctx context.Context, q db.Querier, o order.Order, bank BankAccount, depositor string,
	receipt *CashReceiptRequest, due, now time.Time) (Attempt, error) {
	if depositor == "" {
		// Most transfers come from the person the order is for.
		depositor = clip(o.Address.Recipient, MaxDepositor)
	}
	a := Attempt{OrderID: o.ID, Provider: BankTransfer, Reference: newReference(o.Number), Status: AttemptAwaitingDeposit,
		Amount: o.Total, TaxFree: o.TaxFree, ChargeCurrency: "KRW", ChargeMinor: o.Total, Method: "무통장입금",
		Deposit: &DepositInfo{Bank: bank.Bank, Account: bank.Account, Holder: bank.Holder,
			Due: due, Depositor: depositor, Notice: s.cfg.BuyerProtection}}
	dep, err := json.Marshal(a.Deposit)
	if err != nil {
		return Attempt{}, err
	}
	if a.ID, err = insertAttempt(ctx, q, a, dep, now); err != nil {
		return Attempt{}, err
	}
	a.CreatedAt, a.UpdatedAt = now, now
	// The attempt row is the record of a transfer's start (its deposit
	// holds the account, amount and deadline): no provider answered, so
	// no event is written.
	return a, s.recordCashReceipt(ctx, q, o, a.Reference, receipt, now)
}

// ErrPaymentInProgress refuses a bank transfer for an order whose payment
// through a provider is being confirmed or waits for the provider's word:
// that payment may have taken the money, and the customer should not be
// asked to transfer it again. A window only opened (prepared) does not
// refuse it.
var ErrPaymentInProgress = fmt.Errorf("a payment of the order is being settled with its provider: %w", fault.ErrConflict)

// errTransferAwaited ends a transaction that found the order waiting for a
// deposit already: a start that came first recorded its transfer.
var errTransferAwaited = errors.New("the order waits for a deposit already")

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
	terms := s.terms(ctx)
	due := now.Add(terms.DepositWithin)
	var a Attempt
	err = s.d.InTx(ctx, func(q db.Querier) error {
		// The order is read again under its lock: the status read before
		// may be stale by now (a double tap's first request committed).
		st, err := s.deps.Orders.HoldForPayment(ctx, q, o.ID)
		switch {
		case err != nil:
			return err
		case st == order.AwaitingDeposit:
			return errTransferAwaited
		case st != order.PendingPayment:
			return fmt.Errorf("order %d is %s, not waiting for payment: %w", o.ID, st, fault.ErrConflict)
		}
		if n, err := settlingAttempts(ctx, q, o.ID); err != nil || n > 0 {
			if err == nil {
				err = fmt.Errorf("order %d: %w", o.ID, ErrPaymentInProgress)
			}
			return err
		}
		if err := s.deps.Orders.AwaitDeposit(ctx, q, o.ID, due, order.Customer(o.UserID), "무통장입금 선택"); err != nil {
			return err
		}
		if a, err = s.recordTransfer(ctx, q, o, terms.Bank, depositor, receipt, due, now); err != nil {
			return err
		}
		return s.mailTransfer(ctx, q, o, a)
	})
	switch {
	case err == nil:
	case errors.Is(err, errTransferAwaited) || s.d.Dialect.IsUniqueViolation(err):
		// A repeated start (a double tap, a client's retry): the first
		// one's transfer is the answer. The partial unique index on the
		// awaited transfers is the database's word that there is one.
		return s.repeatedTransfer(ctx, o.ID)
	case errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound):
		return Started{}, err
	default:
		return Started{}, fmt.Errorf("start bank transfer for order %d: %w", o.ID, err)
	}
	s.log.InfoContext(ctx, "order awaits bank transfer", "order_id", o.ID, "due", due)
	return Started{Attempt: a}, nil
}

// repeatedTransfer answers a repeated start of a bank transfer for order
// orderID with the transfer the order waits for, or fault.ErrConflict when
// it waits for another deposit (a provider's virtual account).
func (s *Service) repeatedTransfer(ctx context.Context, orderID int64) (Started, error) {
	a, ok, err := s.AwaitedTransfer(ctx, orderID)
	if err != nil {
		return Started{}, err
	}
	if !ok {
		return Started{}, fmt.Errorf("order %d waits for another deposit: %w", orderID, fault.ErrConflict)
	}
	return Started{Attempt: a}, nil
}

// Transfer is a bank transfer chosen at checkout, checked by
// PrepareTransfer, for RecordTransfer to store with the order it pays.
type Transfer struct {
	Depositor   string              // "" for the recipient's name
	CashReceipt *CashReceiptRequest // nil for none asked
	// Due is when the deposit must have arrived; the order waits until
	// then.
	Due time.Time
	at  time.Time
	// bank is the account the transfer goes to, as the settings named it
	// when the checkout was prepared.
	bank BankAccount
}

// PrepareTransfer checks a bank transfer chosen at checkout before
// anything is placed and returns it with its deadline.
//
// Errors: *fault.Invalid under "payment_method" when bank transfer is not
// offered, "depositor" and "cash_receipt_*".
func (s *Service) PrepareTransfer(ctx context.Context, depositor string, receipt *CashReceiptRequest) (Transfer, error) {
	v := &fault.Invalid{}
	if !s.Enabled(ctx, BankTransfer) {
		v.Add("payment_method", "is not a way to pay this shop offers")
	}
	depositor, receipt, err := s.checkTransfer(depositor, receipt, v)
	if err != nil {
		return Transfer{}, err
	}
	if err := v.Err(); err != nil {
		return Transfer{}, err
	}
	now := s.stamp()
	terms := s.terms(ctx)
	return Transfer{Depositor: depositor, CashReceipt: receipt, Due: now.Add(terms.DepositWithin), at: now, bank: terms.Bank}, nil
}

// RecordTransfer stores, on q, the placing transaction, the transfer t
// that pays order o, which was placed waiting for the deposit: the attempt
// with the shop's account, the amount, the deadline and the depositor, and
// the cash receipt due.
func (s *Service) RecordTransfer(ctx context.Context, q db.Querier, o order.Order, t Transfer) (Attempt, error) {
	if o.Status != order.AwaitingDeposit {
		return Attempt{}, fmt.Errorf("record transfer for order %d, which is %s: %w", o.ID, o.Status, fault.ErrConflict)
	}
	a, err := s.recordTransfer(ctx, q, o, t.bank, t.Depositor, t.CashReceipt, t.Due, t.at)
	if err != nil {
		return Attempt{}, fmt.Errorf("record transfer for order %d: %w", o.ID, err)
	}
	return a, nil
}

// AwaitedTransfer returns the bank transfer order orderID waits for, if
// there is one.
func (s *Service) AwaitedTransfer(ctx context.Context, orderID int64) (Attempt, bool, error) {
	as, err := attemptsOf(ctx, s.d.Read(), orderID)
	if err != nil {
		return Attempt{}, false, fmt.Errorf("transfer of order %d: %w", orderID, err)
	}
	for _, a := range as {
		if a.Provider == BankTransfer && a.Status == AttemptAwaitingDeposit {
			return a, true, nil
		}
	}
	return Attempt{}, false, nil
}
