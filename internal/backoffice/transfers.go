package backoffice

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/payment"
)

// The refunds-to-send section (환불 대기): refunds of money that came by
// bank transfer, which no provider sends back. Staff send each to the
// customer's account from the shop's bank and record it on the order page;
// the list shows the account whole, as staff need it to send the money, so
// it sits behind account.PermOrders like the orders themselves.

// transfersLimit bounds the list, oldest first.
const transfersLimit = 200

// transferRow is one refund waiting to be sent.
type transferRow struct {
	Number   string
	OrderURL string
	Amount   string
	Account  accountView
	Reason   string
	Asked    string
}

// awaitingTransfers lists the refunds staff still have to send.
func (h *Handler) awaitingTransfers(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	rs, err := h.deps.Payments.AwaitingTransfers(ctx, transfersLimit)
	if err != nil {
		return err
	}
	rows := make([]transferRow, 0, len(rs))
	for _, rf := range rs {
		row := transferRow{Number: "#" + strconv.FormatInt(rf.OrderID, 10), OrderURL: h.url("/orders/" + strconv.FormatInt(rf.OrderID, 10)),
			Amount: m.Won(rf.Amount), Reason: rf.Reason, Asked: m.Time(rf.CreatedAt)}
		if a := rf.Account; a != nil {
			row.Account = accountView{Bank: payment.BankName(a.Bank), Number: a.Account, Holder: a.Holder}
		}
		o, err := h.deps.Orders.AdminGet(ctx, rf.OrderID)
		switch {
		case err == nil:
			row.Number = o.Number
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		rows = append(rows, row)
	}
	p := h.page(r, m, u, m.T("transfers.title"), "transfers")
	h.render(w, r, http.StatusOK, transfersPage(p, rows, len(rs) >= transfersLimit))
	return nil
}
