package payment

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// The answers to a deposit confirmation that finds no transfer awaited
// because the order is paid: both are fault.ErrConflict.
var (
	// ErrDepositConfirmed means the order's bank transfer was confirmed
	// already (a second click, another staff member at the same time).
	ErrDepositConfirmed = fmt.Errorf("the deposit was confirmed already: %w", fault.ErrConflict)
	// ErrOrderPaid means another payment (a card, a virtual account) paid
	// the order, which closed its transfer: money that arrived in the
	// shop's account anyway must be sent back by hand.
	ErrOrderPaid = fmt.Errorf("the order was paid by another payment: %w", fault.ErrConflict)
)

// ConfirmDeposit records, for staff member by, that the bank transfer of
// order orderID arrived from depositor, and moves the order to paid; the
// confirmation is recorded as "payment.deposit_confirmed" in the audit log
// in the same transaction.
//
// However many confirmations of one order arrive at once, one pays it: the
// transaction holds the order's row (order.Service.HoldForPayment) before it
// reads the awaited transfer, so the others find the order paid and return
// ErrDepositConfirmed. Errors: ErrDepositConfirmed; ErrOrderPaid when
// another payment paid the order; fault.ErrNotFound when the order has no
// transfer waiting (never had one, or it was closed when the order was
// cancelled); fault.ErrConflict when the order was cancelled meanwhile (its
// deadline passed): the money must then be sent back by hand.
func (s *Service) ConfirmDeposit(ctx context.Context, by audit.Actor, orderID int64, depositor string) (Attempt, error) {
	staffID := by.UserID
	depositor = clip(strings.TrimSpace(depositor), MaxDepositor)
	now := s.stamp()
	var a Attempt
	err := s.d.InTx(ctx, func(q db.Querier) error {
		if _, err := s.deps.Orders.HoldForPayment(ctx, q, orderID); err != nil {
			return err
		}
		r, err := attemptWhere(ctx, q, "order_id = ? AND provider = ? AND status = 'awaiting_deposit'", orderID, BankTransfer)
		if errors.Is(err, fault.ErrNotFound) {
			return noTransferAwaited(ctx, q, orderID)
		}
		if err != nil {
			return err
		}
		a = r.attempt()
		if a.Deposit == nil {
			a.Deposit = &DepositInfo{}
		}
		if depositor != "" {
			a.Deposit.Depositor = depositor
		}
		a.Deposit.ConfirmedBy = staffID
		dep, err := json.Marshal(a.Deposit)
		if err != nil {
			return err
		}
		changed, err := markTransferPaid(ctx, q, a.ID, dep, now)
		if err != nil {
			return err
		}
		if !changed {
			return fmt.Errorf("the transfer of order %d was settled meanwhile: %w", orderID, fault.ErrConflict)
		}
		if err := insertEvent(ctx, q, event{AttemptID: a.ID, Kind: evDeposit, Outcome: "confirmed",
			Detail: "depositor " + a.Deposit.Depositor, By: ByStaff, ActorID: staffID}, now); err != nil {
			return err
		}
		if _, err := s.deps.Orders.MarkPaid(ctx, q, orderID, order.Staff(by), "입금 확인"); err != nil {
			return err
		}
		if err := s.mailPaid(ctx, q, orderID, a, methodName(a)); err != nil {
			return err
		}
		// The money is in: the receipt due may be issued now.
		if err := s.queueCashReceipt(ctx, q, orderID); err != nil {
			return err
		}
		return s.audited(ctx, q, by.Entry("payment.deposit_confirmed", "order", strconv.FormatInt(orderID, 10),
			map[string]any{"number": OrderNumber(a.Reference), "attempt_id": a.ID, "amount": a.Amount}))
	})
	if s.d.Dialect.IsUniqueViolation(err) {
		// The one-paid index: another attempt holds the payment. The hold
		// makes this unreachable unless a transfer was left awaited on a
		// paid order, which is still no reason for a 500.
		err = fmt.Errorf("order %d: %w", orderID, ErrOrderPaid)
	}
	if err != nil {
		return Attempt{}, wrap("confirm deposit of order", orderID, err)
	}
	s.log.InfoContext(ctx, "bank transfer confirmed", "order_id", orderID, "staff_id", staffID)
	return s.reread(ctx, a.ID)
}

// noTransferAwaited says, on q, why order orderID has no bank transfer
// awaited: ErrDepositConfirmed when its transfer paid it, ErrOrderPaid when
// another payment did, and fault.ErrNotFound otherwise.
func noTransferAwaited(ctx context.Context, q db.Querier, orderID int64) error {
	r, err := capturedAttempt(ctx, q, orderID, 0)
	switch {
	case errors.Is(err, fault.ErrNotFound):
		return fmt.Errorf("order %d has no bank transfer awaited: %w", orderID, fault.ErrNotFound)
	case err != nil:
		return err
	case r.Provider == BankTransfer:
		return fmt.Errorf("order %d: %w", orderID, ErrDepositConfirmed)
	default:
		return fmt.Errorf("order %d: %w", orderID, ErrOrderPaid)
	}
}
