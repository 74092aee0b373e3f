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
// lines, retrying a refund whose outcome was unknown, and cancelling a paid
// order with its money back. A confirmation is audited by the payment
// service in its transaction;
// refunds and cancellations, whose provider call sits between
// transactions, are audited right after they succeed.

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
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusOK, Notice: m.F("pay.deposit.done", won(a.Amount))})
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
	o, err := h.deps.Orders.AdminGet(ctx, id)
	if err != nil {
		return err
	}
	rf, err := h.deps.Payments.Refund(ctx, payment.RefundInput{OrderID: id, LineIDs: note.Lines, Reason: reason, Actor: order.Staff(staffActor(r, u))})
	if err == nil || errors.Is(err, payment.ErrRefundPending) {
		h.auditRefund(r, u, "order.refunded", o, rf, note.Lines, reason)
	}
	if err != nil {
		return h.refundFailed(w, r, m, u, note, err)
	}
	h.log.InfoContext(ctx, "order refunded in the back office", "actor_id", u.ID, "order_id", id, "refund_id", rf.ID)
	return h.showOrder(w, r, m, u, orderNote{Status: http.StatusOK, Notice: m.F("pay.refund.done", won(rf.Amount), won(rf.Points))})
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
	o, err := h.deps.Orders.AdminGet(ctx, id)
	if err != nil {
		return err
	}
	rs, err := h.deps.Payments.Refunds(ctx, id)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(rs, func(rf payment.Refund) bool { return rf.ID == refundID }) {
		return fault.ErrNotFound // another order's refund
	}
	rf, err := h.deps.Payments.RetryRefund(ctx, refundID, order.Staff(staffActor(r, u)))
	if err == nil || errors.Is(err, payment.ErrRefundPending) {
		rf.ID = refundID
		h.auditRefund(r, u, "order.refund_retried", o, rf, nil, "")
	}
	if err != nil {
		return h.refundFailed(w, r, m, u, orderNote{}, err)
	}
	h.log.InfoContext(ctx, "refund retried in the back office", "actor_id", u.ID, "order_id", id, "refund_id", refundID)
	return h.showOrder(w, r, m, u, orderNote{Status: http.StatusOK, Notice: m.F("pay.refund.done", won(rf.Amount), won(rf.Points))})
}

// cancelPaid cancels paid order o, which has not shipped, for reason: the
// payment service refunds it whole and the order ends cancelled.
func (h *Handler) cancelPaid(w http.ResponseWriter, r *http.Request, m *messages, u account.User, o order.Order, reason string) error {
	ctx := r.Context()
	got, err := h.deps.Payments.Cancel(ctx, o.ID, order.Staff(staffActor(r, u)), reason)
	if err != nil {
		if errors.Is(err, payment.ErrRefundPending) {
			h.record(r, staffActor(r, u).Entry("order.refunded", "order", strconv.FormatInt(o.ID, 10),
				map[string]any{"number": o.Number, "status": "requested", "reason": reason, "cancel": true}))
		}
		return h.refundFailed(w, r, m, u, orderNote{}, err)
	}
	h.record(r, staffActor(r, u).Entry("order.status_changed", "order", strconv.FormatInt(o.ID, 10),
		map[string]any{"number": o.Number, "from": string(o.Status), "to": string(got.Status), "reason": reason, "refunded": true}))
	h.log.InfoContext(ctx, "paid order cancelled and refunded in the back office", "actor_id", u.ID, "order_id", o.ID)
	return h.showOrder(w, r, m, u, orderNote{Status: http.StatusOK, Notice: m.F("pay.cancelled", statusLabel(m, got.Status))})
}

// auditRefund records refund rf of order o: done, or requested when the
// provider did not answer (the money may have gone back).
func (h *Handler) auditRefund(r *http.Request, u account.User, action string, o order.Order, rf payment.Refund, lines []int64, reason string) {
	d := map[string]any{"number": o.Number, "refund_id": rf.ID, "amount": rf.Amount, "points": rf.Points, "status": rf.Status}
	if len(lines) > 0 {
		d["lines"] = lines
	}
	if reason != "" {
		d["reason"] = reason
	}
	h.record(r, staffActor(r, u).Entry(action, "order", strconv.FormatInt(o.ID, 10), d))
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
