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

// PlaceByTransfer places a checkout that pays by bank transfer, with the
// transfer, in one transaction: the order waits for the deposit from the
// start, with the shop's account, the deadline, the depositor and the cash
// receipt recorded. Bad transfer details are refused before anything is
// placed. A repeated checkout returns the first order and its transfer.
//
// Errors: as order.Service.Place, and *fault.Invalid under
// "payment_method" when bank transfer is not offered, "depositor" and
// "cash_receipt_*".
func (s *Service) PlaceByTransfer(ctx context.Context, in order.PlaceInput, depositor string, receipt *CashReceiptRequest) (order.Order, Attempt, error) {
	v := &fault.Invalid{}
	if !s.Enabled(BankTransfer) {
		v.Add("payment_method", "is not a way to pay this shop offers")
	}
	depositor, receipt, err := s.checkTransfer(depositor, receipt, v)
	if err != nil {
		return order.Order{}, Attempt{}, err
	}
	if err := v.Err(); err != nil {
		return order.Order{}, Attempt{}, err
	}
	now := s.stamp()
	due := now.Add(s.cfg.DepositWithin)
	var a Attempt
	in.PaymentMethod, in.AwaitDepositUntil = BankTransfer, due
	in.Then = func(ctx context.Context, q db.Querier, o order.Order) error {
		if o.Status != order.AwaitingDeposit {
			return nil // points paid it all
		}
		var err error
		a, err = s.recordTransfer(ctx, q, o, depositor, receipt, due, now)
		return err
	}
	o, err := s.deps.Orders.Place(ctx, in)
	if err != nil {
		return order.Order{}, Attempt{}, err
	}
	if o.Repeated && o.Status == order.AwaitingDeposit {
		// A repeated checkout: the first one's transfer.
		as, err := attemptsOf(ctx, s.d.Read(), o.ID)
		if err != nil {
			return order.Order{}, Attempt{}, err
		}
		for _, x := range as {
			if x.Provider == BankTransfer && x.Status == AttemptAwaitingDeposit {
				a = x
			}
		}
	}
	return o, a, nil
}
