package backoffice

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// The order page's payment actions: confirming a bank transfer, refunding
// lines, retrying a refund whose outcome was unknown, recording the
// transfer of a refund staff sent by hand, and cancelling a paid order with
// its money back. The payment service writes every audit entry in the
// transaction of the change it records.

// confirmDeposit records that the bank transfer of an order arrived, from
// the depositor typed (the name the customer gave when empty), and so
// marks the order paid.
func (h *Handler) confirmDeposit(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	depositor := strings.TrimSpace(r.PostFormValue("depositor"))
	note := orderNote{Status: http.StatusUnprocessableEntity, Form: "deposit", Depositor: clipRunes(depositor, payment.MaxDepositor+10)}
	switch {
	case utf8.RuneCountInString(depositor) > payment.MaxDepositor:
		note.Fields = map[string]string{"depositor": m.F("pay.depositor.long", payment.MaxDepositor)}
	case strings.ContainsFunc(depositor, unicode.IsControl):
		note.Fields = map[string]string{"depositor": fieldText(m, "must not contain control characters")}
	}
	if note.Fields != nil {
		note.Error = m.T("form.fix")
		return h.showOrder(w, r, m, u, note)
	}
	a, err := h.deps.Payments.ConfirmDeposit(ctx, staffActor(r, u), id, depositor)
	switch {
	case err == nil:
		h.log.InfoContext(ctx, "deposit confirmed in the back office", "actor_id", u.ID, "order_id", id, "attempt_id", a.ID)
		return h.orderDone(w, r, id, doneDeposit)
	case errors.Is(err, fault.ErrNotFound):
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusConflict, Error: m.T("pay.deposit.none")})
	case errors.Is(err, payment.ErrDepositConfirmed):
		// A second click, or a colleague's at the same time: the first
		// one paid the order.
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusConflict, Error: m.T("pay.deposit.confirmed")})
	case errors.Is(err, payment.ErrOrderPaid):
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusConflict, Error: m.T("pay.deposit.paid")})
	case errors.Is(err, fault.ErrConflict):
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusConflict, Error: m.T("pay.deposit.conflict")})
	default:
		return err
	}
}

// refundOrder refunds the lines ticked on the refund form, for the reason
// given, through the provider that took the money.
func (h *Handler) refundOrder(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	note := orderNote{Status: http.StatusUnprocessableEntity, Form: "refund", Reason: clipRunes(reason, payment.MaxRefundReason+50),
		Fields: map[string]string{}}
	for _, s := range r.PostForm["line"] {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			note.Fields["refund_lines"] = m.T("pay.lines.bad")
			continue
		}
		if !slices.Contains(note.Lines, n) && len(note.Lines) < 1000 {
			note.Lines = append(note.Lines, n)
		}
	}
	if len(note.Lines) == 0 && note.Fields["refund_lines"] == "" {
		note.Fields["refund_lines"] = m.T("pay.lines.none")
	}
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		note.Fields["refund_reason"] = m.T("pay.reason.required")
	case n > payment.MaxRefundReason:
		note.Fields["refund_reason"] = m.F("pay.reason.long", payment.MaxRefundReason)
	}
	if len(note.Fields) > 0 {
		note.Error = m.T("form.fix")
		return h.showOrder(w, r, m, u, note)
	}
	note.Account = payment.BankAccount{Bank: strings.TrimSpace(r.PostFormValue("refund_bank")),
		Account: clipRunes(strings.TrimSpace(r.PostFormValue("refund_number")), 40),
		Holder:  clipRunes(strings.TrimSpace(r.PostFormValue("refund_holder")), payment.MaxAccountHolder+10)}
	in := payment.RefundInput{OrderID: id, LineIDs: note.Lines, Reason: reason, Actor: order.Staff(staffActor(r, u))}
	if note.Account != (payment.BankAccount{}) {
		in.Account = &note.Account
	}
	rf, err := h.deps.Payments.Refund(ctx, in)
	if err != nil {
		return h.refundFailed(w, r, m, u, note, err)
	}
	h.log.InfoContext(ctx, "order refunded in the back office", "actor_id", u.ID, "order_id", id, "refund_id", rf.ID)
	if rf.Status == payment.RefundAwaitingTransfer {
		return h.orderDone(w, r, id, doneRefundAwaiting)
	}
	return h.orderDone(w, r, id, doneRefund)
}

// retryRefund asks the provider again for a refund of the order whose
// outcome was unknown; the payment service reuses its idempotency key, so
// it cannot refund twice.
func (h *Handler) retryRefund(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	refundID, err := strconv.ParseInt(r.PathValue("refund"), 10, 64)
	if id == 0 || err != nil || refundID < 1 {
		return fault.ErrNotFound
	}
	if err := h.ownRefund(r, id, refundID); err != nil {
		return err
	}
	if _, err := h.deps.Payments.RetryRefund(ctx, refundID, order.Staff(staffActor(r, u))); err != nil {
		return h.refundFailed(w, r, m, u, orderNote{}, err)
	}
	h.log.InfoContext(ctx, "refund retried in the back office", "actor_id", u.ID, "order_id", id, "refund_id", refundID)
	return h.orderDone(w, r, id, doneRefund)
}

// ownRefund returns fault.ErrNotFound unless refund refundID is one of
// order orderID's: a URL naming another order's refund acts on nothing.
func (h *Handler) ownRefund(r *http.Request, orderID, refundID int64) error {
	rs, err := h.deps.Payments.Refunds(r.Context(), orderID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(rs, func(rf payment.Refund) bool { return rf.ID == refundID }) {
		return fault.ErrNotFound
	}
	return nil
}

// recordTransfer records that the staff member sent a refund waiting for a
// transfer to the customer's account, with an optional memo; the refund is
// then done, the customer emailed.
func (h *Handler) recordTransfer(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	refundID, err := strconv.ParseInt(r.PathValue("refund"), 10, 64)
	if id == 0 || err != nil || refundID < 1 {
		return fault.ErrNotFound
	}
	if err := h.ownRefund(r, id, refundID); err != nil {
		return err
	}
	memo := strings.TrimSpace(r.PostFormValue("memo"))
	note := orderNote{Status: http.StatusUnprocessableEntity, Form: "transfer", MemoFor: refundID,
		Memo: clipRunes(memo, payment.MaxTransferMemo+10)}
	_, err = h.deps.Payments.RecordRefundTransfer(ctx, staffActor(r, u), refundID, memo)
	if inv, ok := fault.AsInvalid(err); ok {
		note.Error = m.T("form.fix")
		note.Fields = map[string]string{}
		for k, msg := range inv.Fields {
			note.Fields["transfer_"+k] = fieldText(m, msg)
		}
		return h.showOrder(w, r, m, u, note)
	}
	if errors.Is(err, fault.ErrConflict) {
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusConflict, Error: m.T("pay.transfer.conflict")})
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(ctx, "refund transfer recorded in the back office", "actor_id", u.ID, "order_id", id, "refund_id", refundID)
	return h.orderDone(w, r, id, doneTransfer)
}

// cancelPaid cancels paid order o, which has not shipped, for reason: the
// payment service refunds it whole and the order ends cancelled. Money that
// came by bank transfer needs the customer's account, which the refund form
// takes; the status form sends staff there.
func (h *Handler) cancelPaid(w http.ResponseWriter, r *http.Request, m *messages, u account.User, o order.Order, reason string) error {
	ctx := r.Context()
	_, err := h.deps.Payments.Cancel(ctx, payment.CancelInput{OrderID: o.ID, Actor: order.Staff(staffActor(r, u)), Reason: reason})
	if inv, ok := fault.AsInvalid(err); ok && inv.Fields[payment.FieldRefundNumber] != "" {
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusUnprocessableEntity, Error: m.T("pay.cancel.account")})
	}
	if err != nil {
		return h.refundFailed(w, r, m, u, orderNote{}, err)
	}
	h.log.InfoContext(ctx, "paid order cancelled and refunded in the back office", "actor_id", u.ID, "order_id", o.ID)
	return h.orderDone(w, r, o.ID, doneCancelled)
}

// refundFailed shows why a refund (or a cancellation that refunds) did not
// happen: the provider's refusal with its code and message, an unknown
// outcome to retry, a conflict, or the form's messages next to their
// fields (note carries what was typed).
func (h *Handler) refundFailed(w http.ResponseWriter, r *http.Request, m *messages, u account.User, note orderNote, err error) error {
	if d, ok := payment.AsDeclined(err); ok {
		note.Status, note.Error = http.StatusUnprocessableEntity, m.F("pay.declined", d.Code, d.Message)
		return h.showOrder(w, r, m, u, note)
	}
	switch {
	case errors.Is(err, payment.ErrRefundPending):
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusAccepted, Error: m.T("pay.pending")})
	case errors.Is(err, fault.ErrConflict):
		note.Status, note.Error = http.StatusConflict, m.T("pay.conflict")
		return h.showOrder(w, r, m, u, note)
	default:
		inv, ok := fault.AsInvalid(err)
		if !ok {
			return err
		}
		note.Status, note.Error = http.StatusUnprocessableEntity, invalidText(m, inv)
		if note.Form == "refund" {
			note.Error = m.T("form.fix")
			note.Fields = map[string]string{}
			for k, msg := range inv.Fields {
				note.Fields["refund_"+k] = fieldText(m, msg)
			}
		}
		return h.showOrder(w, r, m, u, note)
	}
}

// clipRunes cuts s to at most n characters, for showing back what was
// typed.
func clipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
