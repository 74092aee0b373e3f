package backoffice

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Orders is what the back office needs of the order service;
// *order.Service implements it. A change by staff is audited by the
// service, in its transaction.
type Orders interface {
	AdminList(ctx context.Context, f order.AdminFilter) ([]order.Order, int, error)
	// List returns a customer's orders, newest first.
	List(ctx context.Context, userID int64, limit, offset int) ([]order.Order, error)
	AdminGet(ctx context.Context, orderID int64) (order.Order, error)
	History(ctx context.Context, orderID int64) ([]order.HistoryEntry, error)
	Transition(ctx context.Context, orderID int64, to order.Status, actor order.Actor, reason string) (order.Order, error)
	Ship(ctx context.Context, orderID int64, carrierCode, trackingNumber string, actor order.Actor) (order.Order, error)
	// BulkTransition and Export serve the list's bulk status change and
	// export (ordersearch.go).
	BulkTransition(ctx context.Context, ids []int64, to order.Status, actor order.Actor, reason string) (order.BulkResult, error)
	Export(ctx context.Context, w io.Writer, format string, f order.AdminFilter, by audit.Actor) (int, error)
	// AddNote and Notes keep staff's internal notes on an order.
	AddNote(ctx context.Context, by audit.Actor, orderID int64, body string) (order.Note, error)
	Notes(ctx context.Context, orderID int64) ([]order.Note, error)
	// Shipments serve the shipment upload (shipments.go).
	Shipments
}

// option is one choice of a select.
type option struct {
	Value    string
	Label    string
	Selected bool
}

// statusLabel names status s in m's language.
func statusLabel(m *messages, s order.Status) string { return m.T("status." + string(s)) }

// labelOr is the text of prefix+value, or value itself when there is none
// (a payment method the back office does not know by name).
func labelOr(m *messages, prefix, value string) string {
	if t := m.T(prefix + value); t != prefix+value {
		return t
	}
	return value
}

// orderView is what the page of one order shows.
type orderView struct {
	Order       order.Order
	Label       string
	Customer    string
	CustomerURL string
	Pay         string
	Channel     string
	Lines       []lineView
	Amounts     []amountView
	Shipments   []shipmentView
	History     []historyView
	Actions     []actionView
	// CanShip: the order may be shipped now (paid or preparing).
	CanShip  bool
	ShipURL  string
	Carriers []option
	Tracking string
	Errors   map[string]string
	Error    string
	BackURL  string
	// Payment is the payment panel.
	Payment *paymentView
	// Notes are staff's internal notes; NoteURL adds one, NoteBody and
	// NoteError are a refused note's text and why.
	Notes     []noteView
	NoteURL   string
	NoteBody  string
	NoteError string
}

// noteView is one internal note.
type noteView struct {
	Who, Time, Body string
}

type lineView struct {
	Name, Options, SKU, Unit, Total, Discount, Status string
	Quantity                                          int64
	Gift                                              bool
}

type amountView struct {
	Label, Value string
	Strong       bool
}

type shipmentView struct {
	Carrier, Number, URL, Shipped, Delivered string
}

type historyView struct {
	Time, From, To, Who, Reason string
}

// actionView is one change of status staff may make from here.
type actionView struct {
	To     string
	Label  string
	URL    string
	Danger bool
	// Reason: the form asks why (required for a cancellation).
	Reason bool
}

// orderNote is what a page of an order says after a form: the status, a
// notice or an error, the messages per field of the form and what was
// typed there.
type orderNote struct {
	Status   int
	Notice   string
	Error    string
	Fields   map[string]string
	Carrier  string
	Tracking string
	// NoteBody and NoteError: an internal note that was refused.
	NoteBody  string
	NoteError string
	// Form names the payment form posted ("deposit", "refund"), whose
	// typed values follow.
	Form      string
	Depositor string
	Reason    string
	Lines     []int64
	// Account is the refund account typed on the refund form.
	Account payment.BankAccount
	// Memo is what was typed on the transfer form of refund MemoFor.
	Memo    string
	MemoFor int64
}

// order shows one order: lines, amounts, address, shipments, history and
// the changes staff may make.
func (h *Handler) order(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.showOrder(w, r, m, u, orderNote{Status: http.StatusOK})
}

// pathID reads the {id} of the path; 0 when it is not an id.
func pathID(r *http.Request) int64 {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0
	}
	return id
}

func (h *Handler) showOrder(w http.ResponseWriter, r *http.Request, m *messages, u account.User, note orderNote) error {
	ctx := r.Context()
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	o, err := h.deps.Orders.AdminGet(ctx, id)
	if err != nil {
		return err
	}
	hist, err := h.deps.Orders.History(ctx, id)
	if err != nil {
		return err
	}
	notes, err := h.deps.Orders.Notes(ctx, id)
	if err != nil {
		return err
	}
	carriers, err := h.deps.Shipping.Carriers(ctx)
	if err != nil {
		return err
	}
	base := h.url("/orders/" + strconv.FormatInt(o.ID, 10))
	v := orderView{
		Order: o, Label: statusLabel(m, o.Status), Customer: "#" + strconv.FormatInt(o.UserID, 10),
		Pay: labelOr(m, "pay.", o.PaymentMethod), Channel: labelOr(m, "channel.", string(o.Channel)),
		ShipURL: base + "/ship", Tracking: note.Tracking, Errors: note.Fields, Error: note.Error, BackURL: h.url("/orders"),
		NoteURL: base + "/notes", NoteBody: note.NoteBody, NoteError: note.NoteError,
	}
	for _, n := range notes {
		who := n.AuthorEmail
		if n.AuthorName != "" {
			who = n.AuthorName + " <" + n.AuthorEmail + ">"
		}
		v.Notes = append(v.Notes, noteView{Who: who, Time: m.Time(n.CreatedAt), Body: n.Body})
	}
	if c, err := h.deps.Accounts.User(ctx, o.UserID); err == nil {
		v.Customer = c.Email
		if c.Name != "" {
			v.Customer = c.Name + " <" + c.Email + ">"
		}
	} else if !errors.Is(err, fault.ErrNotFound) {
		return err
	}
	if u.Can(account.PermCustomers) {
		v.CustomerURL = h.url("/users/" + strconv.FormatInt(o.UserID, 10))
	}
	for _, l := range o.Lines {
		v.Lines = append(v.Lines, lineView{Name: l.Name, Options: l.Options, SKU: l.SKU, Unit: m.Won(l.UnitPrice), Quantity: l.Quantity,
			Total: m.Won(l.LineTotal), Discount: m.Won(l.Discount), Status: statusLabel(m, l.Status), Gift: l.Gift})
	}
	v.Amounts = []amountView{
		{Label: m.T("ord.subtotal"), Value: m.Won(o.Subtotal)},
		{Label: m.T("ord.grade_discount"), Value: "−" + m.Won(o.GradeDiscount)},
		{Label: m.T("ord.discount"), Value: "−" + m.Won(o.Discount)},
		{Label: m.T("ord.shipping"), Value: m.Won(o.Shipping)},
		{Label: m.T("ord.remote"), Value: m.Won(o.RemoteSurcharge)},
		{Label: m.T("ord.points.used"), Value: "−" + m.Won(o.PointsUsed)},
		{Label: m.T("ord.total"), Value: m.Won(o.Total), Strong: true},
		{Label: m.T("ord.points.earn"), Value: m.Won(o.PointsToEarn)},
	}
	names := map[string]string{}
	for _, c := range carriers {
		names[c.Code] = c.Name
	}
	for _, sh := range o.Shipments {
		name := names[sh.CarrierCode]
		if name == "" {
			name = labelOr(m, "carrier.", sh.CarrierCode)
		}
		v.Shipments = append(v.Shipments, shipmentView{Carrier: name, Number: sh.TrackingNumber, URL: sh.TrackingURL,
			Shipped: m.Time(sh.ShippedAt), Delivered: m.Time(sh.DeliveredAt)})
	}
	for _, e := range hist {
		who := m.T("actor." + string(e.Actor.Kind))
		if e.Actor.ID != 0 {
			who += " #" + strconv.FormatInt(e.Actor.ID, 10)
		}
		from := "–"
		if e.From != "" {
			from = statusLabel(m, e.From)
		}
		v.History = append(v.History, historyView{Time: m.Time(e.CreatedAt), From: from, To: statusLabel(m, e.To), Who: who,
			Reason: labelOr(m, "reason.", e.Reason)})
	}
	if v.Payment, err = h.paymentPanel(ctx, m, o, note); err != nil {
		return err
	}
	for _, to := range order.Statuses {
		if to == order.Shipped || !order.Allowed(o.Status, to, order.ByStaff) || order.ReturnStatus(o.Status, to) {
			continue
		}
		// A waiting transfer is confirmed with the deposit form, and a
		// payment taken is refunded with the refund form, so the money and
		// the order move together.
		if to == order.Paid && v.Payment.Deposit != nil {
			continue
		}
		if (to == order.Refunded || to == order.PartiallyRefunded) && v.Payment.Captured {
			continue
		}
		v.Actions = append(v.Actions, actionView{To: string(to), Label: m.F("ord.to", statusLabel(m, to)), URL: base + "/status",
			Danger: to == order.Cancelled, Reason: to == order.Cancelled})
	}
	v.CanShip = order.Allowed(o.Status, order.Shipped, order.ByStaff)
	for _, c := range carriers {
		v.Carriers = append(v.Carriers, option{Value: c.Code, Label: c.Name, Selected: c.Code == note.Carrier})
	}
	p := h.page(r, m, u, m.F("ord.one", o.Number), "orders")
	p.Notice = note.Notice
	if note.Notice == "" && r.Method == http.MethodGet {
		p.Notice = doneNotice(m, o, r.URL.Query())
	}
	h.render(w, r, note.Status, orderPage(p, v))
	return nil
}

// setOrderStatus changes an order's status as staff, audited in the
// change's transaction. A change the table of transitions refuses, or one
// that lost a race, is answered 409 with the order as it is now.
func (h *Handler) setOrderStatus(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	to := order.Status(r.PostFormValue("to"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	bad := orderNote{Status: http.StatusUnprocessableEntity}
	switch {
	case !to.Valid():
		bad.Error = m.T("ord.bad.status")
	case to == order.Shipped:
		bad.Error = m.T("ord.use.ship")
	case to == order.Cancelled && reason == "":
		bad.Error = m.T("ord.reason.required")
	case utf8.RuneCountInString(reason) > order.MaxReason:
		bad.Error = m.F("ord.reason.long", order.MaxReason)
	}
	if bad.Error != "" {
		return h.showOrder(w, r, m, u, bad)
	}
	if to == order.Cancelled || to == order.Paid {
		cur, err := h.deps.Orders.AdminGet(r.Context(), id)
		if err != nil {
			return err
		}
		if to == order.Cancelled && (cur.Status == order.Paid || cur.Status == order.Preparing) {
			return h.cancelPaid(w, r, m, u, cur, reason)
		}
		if to == order.Paid {
			waiting, err := h.waitingTransfer(r.Context(), id)
			if err != nil {
				return err
			}
			if waiting {
				return h.showOrder(w, r, m, u, orderNote{Status: http.StatusUnprocessableEntity, Error: m.T("pay.use.deposit")})
			}
		}
	}
	o, err := h.deps.Orders.Transition(r.Context(), id, to, order.Staff(staffActor(r, u)), reason)
	switch {
	case err == nil:
		h.log.InfoContext(r.Context(), "order status changed in the back office", "actor_id", u.ID, "order_id", o.ID, "to", string(to))
		return h.orderDone(w, r, id, doneStatus)
	case errors.Is(err, fault.ErrConflict):
		return h.showRefused(w, r, m, u, id, to)
	default:
		if inv, ok := fault.AsInvalid(err); ok {
			return h.showOrder(w, r, m, u, orderNote{Status: http.StatusUnprocessableEntity, Error: invalidText(m, inv)})
		}
		return err
	}
}

// showRefused answers a refused change with the order as it is now and why.
func (h *Handler) showRefused(w http.ResponseWriter, r *http.Request, m *messages, u account.User, id int64, to order.Status) error {
	o, err := h.deps.Orders.AdminGet(r.Context(), id)
	if err != nil {
		return err
	}
	msg := m.F("ord.refused", statusLabel(m, o.Status), statusLabel(m, to))
	if to == order.Shipped {
		msg = m.F("ord.refused.ship", statusLabel(m, o.Status))
	}
	return h.showOrder(w, r, m, u, orderNote{Status: http.StatusConflict, Error: msg})
}

// shipOrder records the parcel of an order (carrier and tracking number) and
// moves it to shipped, audited in the same transaction.
func (h *Handler) shipOrder(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	carrier := cut(strings.TrimSpace(r.PostFormValue("carrier_code")), 32)
	tracking := cut(strings.TrimSpace(r.PostFormValue("tracking_number")), order.MaxTracking+1)
	_, err := h.deps.Orders.Ship(r.Context(), id, carrier, tracking, order.Staff(staffActor(r, u)))
	switch {
	case err == nil:
		h.log.InfoContext(r.Context(), "order shipped in the back office", "actor_id", u.ID, "order_id", id)
		return h.orderDone(w, r, id, doneShipped)
	case errors.Is(err, fault.ErrConflict):
		return h.showRefused(w, r, m, u, id, order.Shipped)
	default:
		inv, ok := fault.AsInvalid(err)
		if !ok {
			return err
		}
		fields := map[string]string{}
		for k, msg := range inv.Fields {
			fields[k] = fieldText(m, msg)
		}
		return h.showOrder(w, r, m, u, orderNote{Status: http.StatusUnprocessableEntity, Error: invalidText(m, inv), Fields: fields,
			Carrier: carrier, Tracking: tracking})
	}
}

// invalidText joins the messages of inv, translated, for a form that shows
// one error.
func invalidText(m *messages, inv *fault.Invalid) string {
	keys := slices.Sorted(maps.Keys(inv.Fields))
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fieldText(m, inv.Fields[k])
	}
	return strings.Join(out, " ")
}

// fieldText translates a field message of a service (its English text is
// the key), or returns it as it is.
func fieldText(m *messages, msg string) string {
	if rest, ok := strings.CutPrefix(msg, "overlaps the range "); ok {
		return m.F("v.overlaps", rest)
	}
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if line, ok := strings.CutSuffix(rest, " is not a line of this order"); ok {
			return m.F("v.line.foreign", line)
		}
		if line, ok := strings.CutSuffix(rest, " is refunded already"); ok {
			return m.F("v.line.refunded", line)
		}
	}
	return labelOr(m, "v.", msg)
}

// addNote keeps an internal note on the order and goes back to its page
// (a refresh does not add it again); a refused note shows the page again
// with the text and why.
func (h *Handler) addNote(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	body := cut(r.PostFormValue("body"), order.MaxNote*4+1)
	_, err := h.deps.Orders.AddNote(r.Context(), staffActor(r, u), id, body)
	if err == nil {
		return h.orderDone(w, r, id, doneNote)
	}
	inv, ok := fault.AsInvalid(err)
	if !ok {
		return err
	}
	return h.showOrder(w, r, m, u, orderNote{Status: http.StatusUnprocessableEntity, NoteBody: body, NoteError: fieldText(m, inv.Fields["body"])})
}

// What a form of an order's page did, named in the ?done= (or, for notes,
// ?note=) of the page it goes back to, which says so: the page after a
// post is a GET, so a refresh repeats nothing.
const (
	doneStatus         = "status"
	doneShipped        = "shipped"
	doneDeposit        = "deposit"
	doneRefund         = "refund"
	doneRefundAwaiting = "refund-awaiting"
	doneCancelled      = "cancelled"
	doneTransfer       = "transfer"
	doneNote           = "note"
)

// orderDone answers a form of order id's page that succeeded: 303 to the
// page, saying what was done at its top (a note, at the notes).
func (h *Handler) orderDone(w http.ResponseWriter, r *http.Request, id int64, done string) error {
	q := "?done=" + done
	if done == doneNote {
		q = "?note=added#notes" // the address notes have always used
	}
	http.Redirect(w, r, h.url("/orders/"+strconv.FormatInt(id, 10))+q, http.StatusSeeOther)
	return nil
}

// doneNotice is what the page of o says for the ?done= of q: what was done,
// told from the order as it is now (the query carries no amounts or
// numbers, so a link cannot make the page say something false); "" for
// none or one it does not know.
func doneNotice(m *messages, o order.Order, q url.Values) string {
	if q.Get("note") == "added" {
		return m.T("ord.note.added")
	}
	switch q.Get("done") {
	case doneStatus:
		return m.F("ord.changed", statusLabel(m, o.Status))
	case doneShipped:
		var last *order.Shipment
		for i := range o.Shipments {
			if last == nil || !o.Shipments[i].ShippedAt.Before(last.ShippedAt) {
				last = &o.Shipments[i]
			}
		}
		if last == nil {
			return ""
		}
		return m.F("ord.shipped", last.TrackingNumber, statusLabel(m, o.Status))
	case doneDeposit:
		return m.T("ord.done.deposit")
	case doneRefund:
		return m.T("ord.done.refund")
	case doneRefundAwaiting:
		return m.T("ord.done.refund.awaiting")
	case doneCancelled:
		return m.F("pay.cancelled", statusLabel(m, o.Status))
	case doneTransfer:
		return m.T("ord.done.transfer")
	}
	return ""
}
