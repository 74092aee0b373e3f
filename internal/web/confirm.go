package web

import (
	"errors"
	"net/http"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
)

// orderConfirm is the customer's 구매확정 of a delivered order: it
// completes and its points are credited. Pressed twice (two tabs), the
// second says it is confirmed already.
func (h *Handler) orderConfirm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	_, err = h.acc.Orders.ConfirmPurchase(r.Context(), u.ID, o.ID)
	switch {
	case errors.Is(err, fault.ErrConflict):
		h.sessions.Put(r.Context(), cartErrorKey, lc.T("order.cannot_confirm"))
	case err != nil:
		return err
	case o.PointsToEarn > 0:
		h.sessions.Put(r.Context(), flashKey, lc.F("order.confirmed_points", money.Won(o.PointsToEarn).Number()))
	default:
		h.sessions.Put(r.Context(), flashKey, lc.T("order.confirmed"))
	}
	http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
	return nil
}
