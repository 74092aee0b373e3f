package backoffice

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/payment"
)

// The cash receipts section (현금영수증): the receipts due for paid orders,
// oldest first, each with a form to record the number it was issued under
// (through the provider or Hometax).

// receiptsLimit bounds the list; a shop with more due has a backlog to
// clear first.
const receiptsLimit = 200

// maxIssueNumber is the longest issue number accepted, in bytes (the
// payment service's limit).
const maxIssueNumber = 64

// receiptView is one receipt due.
type receiptView struct {
	ID        string
	Number    string
	OrderURL  string
	Purpose   string
	Identity  string
	Kind      string
	Mandatory bool
	Amount    string
	Created   string
	Action    string
	// Value and Error are what was typed in this receipt's form and why it
	// was refused.
	Value string
	Error string
}

// receiptsView is the cash receipts page.
type receiptsView struct {
	Rows  []receiptView
	Limit int
	Max   int
	// Error is a refusal that belongs to no row shown.
	Error string
}

// receiptsNote is what the page says after a form: the receipt the form
// was for, what was typed and why it was refused.
type receiptsNote struct {
	Status int
	Notice string
	ID     int64
	Value  string
	Error  string
}

// cashReceipts lists the cash receipts due.
func (h *Handler) cashReceipts(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showReceipts(w, r, m, u, receiptsNote{Status: http.StatusOK})
}

func (h *Handler) showReceipts(w http.ResponseWriter, r *http.Request, m *messages, u account.User, note receiptsNote) error {
	ctx := r.Context()
	cs, err := h.deps.Payments.PendingCashReceipts(ctx, receiptsLimit)
	if err != nil {
		return err
	}
	v := receiptsView{Limit: receiptsLimit, Max: maxIssueNumber}
	for _, c := range cs {
		rv := receiptView{ID: strconv.FormatInt(c.ID, 10), Number: "#" + strconv.FormatInt(c.OrderID, 10),
			OrderURL: h.url("/orders/" + strconv.FormatInt(c.OrderID, 10)), Purpose: labelOr(m, "receipt.", c.Purpose),
			Identity: maskIdentity(c.Identity), Mandatory: !c.Requested, Amount: won(c.Amount), Created: m.Time(c.CreatedAt),
			Action: h.url("/cash-receipts/" + strconv.FormatInt(c.ID, 10) + "/issued")}
		if c.Identity == payment.SelfIssueNumber {
			rv.Identity += " " + m.T("receipt.self")
		}
		rv.Kind = m.T("receipt.requested")
		if !c.Requested {
			rv.Kind = m.F("receipt.mandatory", money.Won(payment.MandatoryCashReceipt).String())
		}
		o, err := h.deps.Orders.AdminGet(ctx, c.OrderID)
		switch {
		case err == nil:
			rv.Number = o.Number
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		if c.ID == note.ID {
			rv.Value, rv.Error = note.Value, note.Error
			note.Error = ""
		}
		v.Rows = append(v.Rows, rv)
	}
	v.Error = note.Error
	p := h.page(r, m, u, m.T("receipt.title"), "receipts")
	p.Notice = note.Notice
	h.render(w, r, note.Status, receiptsPage(p, v))
	return nil
}

// issueCashReceipt records the issue number of a receipt due; the payment
// service audits it.
func (h *Handler) issueCashReceipt(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	number := strings.TrimSpace(r.PostFormValue("issue_number"))
	bad := receiptsNote{Status: http.StatusUnprocessableEntity, ID: id, Value: cut(number, maxIssueNumber+16)}
	switch {
	case number == "":
		bad.Error = m.T("receipt.number.required")
	case len(number) > maxIssueNumber:
		bad.Error = m.F("receipt.number.long", maxIssueNumber)
	}
	if bad.Error != "" {
		return h.showReceipts(w, r, m, u, bad)
	}
	err := h.deps.Payments.MarkCashReceiptIssued(ctx, staffActor(r, u), id, number)
	switch {
	case err == nil:
		h.log.InfoContext(ctx, "cash receipt issued in the back office", "actor_id", u.ID, "cash_receipt_id", id)
		return h.showReceipts(w, r, m, u, receiptsNote{Status: http.StatusOK, Notice: m.F("receipt.done", number)})
	case errors.Is(err, fault.ErrConflict), errors.Is(err, fault.ErrNotFound):
		return h.showReceipts(w, r, m, u, receiptsNote{Status: http.StatusConflict, Error: m.T("receipt.gone")})
	default:
		if inv, ok := fault.AsInvalid(err); ok {
			bad.Error = invalidText(m, inv)
			return h.showReceipts(w, r, m, u, bad)
		}
		return err
	}
}

// maskIdentity hides all but the last four digits of a phone, card or
// business number ("*******5678"); a shorter one is hidden whole.
func maskIdentity(s string) string {
	n := len(s)
	if n <= 4 {
		return strings.Repeat("*", n)
	}
	return strings.Repeat("*", n-4) + s[n-4:]
}
