package payment

import (
	"context"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
)

// RefundedData fills the order-refunded mail.
type RefundedData struct {
	Name   string
	Number string
	Amount string // "₩12,900"
	Points int64
	// Via says how the money went back, for the wording: "card" (a card or
	// easy-pay cancel, which the card company shows in some days),
	// "transfer" (staff sent it to Account), "virtual_account" (the
	// provider sends it to Account), "" (nothing but points).
	Via     string
	Account string // the account, masked ("신한은행 ****6789")
	URL     string
}

// Validate implements the check notify.Render makes.
func (d RefundedData) Validate() error {
	v := &fault.Invalid{}
	if d.Number == "" {
		v.Add("number", "is required")
	}
	switch d.Via {
	case "", "card":
	case "transfer", "virtual_account":
		if d.Account == "" {
			v.Add("account", "is required for a refund to an account")
		}
	default:
		v.Add("via", "is not a way money goes back")
	}
	return v.Err()
}

// RefundPendingData fills the order-refund-pending mail: a refund waiting
// for staff to send it to the customer's account.
type RefundPendingData struct {
	Name    string
	Number  string
	Amount  string // "₩12,900"
	Points  int64
	Account string // masked ("신한은행 ****6789")
	Holder  string
	// Cancelled is true when the order was cancelled with it.
	Cancelled bool
	URL       string
}

// Validate implements the check notify.Render makes.
func (d RefundPendingData) Validate() error {
	v := &fault.Invalid{}
	if d.Number == "" {
		v.Add("number", "is required")
	}
	if d.Account == "" {
		v.Add("account", "is required")
	}
	return v.Err()
}

// mailRefund tells customer userID that refund rf of order number went
// back, via as RefundedData says.
func (s *Service) mailRefund(ctx context.Context, userID int64, number string, rf Refund, via string) {
	d := RefundedData{Number: number, Amount: money.Won(rf.Amount).String(), Points: rf.Points, Via: via,
		URL: s.cfg.BaseURL + "/account/orders/" + number}
	if rf.Account != nil {
		d.Account = rf.Account.Masked()
	}
	s.mail(ctx, userID, rf.OrderID, notify.OrderRefunded, func(name string) any { d.Name = name; return d })
}

// mailRefundPending tells customer userID that refund rf of order number
// waits to be sent to their account.
func (s *Service) mailRefundPending(ctx context.Context, userID int64, number string, rf Refund) {
	d := RefundPendingData{Number: number, Amount: money.Won(rf.Amount).String(), Points: rf.Points,
		Cancelled: rf.Cancel, URL: s.cfg.BaseURL + "/account/orders/" + number}
	if rf.Account != nil {
		d.Account, d.Holder = rf.Account.Masked(), rf.Account.Holder
	}
	s.mail(ctx, userID, rf.OrderID, notify.OrderRefundPending, func(name string) any { d.Name = name; return d })
}

// mail sends tmpl, filled by data with the customer's name, to customer
// userID, after the change it tells of committed: never inside the
// change's transaction, which holds the order's row while the contact is
// read on another connection (with the pool full of requests waiting for
// that row, neither would move). A mail that cannot be sent is logged: the
// change stands.
func (s *Service) mail(ctx context.Context, userID, orderID int64, tmpl notify.Template, data func(name string) any) {
	if err := notify.SendToCustomer(ctx, s.deps.Mailer, s.d.Write(), s.deps.Customers, userID, tmpl, data); err != nil {
		s.log.ErrorContext(ctx, "order mail not sent", "order_id", orderID, "template", string(tmpl), "err", err)
	}
}

// orderURL is the customer's page of order number.
func (s *Service) orderURL(number string) string { return s.cfg.BaseURL + "/account/orders/" + number }

// MailTransfer tells the customer of order o where to send the money of
// transfer a; call it once the transfer is committed (checkout does, after
// its transaction).
func (s *Service) MailTransfer(ctx context.Context, o order.Order, a Attempt) {
	d := a.Deposit
	if d == nil {
		return
	}
	s.mail(ctx, o.UserID, o.ID, notify.TransferInstructions, func(name string) any {
		return notify.TransferData{Depositor: d.Depositor, Deposit: notify.Deposit{Name: name, Number: o.Number, Bank: d.Bank,
			Account: d.Account, Holder: d.Holder, Amount: money.Won(a.Amount), Deadline: d.Due, URL: s.orderURL(o.Number)}}
	})
}

// mailVirtualAccount tells the customer where to send the money of
// attempt a, whose provider just issued a virtual account for it; call it
// once the account is committed.
func (s *Service) mailVirtualAccount(ctx context.Context, a Attempt) {
	d := a.Deposit
	if d == nil {
		return
	}
	o, err := s.deps.Orders.AdminGet(ctx, a.OrderID)
	if err != nil {
		s.log.WarnContext(ctx, "virtual account mail not sent: order unread", "order_id", a.OrderID, "err", err)
		return
	}
	s.mail(ctx, o.UserID, o.ID, notify.VirtualAccountIssued, func(name string) any {
		return notify.VirtualAccountData{Deposit: notify.Deposit{Name: name, Number: o.Number, Bank: d.Bank,
			Account: d.Account, Holder: d.Holder, Amount: money.Won(a.Amount), Deadline: d.Due, URL: s.orderURL(o.Number)}}
	})
}

// mailPaid tells the customer of order orderID that attempt a paid it with
// method (in Korean).
func (s *Service) mailPaid(ctx context.Context, orderID int64, a Attempt, method string) {
	o, err := s.deps.Orders.AdminGet(ctx, orderID)
	if err != nil {
		s.log.WarnContext(ctx, "payment mail not sent: order unread", "order_id", orderID, "err", err)
		return
	}
	s.mail(ctx, o.UserID, o.ID, notify.PaymentConfirmed, func(name string) any {
		return notify.PaymentConfirmedData{Name: name, Number: o.Number, Amount: money.Won(a.Amount), Method: method, URL: s.orderURL(o.Number)}
	})
}

// methodNames say, in Korean, how a provider's payment was made, for mails.
var methodNames = map[string]string{
	BankTransfer: "무통장입금", "testpay": "테스트 결제", "toss": "토스페이먼츠", "kakaopay": "카카오페이",
	"paypal": "페이팔", "portone": "포트원",
}

// methodName is the Korean name of attempt a's way of paying: a virtual
// account is named with its provider ("토스페이먼츠 가상계좌").
func methodName(a Attempt) string {
	n, ok := methodNames[a.Provider]
	if !ok {
		n = a.Provider
	}
	if a.Provider != BankTransfer && a.Deposit != nil {
		return n + " " + vaccountMethod
	}
	return n
}
