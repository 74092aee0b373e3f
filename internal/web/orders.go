package web

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/checkout"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Checkout prices and places orders; *checkout.Service implements it.
type Checkout interface {
	Preview(ctx context.Context, in order.PlaceInput) (order.Preview, error)
	Place(ctx context.Context, in checkout.Input) (checkout.Placed, error)
}

// Orders is what the order pages need; *order.Service implements it.
type Orders interface {
	List(ctx context.Context, userID int64, limit, offset int) ([]order.Order, error)
	ByNumber(ctx context.Context, userID int64, number string) (order.Order, error)
	History(ctx context.Context, orderID int64) ([]order.HistoryEntry, error)
	ConfirmPurchase(ctx context.Context, userID, orderID int64) (order.Order, error)
}

// ordersPerPage is the length of the order history page.
const ordersPerPage = 20

// registerOrders adds checkout and the order pages.
func (h *Handler) registerOrders(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /checkout", s(h.signedIn(h.checkoutForm)))
	mux.Handle("POST /checkout", s(h.signedIn(h.checkout)))
	mux.Handle("GET /account/orders", s(h.signedIn(h.orderList)))
	mux.Handle("GET /account/orders/{number}", s(h.signedIn(h.orderPage)))
	mux.Handle("GET /account/orders/{number}/receipt", s(h.signedIn(h.orderReceipt)))
	mux.Handle("POST /account/orders/{number}/cancel", s(h.signedIn(h.orderCancel)))
	mux.Handle("POST /account/orders/{number}/confirm", s(h.signedIn(h.orderConfirm)))
}

// checkoutView is the checkout page.
type checkoutView struct {
	Key        string
	Addresses  []address.Address
	AddressSel string // an address id, or "new"
	New        address.Input
	Note       string
	Coupon     string
	Points     string
	Payment    string
	Choice     *payChoice
	Lines      []cartLineView
	Amounts    []amountRow
	Total      string
	// Shown is the total as the page shows it, sent back with the form so
	// that placing refuses a total the customer has not seen.
	Shown int64
	// RemoteUnknown says the checkout has no postcode yet, so a remote-area
	// surcharge may still be added.
	RemoteUnknown bool
	Earn          string
	Balance       string
	Problems      map[string]string
	Error         string
	Fields        map[string]string // field errors of the address form
}

type amountRow struct {
	Label, Value, TestID string
	Minus                bool
}

// newKey is a checkout's idempotency key, one per page view.
func newKey() string { return rand.Text() }

// checkoutInput reads the checkout form into the order input.
func checkoutInput(r *http.Request, u account.User) (order.PlaceInput, *checkoutView) {
	v := &checkoutView{
		Key: r.PostFormValue("key"), AddressSel: r.PostFormValue("address"), Note: r.PostFormValue("note"),
		Coupon: r.PostFormValue("coupon"), Points: r.PostFormValue("points"), Payment: r.PostFormValue("payment"),
		New: address.Input{Recipient: r.PostFormValue("recipient"), Phone: r.PostFormValue("phone"), Postcode: r.PostFormValue("postcode"),
			Line1: r.PostFormValue("line1"), Line2: r.PostFormValue("line2")},
	}
	in := order.PlaceInput{UserID: u.ID, IdempotencyKey: v.Key, DeliveryNote: v.Note, CouponCode: strings.TrimSpace(v.Coupon),
		PaymentMethod: v.Payment, Channel: channelOf(r)}
	if v.AddressSel == "new" {
		in.Address = &order.Address{Recipient: v.New.Recipient, Phone: v.New.Phone, Postcode: v.New.Postcode, Line1: v.New.Line1, Line2: v.New.Line2}
	} else if id, err := strconv.ParseInt(v.AddressSel, 10, 64); err == nil && id > 0 {
		in.AddressID = id
	}
	if t, err := strconv.ParseInt(r.PostFormValue("total"), 10, 64); err == nil {
		in.ExpectedTotal = &t
	}
	if p := strings.ReplaceAll(strings.TrimSpace(v.Points), ",", ""); p != "" {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n < 0 {
			v.Fields = map[string]string{"points": "must be a whole number"}
		} else {
			in.PointsToUse = n
		}
	}
	return in, v
}

// channelOf tells a phone's browser from a computer's, for the order's
// channel in statistics.
func channelOf(r *http.Request) order.Channel {
	if strings.Contains(r.UserAgent(), "Mobi") {
		return order.MobileWeb
	}
	return order.PCWeb
}

// fillCheckout prices the checkout and fills the page around it.
func (h *Handler) fillCheckout(ctx context.Context, r *http.Request, lc *locale, u account.User, in order.PlaceInput, v *checkoutView) error {
	as, err := h.acc.Addresses.List(ctx, u.ID)
	if err != nil {
		return err
	}
	v.Addresses = as
	if v.AddressSel == "" {
		v.AddressSel = "new"
		for _, a := range as {
			if a.IsDefault {
				v.AddressSel = strconv.FormatInt(a.ID, 10)
				in.AddressID = a.ID
			}
		}
	}
	if v.Choice == nil {
		v.Choice = &payChoice{Fields: map[string]string{}}
	}
	choice := h.newPayChoice(lc, r, v.Payment)
	choice.Fields = v.Choice.Fields
	v.Choice = choice
	p, err := h.acc.Checkout.Preview(ctx, in)
	if err != nil {
		return err
	}
	b := p.Breakdown
	v.Problems = map[string]string{}
	for _, pr := range b.Problems {
		v.Problems[pr.Field] = lc.T(pr.Message)
	}
	for _, pl := range b.Lines {
		lv := cartLineView{Price: lc.Won(pl.UnitPrice), Total: lc.Won(pl.LineTotal), URL: productURL(pl.ProductID)}
		lv.Name, lv.Quantity = pl.Name, pl.Quantity
		if pl.Gift {
			lv.Problem = lc.T("checkout.gift")
		}
		v.Lines = append(v.Lines, lv)
	}
	v.Amounts = amountRows(lc, b.Subtotal, b.GradeDiscount, b.Discount, b.Shipping, b.RemoteSurcharge, b.PointsUsed)
	v.Total, v.Shown, v.Earn = lc.Won(b.Total), b.Total, money.Won(b.PointsToEarn).Number()
	v.RemoteUnknown = p.Postcode == ""
	v.Balance = money.Won(p.PointsBalance).Number()
	return nil
}

// historyReason is a history entry's reason as the customer reads it: the
// shop's own reasons in the customer's language, a person's as written.
func historyReason(lc *locale, reason string) string {
	if s, ok := lc.static["reason."+reason]; ok {
		return s
	}
	return reason
}

// amountRows lists a breakdown's amounts above the total, the same on the
// checkout and the order pages; zero discounts and surcharges are left out.
func amountRows(lc *locale, subtotal, grade, discount, shipping, remote, pointsUsed int64) []amountRow {
	rows := []amountRow{{Label: lc.T("checkout.subtotal"), Value: lc.Won(subtotal), TestID: "subtotal"}}
	if grade > 0 {
		rows = append(rows, amountRow{Label: lc.T("checkout.grade_discount"), Value: lc.Won(grade), TestID: "grade-discount", Minus: true})
	}
	if discount > 0 {
		rows = append(rows, amountRow{Label: lc.T("checkout.discount"), Value: lc.Won(discount), TestID: "discount", Minus: true})
	}
	rows = append(rows, amountRow{Label: lc.T("checkout.shipping"), Value: lc.Won(shipping), TestID: "shipping"})
	if remote > 0 {
		rows = append(rows, amountRow{Label: lc.T("checkout.remote"), Value: lc.Won(remote), TestID: "remote"})
	}
	if pointsUsed > 0 {
		rows = append(rows, amountRow{Label: lc.T("checkout.points_used"), Value: lc.Won(pointsUsed), TestID: "points-used", Minus: true})
	}
	return rows
}

func (h *Handler) checkoutForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	in, v := checkoutInput(r, u)
	v.Key = newKey()
	in.IdempotencyKey = v.Key
	if err := h.prefillCheckout(r.Context(), u, &in, v); err != nil {
		return err
	}
	return h.renderCheckout(w, r, lc, u, in, v, http.StatusOK)
}

// renderCheckout prices and shows the checkout page; an empty selection
// goes back to the cart with why.
func (h *Handler) renderCheckout(w http.ResponseWriter, r *http.Request, lc *locale, u account.User, in order.PlaceInput, v *checkoutView, status int) error {
	if err := h.fillCheckout(r.Context(), r, lc, u, in, v); err != nil {
		if inv, ok := fault.AsInvalid(err); ok && inv.Fields["cart"] != "" {
			h.sessions.Put(r.Context(), cartErrorKey, lc.T("select at least one product"))
			http.Redirect(w, r, "/cart", http.StatusSeeOther)
			return nil
		}
		return err
	}
	p := h.accountPage(r, lc, lc.T("checkout.title"), "/checkout")
	h.allowPostcode(w, p)
	h.render(w, r, lc, status, checkoutPage(p, v))
	return nil
}

func (h *Handler) checkout(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	in, v := checkoutInput(r, u)
	if v.Key == "" {
		v.Key = newKey()
		in.IdempotencyKey = v.Key
	}
	for f, m := range v.Fields { // the form itself is malformed (points not a number)
		v.Fields[f] = lc.T(m)
	}
	if r.PostFormValue("action") != "place" {
		return h.renderCheckout(w, r, lc, u, in, v, http.StatusOK)
	}
	if len(v.Fields) > 0 {
		v.Error = lc.T("checkout.fix")
		return h.renderCheckout(w, r, lc, u, in, v, http.StatusUnprocessableEntity)
	}
	pin := startInput(r, order.Order{}, u)
	placed, err := h.acc.Checkout.Place(r.Context(), checkout.Input{PlaceInput: in, Depositor: pin.Depositor, CashReceipt: pin.CashReceipt})
	o := placed.Order
	if err != nil {
		inv, ok := fault.AsInvalid(err)
		if !ok {
			return err
		}
		v.Fields = map[string]string{}
		v.Choice = &payChoice{Fields: map[string]string{}}
		for f, m := range inv.Fields {
			v.Fields[f] = lc.T(m)
			if f == "payment_method" || f == "depositor" || strings.HasPrefix(f, "cash_receipt_") {
				v.Choice.Fields[f] = lc.T(m)
			}
			switch f {
			case "cart":
				v.Error = lc.F("checkout.sold_out", m)
			case "total":
				v.Error = lc.T("checkout.total_changed")
			}
		}
		if v.Error == "" {
			v.Error = lc.T("checkout.fix")
		}
		return h.renderCheckout(w, r, lc, u, in, v, http.StatusUnprocessableEntity)
	}
	// The confirmation rides in the address rather than the session, so a
	// placed order costs no session write.
	switch {
	case o.Status == order.Paid: // points paid it all
		http.Redirect(w, r, "/account/orders/"+o.Number+"?placed=1", http.StatusSeeOther)
	case o.Status == order.PendingPayment:
		return h.startPayment(w, r, lc, u, o, startInput(r, o, u))
	case o.Status == order.AwaitingDeposit: // this checkout submitted again
		http.Redirect(w, r, "/account/orders/"+o.Number+"?deposit=1", http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
	}
	return nil
}

// orderView is an order as its pages show it.
type orderView struct {
	O        order.Order
	Status   string
	Lines    []cartLineView
	Amounts  []amountRow
	Total    string
	Placed   string
	History  []historyRow
	Cancel   bool
	Flash    string
	Error    string
	Payment  string
	Tracking []link
	// Confirm offers 구매확정 (a delivered order), with the points it earns.
	Confirm     bool
	ConfirmEarn string
	Pay         *paymentPanel
	// Returns is the returns part: the request button of a delivered
	// order and the requests made; nil when there is neither.
	Returns *returnsPanel
	// CancelForm is the cancel form when the customer may cancel (Cancel).
	CancelForm *cancelForm
	// Taxable and TaxFree split the total when part of it is VAT-exempt
	// ("" otherwise); Supply and VAT split the taxable part for receipts.
	Taxable, TaxFree, Supply, VAT string
}

type historyRow struct{ When, Status, Reason string }

// cancelForm is the cancel form of an order page: a reason and, when the
// money came by bank transfer or into a virtual account, the account to
// send it back to (Account), with what was typed and the messages of a
// refused submission.
type cancelForm struct {
	Reason  string
	Account bool
	// Virtual is set when the money came into a virtual account, which its
	// provider sends back.
	Virtual bool
	Banks   []bankOption
	Bank    string
	Number  string
	Holder  string
	Fields  map[string]string
}

// bankOption is a bank of the refund account's list.
type bankOption struct{ Code, Name string }

// banks lists the banks of the refund account form in lc's language.
func banks(lc *locale) []bankOption {
	bs := payment.Banks()
	out := make([]bankOption, len(bs))
	for i, b := range bs {
		out[i] = bankOption{Code: b.Code, Name: b.Name}
		if lc.lang == langEn {
			out[i].Name = b.NameEN
		}
	}
	return out
}

func (h *Handler) newOrderView(lc *locale, o order.Order) *orderView {
	v := &orderView{O: o, Status: lc.T("status." + string(o.Status)), Total: lc.Won(o.Total), Placed: lc.Date(o.CreatedAt),
		Payment: lc.T("pay." + o.PaymentMethod)}
	for _, l := range o.Lines {
		lv := cartLineView{Price: lc.Won(l.UnitPrice), Total: lc.Won(l.LineTotal), URL: productURL(l.ProductID)}
		lv.Name, lv.Options, lv.Quantity = l.Name, l.Options, l.Quantity
		if l.Gift {
			lv.Problem = lc.T("checkout.gift")
		}
		v.Lines = append(v.Lines, lv)
	}
	v.Amounts = amountRows(lc, o.Subtotal, o.GradeDiscount, o.Discount, o.Shipping, o.RemoteSurcharge, o.PointsUsed)
	taxable := o.Total - o.TaxFree
	if o.TaxFree > 0 {
		v.Taxable, v.TaxFree = lc.Won(taxable), lc.Won(o.TaxFree)
	}
	// Prices include VAT (10 %): the supply value is 10/11 of the taxable
	// part, rounded half up, and VAT the rest.
	supply := (taxable*10 + 5) / 11
	v.Supply, v.VAT = lc.Won(supply), lc.Won(taxable-supply)
	for _, s := range o.Shipments {
		if s.TrackingURL != "" {
			v.Tracking = append(v.Tracking, link{Label: lc.F("order.track", lc.T("carrier."+s.CarrierCode), s.TrackingNumber), URL: s.TrackingURL})
		}
	}
	v.Cancel = order.Allowed(o.Status, order.Cancelled, order.ByCustomer)
	v.Confirm = order.Allowed(o.Status, order.Completed, order.ByCustomer)
	v.ConfirmEarn = money.Won(o.PointsToEarn).Number()
	return v
}

// ownOrder reads the {number} order of u; another customer's order is
// fault.ErrNotFound.
func (h *Handler) ownOrder(r *http.Request, u account.User) (order.Order, error) {
	return h.acc.Orders.ByNumber(r.Context(), u.ID, r.PathValue("number"))
}

func (h *Handler) orderPage(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	return h.showOrder(w, r, lc, o, nil, http.StatusOK)
}

// showOrder renders order o with status; form, when not nil, is a cancel
// form sent back with what was typed and its messages.
func (h *Handler) showOrder(w http.ResponseWriter, r *http.Request, lc *locale, o order.Order, form *cancelForm, status int) error {
	refused := form != nil
	v := h.newOrderView(lc, o)
	hist, err := h.acc.Orders.History(r.Context(), o.ID)
	if err != nil {
		return err
	}
	for _, e := range hist {
		v.History = append(v.History, historyRow{When: lc.DateTime(e.CreatedAt), Status: lc.T("status." + string(e.To)), Reason: historyReason(lc, e.Reason)})
	}
	if v.Pay, err = h.newPaymentPanel(r.Context(), lc, o); err != nil {
		return err
	}
	if v.Returns, err = h.newReturnsPanel(r.Context(), lc, o); err != nil {
		return err
	}
	if v.Cancel {
		if form == nil {
			form = &cancelForm{}
		}
		form.Account, form.Virtual = v.Pay.RefundAccount, v.Pay.RefundVirtual
		if form.Account {
			form.Banks = banks(lc)
		}
		v.CancelForm = form
	}
	if !refused {
		v.Flash = h.sessions.PopString(r.Context(), flashKey)
	}
	if v.Flash == "" && !refused {
		switch q := r.URL.Query(); {
		case q.Get("placed") == "1":
			v.Flash = lc.T("checkout.placed")
		case q.Get("paid") == "1" && o.PaidAt != (time.Time{}):
			v.Flash = lc.T("pay.done")
		case q.Get("deposit") == "1" && o.Status == order.AwaitingDeposit:
			v.Flash = lc.T("pay.deposit_flash")
		}
	}
	if refused {
		v.Error = lc.T("order.cancel_fix")
	} else {
		v.Error = h.sessions.PopString(r.Context(), cartErrorKey)
	}
	p := h.accountPage(r, lc, lc.F("order.title", o.Number), "/account/orders/"+o.Number)
	h.render(w, r, lc, status, orderPage(p, v))
	return nil
}

func (h *Handler) orderReceipt(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	p := h.accountPage(r, lc, lc.F("receipt.title", o.Number), "/account/orders/"+o.Number+"/receipt")
	h.render(w, r, lc, http.StatusOK, receiptPage(p, h.newOrderView(lc, o), u.Name))
	return nil
}

// orderCancel cancels the customer's order. A paid order whose money came
// by bank transfer needs the account to send it back to: a form with a
// field at fault is shown again (422) with its messages and what was
// typed, and nothing is stored.
func (h *Handler) orderCancel(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	form := &cancelForm{Reason: r.PostFormValue("reason"), Bank: r.PostFormValue("refund_bank"),
		Number: r.PostFormValue("refund_number"), Holder: r.PostFormValue("refund_holder")}
	var acc *payment.BankAccount
	if form.Bank != "" || form.Number != "" || form.Holder != "" {
		acc = &payment.BankAccount{Bank: form.Bank, Account: form.Number, Holder: form.Holder}
	}
	got, err := h.cancelOrder(r, u, o, form.Reason, acc)
	inv, invalid := fault.AsInvalid(err)
	switch {
	case errors.Is(err, fault.ErrConflict):
		h.sessions.Put(r.Context(), cartErrorKey, lc.T("order.cannot_cancel"))
	case invalid:
		form.Fields = map[string]string{}
		for f, m := range inv.Fields {
			form.Fields[f] = lc.T(m)
		}
		return h.showOrder(w, r, lc, o, form, http.StatusUnprocessableEntity)
	case err != nil:
		return err
	default:
		msg := lc.T("order.cancelled")
		if rs, err := h.acc.Payments.Refunds(r.Context(), o.ID); err == nil {
			for _, rf := range rs {
				if rf.Status == payment.RefundAwaitingTransfer && got.Status == order.Cancelled {
					msg = lc.T("order.cancelled_transfer")
				}
			}
		}
		h.sessions.Put(r.Context(), flashKey, msg)
	}
	http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
	return nil
}

func (h *Handler) orderList(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	page := 1
	if n, err := strconv.Atoi(r.URL.Query().Get("page")); err == nil && n > 1 && n < 10_000 {
		page = n
	}
	os, err := h.acc.Orders.List(r.Context(), u.ID, ordersPerPage+1, (page-1)*ordersPerPage)
	if err != nil {
		return err
	}
	more := len(os) > ordersPerPage
	if more {
		os = os[:ordersPerPage]
	}
	var rows []orderRow
	for _, o := range os {
		name := ""
		if len(o.Lines) > 0 {
			name = o.Lines[0].Name
			if len(o.Lines) > 1 {
				name = lc.F("order.and_more", name, len(o.Lines)-1)
			}
		}
		rows = append(rows, orderRow{Number: o.Number, Date: lc.Date(o.CreatedAt), Status: lc.T("status." + string(o.Status)), Total: lc.Won(o.Total), Name: name})
	}
	var prev, next string
	if page > 1 {
		prev = "/account/orders?page=" + strconv.Itoa(page-1)
	}
	if more {
		next = "/account/orders?page=" + strconv.Itoa(page+1)
	}
	p := h.accountPage(r, lc, lc.T("orders.title"), "/account/orders")
	h.render(w, r, lc, http.StatusOK, orderListPage(p, rows, prev, next))
	return nil
}

type orderRow struct{ Number, Date, Status, Total, Name string }

// firstOf returns the first non-empty string.
func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
