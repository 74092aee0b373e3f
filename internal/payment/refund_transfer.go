package payment

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/crypt"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// RecordRefundTransfer records, for staff member by, that they sent refund
// refundID, which waited for a transfer (RefundAwaitingTransfer), to the
// customer's account, with an optional memo (at most MaxTransferMemo
// characters). The refund becomes done and the payment refunded; a refund
// of lines (not a cancellation, whose order changed when it was asked for)
// now moves the order too. The event and "payment.refund_transferred" in
// the audit log are written in the same transaction, and the customer is
// emailed. Errors: fault.ErrNotFound for an unknown refund;
// fault.ErrConflict for one that is not waiting for a transfer (recorded
// already); *fault.Invalid ("memo").
func (s *Service) RecordRefundTransfer(ctx context.Context, by audit.Actor, refundID int64, memo string) (Refund, error) {
	memo = strings.TrimSpace(memo)
	v := &fault.Invalid{}
	switch {
	case !utf8.ValidString(memo) || strings.ContainsFunc(memo, unicode.IsControl):
		v.Add("memo", "must not contain line breaks or control characters")
	case utf8.RuneCountInString(memo) > MaxTransferMemo:
		v.Add("memo", fmt.Sprintf("must be at most %d characters", MaxTransferMemo))
	}
	if err := v.Err(); err != nil {
		return Refund{}, err
	}
	row, err := refundByID(ctx, s.d.Read(), refundID)
	if err != nil {
		return Refund{}, wrap("record transfer of refund", refundID, err)
	}
	if row.Status != RefundAwaitingTransfer {
		return Refund{}, fmt.Errorf("refund %d is %s, not waiting for a transfer: %w", refundID, row.Status, fault.ErrConflict)
	}
	rf, err := s.openRefund(row)
	if err != nil {
		return Refund{}, err
	}
	o, err := s.deps.Orders.AdminGet(ctx, row.OrderID)
	if err != nil {
		return Refund{}, wrap("record transfer of refund", refundID, err)
	}
	staff := order.Staff(by)
	var plan order.RefundPlan
	if !row.Cancel {
		lines, err := refundLines(ctx, s.d.Read(), refundID)
		if err != nil {
			return Refund{}, err
		}
		if plan, err = s.deps.Orders.PlanRefund(ctx, row.OrderID, lines); err != nil {
			return Refund{}, wrap("record transfer of refund", refundID, err)
		}
		plan.Points = row.Points
	}
	to := ""
	if rf.Account != nil {
		to = rf.Account.Masked()
	}
	now := s.stamp()
	err = s.d.InTx(ctx, func(q db.Querier) error {
		changed, err := markTransferred(ctx, q, refundID, by.UserID, memo, now)
		if err != nil {
			return err
		}
		if !changed {
			return fmt.Errorf("refund %d was recorded meanwhile: %w", refundID, fault.ErrConflict)
		}
		if err := s.deps.Sales.Refunded(ctx, q, refundID); err != nil {
			return err
		}
		if err := settleRefundedAttempt(ctx, q, row.AttemptID, now); err != nil {
			return err
		}
		// The money went back: the cash receipt of the sale drops by it.
		if err := s.refundCashReceipt(ctx, q, row.OrderID, row.Amount, now); err != nil {
			return err
		}
		if err := insertEvent(ctx, q, event{AttemptID: row.AttemptID, Kind: evRefund, Outcome: "ok",
			Detail: fmt.Sprintf("%d won sent to %s (transfer)", row.Amount, to), By: ByStaff, ActorID: by.UserID}, now); err != nil {
			return err
		}
		if !row.Cancel {
			if err := s.deps.Orders.ApplyRefund(ctx, q, plan, staff, row.Reason); err != nil {
				return err
			}
		}
		d := map[string]any{"number": o.Number, "refund_id": refundID, "amount": row.Amount, "to": to}
		if memo != "" {
			d["memo"] = memo
		}
		if err := s.audited(ctx, q, auditEntry(staff, "payment.refund_transferred", row.OrderID, d)); err != nil {
			return err
		}
		rf.Status, rf.ProviderRefundID = RefundDone, "transfer"
		rf.TransferredBy, rf.TransferredAt, rf.TransferMemo = by.UserID, now, memo
		plan.UserID, plan.Number = o.UserID, o.Number // a cancellation planned nothing
		return s.mailRefund(ctx, q, plan, rf, "transfer")
	})
	if err != nil {
		return Refund{}, wrap("record transfer of refund", refundID, err)
	}
	s.log.InfoContext(ctx, "refund transferred", "order_id", row.OrderID, "refund_id", refundID, "staff_id", by.UserID)
	return rf, nil
}

// Refunds lists the refunds of order orderID, oldest first, their accounts
// decrypted.
func (s *Service) Refunds(ctx context.Context, orderID int64) ([]Refund, error) {
	rows, err := refundsOfOrder(ctx, s.d.Read(), orderID)
	if err != nil {
		return nil, err
	}
	return s.openRefunds(rows)
}

// AwaitingTransfers lists, oldest first, up to limit refunds staff still
// have to send by bank transfer, their accounts decrypted, for the back
// office.
func (s *Service) AwaitingTransfers(ctx context.Context, limit int) ([]Refund, error) {
	rows, err := awaitingTransfers(ctx, s.d.Read(), limit)
	if err != nil {
		return nil, err
	}
	return s.openRefunds(rows)
}

func (s *Service) openRefunds(rows []refundRow) ([]Refund, error) {
	out := make([]Refund, 0, len(rows))
	for _, r := range rows {
		rf, err := s.openRefund(r)
		if err != nil {
			return nil, err
		}
		out = append(out, rf)
	}
	return out, nil
}

// openRefund is r with its account decrypted.
func (s *Service) openRefund(r refundRow) (Refund, error) {
	rf := Refund{ID: r.ID, AttemptID: r.AttemptID, OrderID: r.OrderID, Amount: r.Amount, Withheld: r.Withheld, Points: r.Points,
		Cancel: r.Cancel, Status: r.Status, ProviderRefundID: r.PRID, FailureMessage: r.Failure, Reason: r.Reason,
		ActorKind: r.ActorKind, ActorID: r.ActorID.Int64, TransferredBy: r.TransferredBy.Int64,
		TransferMemo: r.TransferMemo, CreatedAt: r.CreatedAt.UTC()}
	if r.TransferredAt.Valid {
		rf.TransferredAt = r.TransferredAt.Time.UTC()
	}
	if r.Bank != "" {
		acc := BankAccount{Bank: r.Bank, Account: r.NumberEnc, Holder: r.HolderEnc}
		if err := crypt.OpenFields(s.deps.Keyring, r.ID, []crypt.Field{
			{Column: refundNumberColumn, Value: &acc.Account}, {Column: refundHolderColumn, Value: &acc.Holder},
		}); err != nil {
			return Refund{}, fmt.Errorf("open refund %d: %w", r.ID, err)
		}
		rf.Account = &acc
	}
	return rf, nil
}

// storeAccount encrypts acc for refund id and stores it on q.
func (s *Service) storeAccount(ctx context.Context, q db.Querier, id int64, acc BankAccount) error {
	number, err := refundNumberColumn.Encrypt(s.deps.Keyring, id, acc.Account)
	if err != nil {
		return err
	}
	holder, err := refundHolderColumn.Encrypt(s.deps.Keyring, id, acc.Holder)
	if err != nil {
		return err
	}
	return setRefundAccount(ctx, q, id, acc.Bank, number, holder)
}
