package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/payment"
)

// The cash receipts section (현금영수증): the receipts due for paid orders,
// oldest first, each with a form to record the number it was issued under
// (through the provider or Hometax); when Toss issues them, the ones on
// their way, those Toss refused with a button to ask again, and the latest
// issued with their number and Toss's page.

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
	// Queued is true for a receipt the job is issuing through the
	// provider: no form, since staff issuing it too would issue it twice.
	Queued bool
	// Failure is the provider's refusal and Retry the form that asks again.
	Failure string
	Retry   string
	// Value and Error are what was typed in this receipt's form and why it
	// was refused.
	Value string
	Error string
}

// issuedView is one receipt issued or closed.
type issuedView struct {
	ID          string
	Number      string
	OrderURL    string
	Purpose     string
	Identity    string
	Amount      string
	Status      string
	Closed      bool
	IssueNumber string
	ReceiptURL  string
	By          string
	Issued      string
	Failure     string
	Retry       string
}

// receiptsView is the cash receipts page.
type receiptsView struct {
	Rows   []receiptView
	Issued []issuedView
	Limit  int
	Max    int
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
			Identity: maskIdentity(c.Identity), Mandatory: !c.Requested, Amount: m.Won(c.Amount), Created: m.Time(c.CreatedAt),
			Action: h.url("/cash-receipts/" + strconv.FormatInt(c.ID, 10) + "/issued")}
		if c.Identity == payment.SelfIssueNumber {
			rv.Identity += " " + m.T("receipt.self")
		}
		rv.Kind = m.T("receipt.requested")
		if !c.Requested {
			rv.Kind = m.F("receipt.mandatory", m.Won(payment.MandatoryCashReceipt))
		}
		o, err := h.deps.Orders.AdminGet(ctx, c.OrderID)
		switch {
		case err == nil:
			rv.Number = o.Number
		case !errors.Is(err, fault.ErrNotFound):
			return err
		}
		switch {
		case c.Status == payment.ReceiptFailed:
			rv.Failure = c.Failure
			if h.deps.Payments.IssuesByAPI() {
				rv.Retry = h.url("/cash-receipts/" + strconv.FormatInt(c.ID, 10) + "/retry")
			}
		case h.deps.Payments.IssuesByAPI():
			// On its way; the button queues it again should the job have
			// given up (the provider unreachable for a day).
			rv.Queued = true
			rv.Retry = h.url("/cash-receipts/" + strconv.FormatInt(c.ID, 10) + "/retry")
		}
		if c.ID == note.ID {
			rv.Value, rv.Error = note.Value, note.Error
			note.Error = ""
		}
		v.Rows = append(v.Rows, rv)
	}
	if v.Issued, err = h.issuedReceipts(ctx, m); err != nil {
		return err
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

// issuedLimit bounds the list of receipts issued.
const issuedLimit = 50

// issuedReceipts is the latest receipts issued or closed, for the page.
func (h *Handler) issuedReceipts(ctx context.Context, m *messages) ([]issuedView, error) {
	cs, err := h.deps.Payments.IssuedCashReceipts(ctx, issuedLimit)
	if err != nil {
		return nil, err
	}
	out := make([]issuedView, 0, len(cs))
	for _, c := range cs {
		id := strconv.FormatInt(c.ID, 10)
		iv := issuedView{ID: id, Number: "#" + strconv.FormatInt(c.OrderID, 10),
			OrderURL: h.url("/orders/" + strconv.FormatInt(c.OrderID, 10)), Purpose: labelOr(m, "receipt.", c.Purpose),
			Identity: maskIdentity(c.Identity), Amount: m.Won(c.Amount), IssueNumber: c.IssueNumber, Failure: c.Failure,
			By: m.T("receipt.by.hand"), Closed: c.Status == payment.ReceiptCancelled}
		if c.Identity == payment.SelfIssueNumber {
			iv.Identity += " " + m.T("receipt.self")
		}
		if c.Provider != "" {
			iv.By = labelOr(m, "receipt.by.", c.Provider)
		}
		// Only the provider's own https pages are linked.
		if strings.HasPrefix(c.ReceiptURL, "https://") {
			iv.ReceiptURL = c.ReceiptURL
		}
		if !c.IssuedAt.IsZero() {
			iv.Issued = m.Time(c.IssuedAt)
		}
		switch {
		case c.Status == payment.ReceiptCancelled && c.IssueNumber == "":
			iv.Status = m.T("receipt.status.closed")
		case c.Status == payment.ReceiptCancelled:
			iv.Status = m.T("receipt.status.cancelled")
		case c.Cancelled > 0:
			iv.Status = m.F("receipt.status.partial", m.Won(c.Cancelled))
		case c.CancelDue > c.Cancelled && c.Provider == "":
			iv.Status = m.F("receipt.status.cancel_due", m.Won(c.CancelDue-c.Cancelled))
		default:
			iv.Status = m.T("receipt.status.issued")
		}
		if c.Failure != "" && h.deps.Payments.IssuesByAPI() {
			iv.Retry = h.url("/cash-receipts/" + id + "/retry")
		}
		o, err := h.deps.Orders.AdminGet(ctx, c.OrderID)
		switch {
		case err == nil:
			iv.Number = o.Number
		case !errors.Is(err, fault.ErrNotFound):
			return nil, err
		}
		out = append(out, iv)
	}
	return out, nil
}

// retryCashReceipt asks the provider again for a receipt it refused; the
// payment service audits it and queues the job.
func (h *Handler) retryCashReceipt(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	err := h.deps.Payments.RetryCashReceipt(ctx, staffActor(r, u), id)
	switch {
	case err == nil:
		h.log.InfoContext(ctx, "cash receipt retried in the back office", "actor_id", u.ID, "cash_receipt_id", id)
		return h.showReceipts(w, r, m, u, receiptsNote{Status: http.StatusOK, Notice: m.T("receipt.retried")})
	case errors.Is(err, fault.ErrConflict), errors.Is(err, fault.ErrNotFound):
		return h.showReceipts(w, r, m, u, receiptsNote{Status: http.StatusConflict, Error: m.T("receipt.retry.gone")})
	default:
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
