package payment

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// ConfirmDeposit records, for staff member by, that the bank transfer of
// order orderID arrived from depositor, and moves the order to paid; the
// confirmation is recorded as "payment.deposit_confirmed" in the audit log
// in the same transaction. Errors: fault.ErrNotFound when the order has no
// transfer waiting; fault.ErrConflict when the order was cancelled
// meanwhile (its deadline passed): the money must then be sent back by hand.
func (s *Service) ConfirmDeposit(ctx context.Context, by audit.Actor, orderID int64, depositor string) (Attempt, error) {
	staffID := by.UserID
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
		return s.audited(ctx, q, by.Entry("payment.deposit_confirmed", "order", strconv.FormatInt(orderID, 10),
			map[string]any{"number": OrderNumber(a.Reference), "attempt_id": a.ID, "amount": a.Amount}))
	})
	if err != nil {
		return Attempt{}, wrap("confirm deposit of order", orderID, err)
	}
	s.log.InfoContext(ctx, "bank transfer confirmed", "order_id", orderID, "staff_id", staffID)
	return s.reread(ctx, a.ID)
}
