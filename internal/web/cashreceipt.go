package web

import (
	"errors"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// A customer may ask for a cash receipt (현금영수증) after ordering, on the
// order page, while the bank transfer is awaited or within
// payment.CashReceiptRequestDays of the payment; the payment service
// decides, this only offers the form when it would say yes.

// mayAskReceipt reports whether the order page offers the cash-receipt form
// for order o, paid (or to be paid) by one of as, whose receipt is rc
// (rcErr fault.ErrNotFound when there is none).
func (h *Handler) mayAskReceipt(o order.Order, as []payment.Attempt, rc payment.CashReceipt, rcErr error) bool {
	if o.Status == order.Cancelled || o.Status == order.Refunded {
		return false
	}
	if !o.PaidAt.IsZero() && h.cfg.Now().Sub(o.PaidAt) > payment.CashReceiptRequestDays*24*time.Hour {
		return false
	}
	transfer := false
	for _, a := range as {
		if a.Provider == payment.BankTransfer && a.Refunded == 0 &&
			(a.Status == payment.AttemptAwaitingDeposit || a.Status.Captured()) {
			transfer = true
		}
	}
	switch {
	case !transfer:
		return false
	case errors.Is(rcErr, fault.ErrNotFound):
		return true
	case rcErr != nil:
		return false
	}
	// The self-issue receipt of an order not paid yet gives way to the
	// customer's own number.
	return rc.Status == payment.ReceiptPending && !rc.Requested && o.PaidAt.IsZero()
}

// orderCashReceipt records the customer's request for a cash receipt for
// their order, then shows the order again with what happened.
func (h *Handler) orderCashReceipt(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	req := payment.CashReceiptRequest{Purpose: r.PostFormValue("cash_receipt_purpose"), Identity: r.PostFormValue("cash_receipt_identity")}
	_, err = h.acc.Payments.RequestCashReceipt(r.Context(), u.ID, o.ID, req)
	inv, invalid := fault.AsInvalid(err)
	switch {
	case err == nil:
		h.sessions.Put(r.Context(), flashKey, lc.T("pay.cash_receipt.asked"))
	case invalid:
		// The form has two fields: their messages go at the top of the
		// page, in a stable order.
		keys := make([]string, 0, len(inv.Fields))
		for k := range inv.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		msgs := make([]string, 0, len(keys))
		for _, k := range keys {
			msgs = append(msgs, lc.T("pay."+k)+": "+lc.T(inv.Fields[k]))
		}
		h.sessions.Put(r.Context(), cartErrorKey, strings.Join(msgs, " · "))
	case errors.Is(err, payment.ErrReceiptTooLate):
		h.sessions.Put(r.Context(), cartErrorKey, lc.T("pay.cash_receipt.late"))
	case errors.Is(err, fault.ErrConflict), errors.Is(err, fault.ErrNotFound):
		h.sessions.Put(r.Context(), cartErrorKey, lc.T("pay.cash_receipt.exists"))
	default:
		return err
	}
	http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
	return nil
}
