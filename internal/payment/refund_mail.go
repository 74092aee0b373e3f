package payment

import (
	"context"
	"errors"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order"
)

// RefundedData fills the order-refunded mail.
type RefundedData struct {
	Name   string
	Number string
	Amount money.Amount
	Points int64
	// TakenBack is the refunded lines' share of the points the order
	// earned, taken back from the customer's points (decision 0040).
	TakenBack int64
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
	Amount  money.Amount
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

// mailRefund tells the customer of plan's order that refund rf went back,
// via as RefundedData says, with the earned points plan took back, on q.
func (s *Service) mailRefund(ctx context.Context, q db.Querier, plan order.RefundPlan, rf Refund, via string) error {
	userID, number := plan.UserID, plan.Number
	d := RefundedData{Number: number, Amount: money.Won(rf.Amount), Points: rf.Points, Via: via,
		TakenBack: plan.PointsTakenBack, URL: s.cfg.BaseURL + "/account/orders/" + number}
	if rf.Account != nil {
		d.Account = rf.Account.Masked()
	}
	return s.mail(ctx, q, userID, rf.OrderID, notify.OrderRefunded, func(name string) any { d.Name = name; return d })
}

// mailRefundPending tells customer userID that refund rf of order number
// waits to be sent to their account, on q.
func (s *Service) mailRefundPending(ctx context.Context, q db.Querier, userID int64, number string, rf Refund) error {
	d := RefundPendingData{Number: number, Amount: money.Won(rf.Amount), Points: rf.Points,
		Cancelled: rf.Cancel, URL: s.cfg.BaseURL + "/account/orders/" + number}
	if rf.Account != nil {
		d.Account, d.Holder = rf.Account.Masked(), rf.Account.Holder
	}
	return s.mail(ctx, q, userID, rf.OrderID, notify.OrderRefundPending, func(name string) any { d.Name = name; return d })
}

// mail sends tmpl, filled by data with the customer's name, to customer
// userID on q, the transaction of the change it tells of: the mail is
// queued with the change or not at all, and a crash after the commit loses
// neither. The contact is read on q too, never on another connection that
// a full pool could withhold while q holds the order's row. A mail that
// cannot be written (no address, data the template refuses) is logged and
// the change stands; a database error fails the transaction.
func (s *Service) mail(ctx context.Context, q db.Querier, userID, orderID int64, tmpl notify.Template, data func(name string) any) error {
	err := notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, userID, tmpl, data)
	if errors.Is(err, notify.ErrUnwritable) {
		s.log.ErrorContext(ctx, "order mail not sent", "order_id", orderID, "template", string(tmpl), "err", err)
		return nil
	}
	return err
}

// orderURL is the customer's page of order number.
func (s *Service) orderURL(number string) string { return s.cfg.BaseURL + "/account/orders/" + number }

// MailPlaced sends the customer of order o, just placed, what they ordered
// and what they pay; transfer, when the order waits for one, adds where to
// send the money, so one order brings one mail. It runs on q, the
// transaction that places the order.
func (s *Service) MailPlaced(ctx context.Context, q db.Querier, o order.Order, transfer *Attempt) error {
	lines := make([]notify.Line, 0, len(o.Lines))
	var subtotal int64
	for _, l := range o.Lines {
		lines = append(lines, notify.Line{Name: l.Name, Option: l.Options, Qty: int(l.Quantity), Amount: money.Won(l.LineTotal)})
		subtotal += l.LineTotal
	}
	shipping := o.Shipping + o.RemoteSurcharge
	return s.mail(ctx, q, o.UserID, o.ID, notify.OrderPlaced, func(name string) any {
		d := notify.OrderPlacedData{Name: name, Number: o.Number, Lines: lines, Shipping: money.Won(shipping),
			// Every discount (coupon, promotions, points) as one figure that
			// makes the lines and shipping add up to what is charged.
			Discount: money.Won(max(0, subtotal+shipping-o.Total)), Total: money.Won(o.Total),
			URL: s.orderURL(o.Number), Paid: o.Status == order.Paid}
		if transfer != nil {
			t := transferData(name, o, *transfer, s.orderURL(o.Number))
			d.Transfer = &t
		}
		return d
	})
}

// MailTransfer tells the customer of order o where to send the money of
// transfer a, started after the order was placed, on q, the transaction
// that records the transfer.
func (s *Service) mailTransfer(ctx context.Context, q db.Querier, o order.Order, a Attempt) error {
	if a.Deposit == nil {
		return nil
	}
	return s.mail(ctx, q, o.UserID, o.ID, notify.TransferInstructions, func(name string) any {
		return transferData(name, o, a, s.orderURL(o.Number))
	})
}

// transferData is what a mail says of transfer a of order o.
func transferData(name string, o order.Order, a Attempt, url string) notify.TransferData {
	var d DepositInfo
	if a.Deposit != nil {
		d = *a.Deposit
	}
	return notify.TransferData{Depositor: d.Depositor, Deposit: notify.Deposit{Name: name, Number: o.Number, Bank: d.Bank,
		Account: d.Account, Holder: d.Holder, Amount: money.Won(a.Amount), Deadline: d.Due, URL: url}}
}

// mailVirtualAccount tells the customer where to send the money of
// attempt a, whose provider just issued a virtual account for it, on q,
// the transaction that records the account.
func (s *Service) mailVirtualAccount(ctx context.Context, q db.Querier, a Attempt) error {
	d := a.Deposit
	if d == nil {
		return nil
	}
	userID, number, err := s.deps.Orders.OwnerOf(ctx, q, a.OrderID)
	if err != nil {
		return err
	}
	return s.mail(ctx, q, userID, a.OrderID, notify.VirtualAccountIssued, func(name string) any {
		return notify.VirtualAccountData{Deposit: notify.Deposit{Name: name, Number: number, Bank: d.Bank,
			Account: d.Account, Holder: d.Holder, Amount: money.Won(a.Amount), Deadline: d.Due, URL: s.orderURL(number)}}
	})
}

// mailPaid tells the customer of order orderID that attempt a paid it with
// method (in Korean), on q, the transaction that records the payment.
func (s *Service) mailPaid(ctx context.Context, q db.Querier, orderID int64, a Attempt, method string) error {
	userID, number, err := s.deps.Orders.OwnerOf(ctx, q, orderID)
	if err != nil {
		return err
	}
	return s.mail(ctx, q, userID, orderID, notify.PaymentConfirmed, func(name string) any {
		return notify.PaymentConfirmedData{Name: name, Number: number, Amount: money.Won(a.Amount), Method: method, URL: s.orderURL(number)}
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
