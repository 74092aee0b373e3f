package payment

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// Transfer is a bank transfer chosen at checkout, checked by
// PrepareTransfer, for RecordTransfer to store with the order it pays.
type Transfer struct {
	Depositor   string              // "" for the recipient's name
	CashReceipt *CashReceiptRequest // nil for none asked
	// Due is when the deposit must have arrived; the order waits until
	// then.
	Due time.Time
	at  time.Time
}

// PrepareTransfer checks a bank transfer chosen at checkout before
// anything is placed and returns it with its deadline.
//
// Errors: *fault.Invalid under "payment_method" when bank transfer is not
// offered, "depositor" and "cash_receipt_*".
func (s *Service) PrepareTransfer(depositor string, receipt *CashReceiptRequest) (Transfer, error) {
	v := &fault.Invalid{}
	if !s.Enabled(BankTransfer) {
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
	return Transfer{Depositor: depositor, CashReceipt: receipt, Due: now.Add(s.cfg.DepositWithin), at: now}, nil
}

// RecordTransfer stores, on q, the placing transaction, the transfer t
// that pays order o, which was placed waiting for the deposit: the attempt
// with the shop's account, the amount, the deadline and the depositor, and
// the cash receipt due.
func (s *Service) RecordTransfer(ctx context.Context, q db.Querier, o order.Order, t Transfer) (Attempt, error) {
	if o.Status != order.AwaitingDeposit {
		return Attempt{}, fmt.Errorf("record transfer for order %d, which is %s: %w", o.ID, o.Status, fault.ErrConflict)
	}
	a, err := s.recordTransfer(ctx, q, o, t.Depositor, t.CashReceipt, t.Due, t.at)
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
