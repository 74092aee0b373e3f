package backoffice

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
)

// Payments is what the back office needs of the payment service;
// *payment.Service implements it. The service writes every audit entry
// itself, in the transaction of the change, naming the staff member given.
type Payments interface {
	// Attempts, Refunds and Events read an order's payments for its page.
	Attempts(ctx context.Context, orderID int64) ([]payment.Attempt, error)
	Refunds(ctx context.Context, orderID int64) ([]payment.Refund, error)
	Events(ctx context.Context, orderID int64) ([]payment.EventRecord, error)
	// ConfirmDeposit matches a bank transfer and marks the order paid; one
	// of any number of confirmations at once pays it, the others get
	// payment.ErrDepositConfirmed (payment.ErrOrderPaid when another
	// payment paid the order).
	ConfirmDeposit(ctx context.Context, by audit.Actor, orderID int64, depositor string) (payment.Attempt, error)
	// Refund and RetryRefund give money back through the provider, or
	// record a refund of a bank transfer that staff send by hand.
	Refund(ctx context.Context, in payment.RefundInput) (payment.Refund, error)
	RetryRefund(ctx context.Context, refundID int64, actor order.Actor) (payment.Refund, error)
	// RecordRefundTransfer records that staff sent a refund waiting for a
	// transfer; AwaitingTransfers lists those still to send.
	RecordRefundTransfer(ctx context.Context, by audit.Actor, refundID int64, memo string) (payment.Refund, error)
	AwaitingTransfers(ctx context.Context, limit int) ([]payment.Refund, error)
	// Cancel cancels an order, refunding it whole when it was paid.
	Cancel(ctx context.Context, in payment.CancelInput) (order.Order, error)
	// PendingCashReceipts, CashReceipt and MarkCashReceiptIssued serve the
	// cash receipts section.
	PendingCashReceipts(ctx context.Context, limit int) ([]payment.CashReceipt, error)
	CashReceipt(ctx context.Context, id int64) (payment.CashReceipt, error)
	MarkCashReceiptIssued(ctx context.Context, by audit.Actor, id int64, issueNumber string) error
	IssuedCashReceipts(ctx context.Context, limit int) ([]payment.CashReceipt, error)
	RetryCashReceipt(ctx context.Context, by audit.Actor, id int64) error
	IssuesByAPI() bool
}

// registerPayments adds the payment forms of the order page and the cash
// receipts section, behind account.PermOrders like the orders section.
func (h *Handler) registerPayments(mux Router) {
	p, s := h.cfg.Path, h.withSession
	orders := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermOrders, next))) }
	mux.Handle("POST "+p+"/orders/{id}/deposit", orders(h.confirmDeposit))
	mux.Handle("POST "+p+"/orders/{id}/refund", orders(h.refundOrder))
	mux.Handle("POST "+p+"/orders/{id}/refunds/{refund}/retry", orders(h.retryRefund))
	mux.Handle("POST "+p+"/orders/{id}/refunds/{refund}/transfer", orders(h.recordTransfer))
	mux.Handle("GET "+p+"/refunds", orders(h.awaitingTransfers))
	mux.Handle("GET "+p+"/cash-receipts", orders(h.cashReceipts))
	mux.Handle("POST "+p+"/cash-receipts/{id}/issued", orders(h.issueCashReceipt))
	mux.Handle("POST "+p+"/cash-receipts/{id}/retry", orders(h.retryCashReceipt))
}

// paymentSections adds the cash receipts section to the menu for u.
func (h *Handler) paymentSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermOrders) {
		add("receipts", "/cash-receipts", "dash.receipts")
		add("transfers", "/refunds", "dash.transfers")
	}
}

// paymentView is the payment panel of an order page.
type paymentView struct {
	Attempts []attemptView
	Refunds  []refundView
	Events   []eventView
	// Deposit is the deposit form, for an order waiting for a bank
	// transfer; nil otherwise.
	Deposit *depositForm
	// Refund is the refund form, for a paid (or later) order with lines
	// left to refund; nil otherwise.
	Refund *refundForm
	// Captured: some attempt took the money, so refunds go through the
	// payment, not a bare change of status.
	Captured bool
}

// attemptView is one payment attempt as staff see it.
type attemptView struct {
	ID        string
	Provider  string
	Method    string
	Status    string
	StatusKey string
	Amount    string
	Refunded  string
	PaidAt    string
	Failure   string
	Reference string
	Deposit   *depositView
}

// depositView is where a bank transfer (or a virtual account) is paid to.
type depositView struct {
	Bank, Account, Holder, Depositor, Due string
}

// refundView is one recorded refund.
type refundView struct {
	ID         string
	Attempt    string
	Amount     string
	Points     string
	Status     string
	StatusKey  string
	ProviderID string
	Failure    string
	// RetryURL is set for a refund whose outcome is unknown (requested).
	RetryURL string
	// Account is where the money goes (bank transfer, virtual account),
	// shown whole: only staff with the orders permission see this page.
	Account *accountView
	// Transfer is the form recording that staff sent a refund waiting for
	// a transfer; nil otherwise.
	Transfer *transferForm
	// Sent says who sent a transfer refund, when, and their memo.
	Sent string
}

// accountView is a refund account as staff see it.
type accountView struct{ Bank, Number, Holder string }

// transferForm records the transfer of one refund.
type transferForm struct {
	URL    string
	Amount string
	Memo   string
	Max    int
}

// eventView is one payment event.
type eventView struct {
	Time, Attempt, Kind, Outcome, Summary, Who string
}

// depositForm confirms a bank transfer.
type depositForm struct {
	URL       string
	Amount    string
	Expected  string // the depositor name the customer gave
	Depositor string
	Max       int
}

// refundForm refunds lines of an order.
type refundForm struct {
	URL    string
	Lines  []refundLine
	Reason string
	Max    int
	// Account is set when the money goes back to the customer's account
	// (it came by bank transfer or into a virtual account): the form asks
	// for it, with what was typed.
	Account bool
	Banks   []payment.Bank
	Typed   payment.BankAccount
	// Transfer is set for a bank transfer: staff send the money themselves
	// and record it on the refund.
	Transfer bool
}

// refundLine is a line that may still be refunded.
type refundLine struct {
	ID      string
	Name    string
	Detail  string
	Amount  string
	Checked bool
}

// refundable lists the statuses an order may be refunded from: once paid
// (order.PlanRefund decides for good).
var refundable = []order.Status{order.Paid, order.Preparing, order.Shipped, order.Delivered, order.Completed,
	order.ReturnRequested, order.Returned, order.PartiallyRefunded}

// paymentPanel builds the payment panel of order o. note carries what a
// failed form post typed.
func (h *Handler) paymentPanel(ctx context.Context, m *messages, o order.Order, note orderNote) (*paymentView, error) {
	as, err := h.deps.Payments.Attempts(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	rs, err := h.deps.Payments.Refunds(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	es, err := h.deps.Payments.Events(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	base := h.url("/orders/" + strconv.FormatInt(o.ID, 10))
	v := &paymentView{}
	var waiting, captured *payment.Attempt
	for i, a := range as {
		av := attemptView{ID: "#" + strconv.FormatInt(a.ID, 10), Provider: labelOr(m, "pay.", a.Provider), Method: a.Method,
			Status: labelOr(m, "attempt.", string(a.Status)), StatusKey: string(a.Status), Amount: m.Won(a.Amount),
			Refunded: m.Won(a.Refunded), PaidAt: m.Time(a.PaidAt), Reference: a.Reference}
		if a.ChargeCurrency != "" && a.ChargeCurrency != "KRW" {
			av.Amount += " (" + m.Money(money.New(a.ChargeMinor, money.Currency(a.ChargeCurrency))) + ")"
		}
		if a.FailureCode != "" || a.FailureMessage != "" {
			av.Failure = a.FailureCode
			if a.FailureMessage != "" {
				av.Failure += ": " + a.FailureMessage
			}
		}
		if d := a.Deposit; d != nil {
			av.Deposit = &depositView{Bank: d.Bank, Account: d.Account, Holder: d.Holder, Depositor: d.Depositor, Due: m.Time(d.Due)}
		}
		if a.Status.Captured() {
			v.Captured = true
			captured = &as[i]
		}
		if a.Provider == payment.BankTransfer && a.Status == payment.AttemptAwaitingDeposit {
			waiting = &as[i]
		}
		v.Attempts = append(v.Attempts, av)
	}
	for _, rf := range rs {
		rv := refundView{ID: "#" + strconv.FormatInt(rf.ID, 10), Attempt: "#" + strconv.FormatInt(rf.AttemptID, 10),
			Amount: m.Won(rf.Amount), Points: m.Won(rf.Points), Status: labelOr(m, "refund.", rf.Status), StatusKey: rf.Status,
			ProviderID: rf.ProviderRefundID, Failure: rf.FailureMessage}
		if rf.Status == payment.RefundRequested {
			rv.RetryURL = base + "/refunds/" + strconv.FormatInt(rf.ID, 10) + "/retry"
		}
		if a := rf.Account; a != nil {
			rv.Account = &accountView{Bank: payment.BankName(a.Bank), Number: a.Account, Holder: a.Holder}
		}
		if rf.Status == payment.RefundAwaitingTransfer {
			tf := &transferForm{URL: base + "/refunds/" + strconv.FormatInt(rf.ID, 10) + "/transfer", Amount: m.Won(rf.Amount),
				Max: payment.MaxTransferMemo}
			if note.Form == "transfer" && note.MemoFor == rf.ID {
				tf.Memo = note.Memo
			}
			rv.Transfer = tf
		}
		if !rf.TransferredAt.IsZero() {
			rv.Sent = m.F("pay.transfer.sent", m.Time(rf.TransferredAt), rf.TransferredBy)
			if rf.TransferMemo != "" {
				rv.Sent += " · " + rf.TransferMemo
			}
		}
		v.Refunds = append(v.Refunds, rv)
	}
	for _, e := range es {
		ev := eventView{Time: m.Time(e.CreatedAt), Attempt: "#" + strconv.FormatInt(e.AttemptID, 10),
			Kind: labelOr(m, "payev.", e.Kind), Outcome: labelOr(m, "payev.outcome.", e.Outcome), Summary: e.Detail}
		if name, ok := strings.CutPrefix(e.Detail, "depositor "); ok {
			ev.Summary = m.F("payev.depositor", name)
		}
		ev.Who = eventActor(m, e)
		v.Events = append(v.Events, ev)
	}
	if waiting != nil && o.Status == order.AwaitingDeposit {
		f := &depositForm{URL: base + "/deposit", Amount: m.Won(waiting.Amount), Max: payment.MaxDepositor}
		if waiting.Deposit != nil {
			f.Expected = waiting.Deposit.Depositor
		}
		f.Depositor = f.Expected
		if note.Form == "deposit" {
			f.Depositor = note.Depositor
		}
		v.Deposit = f
	}
	if slices.Contains(refundable, o.Status) {
		f := &refundForm{URL: base + "/refund", Max: payment.MaxRefundReason}
		if note.Form == "refund" {
			f.Reason = note.Reason
		}
		for _, l := range o.Lines {
			if l.Status == order.Refunded || l.Status == order.Cancelled {
				continue
			}
			rl := refundLine{ID: strconv.FormatInt(l.ID, 10), Name: l.Name, Amount: m.Won(l.LineTotal - l.Discount),
				Detail: m.F("pay.line.qty", l.Quantity), Checked: note.Form == "refund" && slices.Contains(note.Lines, l.ID)}
			if l.Options != "" {
				rl.Detail = l.Options + " · " + rl.Detail
			}
			if l.Gift {
				rl.Detail += " · " + m.T("ord.gift")
			}
			f.Lines = append(f.Lines, rl)
		}
		if captured != nil && captured.RefundsToAccount() {
			f.Account, f.Banks = true, payment.Banks()
			f.Transfer = captured.Provider == payment.BankTransfer
			if note.Form == "refund" {
				f.Typed = note.Account
			}
		}
		if len(f.Lines) > 0 {
			v.Refund = f
		}
	}
	return v, nil
}

// eventActor names who recorded payment event e: the customer or staff
// member by user id, a job, the provider's notification or the shop. Events
// recorded before the kind was kept name only an id, which is shown as a
// user's.
func eventActor(m *messages, e payment.EventRecord) string {
	id := ""
	if e.ActorID != nil {
		id = " #" + strconv.FormatInt(*e.ActorID, 10)
	}
	switch e.ActorKind {
	case payment.ByCustomer, payment.ByStaff, payment.ByJob, payment.ByProvider, payment.BySystem:
		return m.T("actor."+e.ActorKind) + id
	}
	if id != "" {
		return m.T("actor.user") + id
	}
	return ""
}

// waitingTransfer reports whether order orderID waits for a bank transfer
// that staff confirm with the deposit form.
func (h *Handler) waitingTransfer(ctx context.Context, orderID int64) (bool, error) {
	as, err := h.deps.Payments.Attempts(ctx, orderID)
	if err != nil {
		return false, err
	}
	for _, a := range as {
		if a.Provider == payment.BankTransfer && a.Status == payment.AttemptAwaitingDeposit {
			return true, nil
		}
	}
	return false, nil
}
