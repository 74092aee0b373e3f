package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/security"
)

// Payments is what the storefront needs of payments; *payment.Service
// implements it.
type Payments interface {
	Methods(ctx context.Context) []string
	Bank(ctx context.Context) (payment.BankAccount, string)
	Start(ctx context.Context, in payment.StartInput) (payment.Started, error)
	Confirm(ctx context.Context, provider, reference string, query url.Values) (payment.Attempt, error)
	Abandon(ctx context.Context, provider, reference, code, message string) (payment.Attempt, error)
	ByReference(ctx context.Context, reference string) (payment.Attempt, error)
	Attempts(ctx context.Context, orderID int64) ([]payment.Attempt, error)
	Refunds(ctx context.Context, orderID int64) ([]payment.Refund, error)
	CashReceiptOf(ctx context.Context, orderID int64) (payment.CashReceipt, error)
	RequestCashReceipt(ctx context.Context, userID, orderID int64, req payment.CashReceiptRequest) (payment.CashReceipt, error)
	Cancel(ctx context.Context, in payment.CancelInput) (order.Order, error)
	Webhook(ctx context.Context, provider string, h http.Header, body []byte) error
	Provider(name string) (payment.Provider, bool)
}

// testWindow is the built-in test provider's payment window
// (*testpay.Provider): its buttons' answers.
type testWindow interface {
	Approve(reference string, amount int64) url.Values
	Decline() url.Values
	Cancel() url.Values
}

// registerPayments adds the payment pages: choosing how to pay an unpaid
// order, the providers' return and fail addresses, the test provider's
// window and the providers' webhooks.
func (h *Handler) registerPayments(mux *http.ServeMux) {
	s := h.private
	mux.Handle("GET /account/orders/{number}/pay", s(h.signedIn(h.payForm)))
	mux.Handle("POST /account/orders/{number}/pay", s(h.signedIn(h.pay)))
	// The provider sends the customer's browser back here. Confirming needs
	// no session: the reference is unguessable and the provider is asked.
	mux.Handle("GET /pay/return/{provider}/{reference}", s(h.serve(h.payReturn)))
	mux.Handle("GET /pay/fail/{provider}/{reference}", s(h.serve(h.payFail)))
	mux.Handle("GET /pay/testpay/{reference}", s(h.serve(h.testpayWindow)))
	mux.Handle("POST /pay/testpay/{reference}", s(h.serve(h.testpayAnswer)))
	mux.Handle("POST /account/orders/{number}/cash-receipt", s(h.signedIn(h.orderCashReceipt)))
	mux.HandleFunc("POST /payments/webhook/{provider}", h.paymentWebhook)
}

// payChoice is the payment part of the checkout and pay pages.
type payChoice struct {
	Methods   []link // Label; URL = the method
	Bank      payment.BankAccount
	Notice    string // buyer protection
	Depositor string
	Purpose   string // cash receipt: "", income_deduction or expense_proof
	Identity  string
	Fields    map[string]string
}

func (h *Handler) newPayChoice(lc *locale, r *http.Request, current string) *payChoice {
	c := &payChoice{Depositor: r.PostFormValue("depositor"), Purpose: r.PostFormValue("cash_receipt_purpose"),
		Identity: r.PostFormValue("cash_receipt_identity"), Fields: map[string]string{}}
	methods := h.acc.Payments.Methods(r.Context())
	c.Bank, c.Notice = h.acc.Payments.Bank(r.Context())
	if current == "" && len(methods) > 0 {
		current = methods[0]
	}
	for _, m := range methods {
		c.Methods = append(c.Methods, link{Label: lc.T("pay." + m), URL: m, Current: m == current})
	}
	return c
}

// startInput reads the payment part of a form.
func startInput(r *http.Request, o order.Order, u account.User) payment.StartInput {
	in := payment.StartInput{OrderID: o.ID, UserID: u.ID, Method: r.PostFormValue("payment"),
		Mobile: channelOf(r) == order.MobileWeb, Depositor: r.PostFormValue("depositor")}
	if p := r.PostFormValue("cash_receipt_purpose"); p != "" {
		in.CashReceipt = &payment.CashReceiptRequest{Purpose: p, Identity: r.PostFormValue("cash_receipt_identity")}
	}
	if o.ID != 0 {
		in.Placed = &o
	}
	return in
}

// startPayment sends the customer on to pay order o as in says: to the
// provider's page, to our page that opens the provider's window, or, for a
// bank transfer, to the order's page with the instructions. Anything the
// customer must fix goes back to the order's pay page.
func (h *Handler) startPayment(w http.ResponseWriter, r *http.Request, lc *locale, u account.User, o order.Order, in payment.StartInput) error {
	st, err := h.acc.Payments.Start(r.Context(), in)
	if err != nil {
		return h.payStartFailed(w, r, lc, u, o, err)
	}
	switch {
	case st.RedirectURL != "":
		http.Redirect(w, r, st.RedirectURL, http.StatusSeeOther)
	case st.Script != nil:
		h.renderPayScript(w, r, lc, o, st)
	default:
		http.Redirect(w, r, "/account/orders/"+o.Number+"?deposit=1", http.StatusSeeOther)
	}
	return nil
}

// payStartFailed answers a payment that could not start: the pay page
// again for bad input or a declined payment, the order's page when the
// order is no longer waiting for payment. Any other err is returned for
// serveError.
func (h *Handler) payStartFailed(w http.ResponseWriter, r *http.Request, lc *locale, u account.User, o order.Order, err error) error {
	v := &payView{O: o, Total: lc.Won(o.Total), Choice: h.newPayChoice(lc, r, r.PostFormValue("payment"))}
	if inv, ok := fault.AsInvalid(err); ok {
		for f, m := range inv.Fields {
			v.Choice.Fields[f] = lc.T(m)
		}
		v.Error = lc.T("checkout.fix")
		h.renderPay(w, r, lc, v, http.StatusUnprocessableEntity)
		return nil
	}
	if d, ok := payment.AsDeclined(err); ok {
		v.Error = lc.F("pay.declined", d.Message, d.Code)
		h.renderPay(w, r, lc, v, http.StatusBadGateway)
		return nil
	}
	if errors.Is(err, payment.ErrPaymentInProgress) {
		// The order still waits for payment, but a transfer now could
		// have the customer pay twice.
		v.Error = lc.T("pay.in_progress")
		h.renderPay(w, r, lc, v, http.StatusConflict)
		return nil
	}
	if errors.Is(err, fault.ErrConflict) {
		http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
		return nil
	}
	return err
}

// payView is the page that asks how to pay an order placed but not paid.
type payView struct {
	O      order.Order
	Total  string
	Choice *payChoice
	Error  string
}

func (h *Handler) renderPay(w http.ResponseWriter, r *http.Request, lc *locale, v *payView, status int) {
	p := h.accountPage(r, lc, lc.F("pay.title", v.O.Number), "/account/orders/"+v.O.Number+"/pay")
	h.render(w, r, lc, status, payPage(p, v))
}

func (h *Handler) payForm(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	if o.Status != order.PendingPayment {
		http.Redirect(w, r, "/account/orders/"+o.Number, http.StatusSeeOther)
		return nil
	}
	v := &payView{O: o, Total: lc.Won(o.Total), Choice: h.newPayChoice(lc, r, o.PaymentMethod)}
	if msg := r.URL.Query().Get("failed"); msg != "" {
		v.Error = lc.F("pay.failed_reason", msg)
	}
	h.renderPay(w, r, lc, v, http.StatusOK)
	return nil
}

func (h *Handler) pay(w http.ResponseWriter, r *http.Request, lc *locale, u account.User) error {
	if err := parseForm(r); err != nil {
		return err
	}
	o, err := h.ownOrder(r, u)
	if err != nil {
		return err
	}
	return h.startPayment(w, r, lc, u, o, startInput(r, o, u))
}

// payCSP is the Content-Security-Policy of the page that opens a provider's
// payment window with its script: the provider's SDK, and the frames and
// windows of the card companies it opens, which differ by card and provider
// (so any https frame).
const payCSP = "default-src 'self'; script-src 'self' https://js.tosspayments.com https://cdn.portone.io; " +
	"frame-src https:; connect-src 'self' https:; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; " +
	"font-src 'self' https:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self' https:"

// payScriptView is the page that opens a provider's window.
type payScriptView struct {
	O      order.Order
	Total  string
	SDK    string
	Params map[string]any // kind and the SDK call's arguments, for static/pay.js
}

func (h *Handler) renderPayScript(w http.ResponseWriter, r *http.Request, lc *locale, o order.Order, st payment.Started) {
	params := map[string]any{"kind": st.Script.Kind, "params": st.Script.Params,
		"failUrl":   "/pay/fail/" + st.Attempt.Provider + "/" + st.Attempt.Reference,
		"returnUrl": "/pay/return/" + st.Attempt.Provider + "/" + st.Attempt.Reference}
	w.Header().Set("Content-Security-Policy", payCSP)
	// The provider's window may be a popup that must reach back.
	w.Header().Set("Cross-Origin-Opener-Policy", "same-origin-allow-popups")
	p := h.accountPage(r, lc, lc.F("pay.title", o.Number), "/account/orders/"+o.Number+"/pay")
	p.Scripts = []string{st.Script.SDK, h.assets.url("pay.js")}
	h.render(w, r, lc, http.StatusOK, payScriptPage(p, &payScriptView{O: o, Total: lc.Won(o.Total), SDK: st.Script.SDK, Params: params}))
}

// payResultView is the outcome page of a payment that did not end paid.
type payResultView struct {
	Number  string
	Title   string
	Message string
	Code    string
	Retry   bool // offer paying again
	Pending bool
}

func (h *Handler) renderPayResult(w http.ResponseWriter, r *http.Request, lc *locale, v *payResultView, status int) {
	p := h.accountPage(r, lc, v.Title, "/pay")
	h.render(w, r, lc, status, payResultPage(p, v))
}

func (h *Handler) payReturn(w http.ResponseWriter, r *http.Request, lc *locale) error {
	provider, ref := r.PathValue("provider"), r.PathValue("reference")
	a, err := h.acc.Payments.Confirm(r.Context(), provider, ref, r.URL.Query())
	if err != nil {
		return err
	}
	number := payment.OrderNumber(a.Reference)
	switch a.Status {
	case payment.AttemptPaid, payment.AttemptPartlyRefunded, payment.AttemptRefunded:
		http.Redirect(w, r, "/account/orders/"+number+"?paid=1", http.StatusSeeOther)
	case payment.AttemptAwaitingDeposit:
		http.Redirect(w, r, "/account/orders/"+number+"?deposit=1", http.StatusSeeOther)
	case payment.AttemptPending, payment.AttemptConfirming, payment.AttemptPrepared:
		h.renderPayResult(w, r, lc, &payResultView{Number: number, Title: lc.T("pay.pending_title"), Message: lc.T("pay.pending"), Pending: true}, http.StatusAccepted)
	default:
		msg := a.FailureMessage
		if msg == "" {
			msg = lc.T("pay.failed")
		}
		h.renderPayResult(w, r, lc, &payResultView{Number: number, Title: lc.T("pay.failed_title"), Message: msg, Code: a.FailureCode, Retry: true}, http.StatusOK)
	}
	return nil
}

func (h *Handler) payFail(w http.ResponseWriter, r *http.Request, lc *locale) error {
	q := r.URL.Query()
	a, err := h.acc.Payments.Abandon(r.Context(), r.PathValue("provider"), r.PathValue("reference"), q.Get("code"), q.Get("message"))
	if err != nil {
		return err
	}
	msg := a.FailureMessage
	if a.FailureCode == "PAY_PROCESS_CANCELED" || msg == "" {
		msg = lc.T("pay.cancelled")
	}
	h.renderPayResult(w, r, lc, &payResultView{Number: payment.OrderNumber(a.Reference), Title: lc.T("pay.failed_title"),
		Message: msg, Code: a.FailureCode, Retry: true}, http.StatusOK)
	return nil
}

// testpayWindow is the test provider's "payment window": the amount and
// three buttons.
func (h *Handler) testpayWindow(w http.ResponseWriter, r *http.Request, lc *locale) error {
	a, err := h.testpayAttempt(r)
	if err != nil {
		return err
	}
	p := h.accountPage(r, lc, lc.T("testpay.title"), "/pay/testpay")
	h.render(w, r, lc, http.StatusOK, testpayPage(p, a, lc.Won(a.ChargeMinor)))
	return nil
}

// testpayAttempt reads the {reference} attempt, which must be the test
// provider's: any other is fault.ErrNotFound.
func (h *Handler) testpayAttempt(r *http.Request) (payment.Attempt, error) {
	a, err := h.acc.Payments.ByReference(r.Context(), r.PathValue("reference"))
	if err != nil {
		return payment.Attempt{}, err
	}
	if a.Provider != "testpay" {
		return payment.Attempt{}, fmt.Errorf("attempt %s is %s's, not the test window's: %w", a.Reference, a.Provider, fault.ErrNotFound)
	}
	return a, nil
}

func (h *Handler) testpayAnswer(w http.ResponseWriter, r *http.Request, lc *locale) error {
	if err := parseForm(r); err != nil {
		return err
	}
	a, err := h.testpayAttempt(r)
	if err != nil {
		return err
	}
	p, ok := h.acc.Payments.Provider("testpay")
	tw, isWindow := p.(testWindow)
	if !ok || !isWindow {
		return fmt.Errorf("test payment window: %w", fault.ErrNotFound)
	}
	base := "/pay/return/testpay/" + a.Reference
	var q url.Values
	switch r.PostFormValue("action") {
	case "approve":
		// The amount comes from the form, as a real window's would from the
		// browser: editing it is how a test tampers with a payment.
		amount, err := strconv.ParseInt(r.PostFormValue("amount"), 10, 64)
		if err != nil {
			amount = a.ChargeMinor
		}
		q = tw.Approve(a.Reference, amount)
	case "decline":
		base, q = "/pay/fail/testpay/"+a.Reference, tw.Decline()
	default:
		base, q = "/pay/fail/testpay/"+a.Reference, tw.Cancel()
	}
	http.Redirect(w, r, base+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// maxWebhook bounds a provider's notification; they are a few kilobytes.
const maxWebhook = 256 << 10

// paymentWebhook takes a provider's notification. It answers at once: the
// work happens in a job.
func (h *Handler) paymentWebhook(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxWebhook+1))
	if err != nil || len(body) > maxWebhook {
		http.Error(w, "notification too large or unreadable", http.StatusRequestEntityTooLarge)
		return
	}
	err = h.acc.Payments.Webhook(r.Context(), r.PathValue("provider"), r.Header, body)
	switch {
	case err == nil:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	case errors.Is(err, fault.ErrNotFound):
		http.Error(w, "no such payment provider", http.StatusNotFound)
	case errors.Is(err, payment.ErrUnverified):
		h.log.WarnContext(r.Context(), "payment webhook refused", "provider", r.PathValue("provider"), "err", err)
		http.Error(w, "notification not verified", http.StatusUnauthorized)
	default:
		// A failure here (the database, the provider's verification
		// service) makes the provider send it again.
		h.log.ErrorContext(r.Context(), "payment webhook failed", "provider", r.PathValue("provider"), "err", err)
		http.Error(w, "try again later", http.StatusServiceUnavailable)
	}
}

// paymentPanel is what the order page shows of the order's payments.
type paymentPanel struct {
	Deposit *payment.DepositInfo
	// Virtual is set when Deposit is a virtual account a provider issued
	// for this order, not the shop's own account.
	Virtual bool
	Amount  string
	Due     string
	PayURL  string // pay an unpaid order
	Method  string
	PaidAt  string
	Refunds []refundLine
	Receipt string
	// ReceiptURL is the provider's page of the issued cash receipt;
	// ReceiptForm the address of the form asking for one, when the
	// customer still may (cashreceipt.go).
	ReceiptURL  string
	ReceiptForm string
	// RefundAccount is set when cancelling the order sends its money to an
	// account the customer names (it came by bank transfer or into a
	// virtual account), so the cancel form asks for one.
	RefundAccount bool
	// RefundVirtual says that money came into a virtual account, which its
	// provider sends back (not the shop by hand).
	RefundVirtual bool
}

// refundLine is one refund as the customer sees it: done, waiting for the
// shop's transfer, or being settled with the provider.
type refundLine struct {
	Text   string
	Status string
}

func (h *Handler) newPaymentPanel(ctx context.Context, lc *locale, o order.Order) (*paymentPanel, error) {
	as, err := h.acc.Payments.Attempts(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	pp := &paymentPanel{Amount: lc.Won(o.Total)}
	if o.Status == order.PendingPayment && o.Total > 0 {
		pp.PayURL = "/account/orders/" + o.Number + "/pay"
	}
	for _, a := range as {
		if a.Status.Captured() && a.RefundsToAccount() && (o.Status == order.Paid || o.Status == order.Preparing) {
			pp.RefundAccount = true
			pp.RefundVirtual = a.Provider != payment.BankTransfer
		}
		switch {
		case a.Status == payment.AttemptAwaitingDeposit && o.Status == order.AwaitingDeposit:
			pp.Deposit, pp.Virtual = a.Deposit, a.Provider != payment.BankTransfer
			if a.Deposit != nil {
				pp.Due = lc.DateTime(a.Deposit.Due)
			}
		case a.Status.Captured() && a.Provider != payment.BankTransfer && a.Deposit != nil:
			// Paid into a virtual account: the provider's own name of the
			// method ("VIRTUAL_ACCOUNT") is not for customers.
			pp.Method = lc.F("pay.vaccount_via", lc.T("provider."+a.Provider))
			pp.PaidAt = lc.DateTime(a.PaidAt)
		case a.Status.Captured():
			pp.Method = lc.T("pay." + a.Provider)
			if a.Method != "" && a.Method != pp.Method {
				pp.Method += " (" + a.Method + ")"
			}
			pp.PaidAt = lc.DateTime(a.PaidAt)
		}
	}
	rs, err := h.acc.Payments.Refunds(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	for _, rf := range rs {
		to := ""
		if rf.Account != nil {
			to = rf.Account.Masked() // the customer's own account, never shown whole
		}
		back := "" // points given back, said only when there are some
		if rf.Points > 0 {
			back = lc.F("pay.refund_points", money.Won(rf.Points).Number())
		}
		switch {
		case rf.Status == payment.RefundDone && to != "":
			pp.Refunds = append(pp.Refunds, refundLine{Status: rf.Status, Text: lc.F("pay.refunded_to", lc.Won(rf.Amount), to) + back})
		case rf.Status == payment.RefundDone:
			pp.Refunds = append(pp.Refunds, refundLine{Status: rf.Status, Text: lc.F("pay.refunded_line", lc.Won(rf.Amount)) + back})
		case rf.Status == payment.RefundAwaitingTransfer:
			pp.Refunds = append(pp.Refunds, refundLine{Status: rf.Status, Text: lc.F("pay.refund_pending", lc.Won(rf.Amount), to)})
		case rf.Status == payment.RefundRequested:
			pp.Refunds = append(pp.Refunds, refundLine{Status: rf.Status, Text: lc.F("pay.refund_requested", lc.Won(rf.Amount))})
		}
	}
	rc, err := h.acc.Payments.CashReceiptOf(ctx, o.ID)
	switch {
	case err == nil:
		pp.Receipt = lc.T("receipt." + rc.Status)
		if rc.IssueNumber != "" {
			pp.Receipt += " · " + rc.IssueNumber
		}
		if strings.HasPrefix(rc.ReceiptURL, "https://") && rc.Status == payment.ReceiptIssued {
			pp.ReceiptURL = rc.ReceiptURL
		}
	case !errors.Is(err, fault.ErrNotFound):
		return nil, err
	}
	if h.mayAskReceipt(o, as, rc, err) {
		pp.ReceiptForm = "/account/orders/" + o.Number + "/cash-receipt"
	}
	return pp, nil
}

// cancelOrder cancels the customer's order through payments, so that a
// paid order's money goes back (to acc, when it came by bank transfer). The
// customer is named in the audit log with where they acted from.
func (h *Handler) cancelOrder(r *http.Request, u account.User, o order.Order, reason string, acc *payment.BankAccount) (order.Order, error) {
	actor := order.Customer(u.ID)
	actor.Audit = audit.Actor{Email: u.Email, IP: security.ClientIP(r), UserAgent: r.UserAgent()}
	return h.acc.Payments.Cancel(r.Context(), payment.CancelInput{OrderID: o.ID, Actor: actor, Reason: strings.TrimSpace(reason),
		Account: acc})
}
