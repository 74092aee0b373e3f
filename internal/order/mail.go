package order

import (
	"context"
	"time"

	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/shipping"
)

// orderURL is the customer's page of order number.
func (s *Service) orderURL(number string) string { return s.cfg.BaseURL + "/account/orders/" + number }

// mail sends tmpl, filled by data with the customer's name, to customer
// userID of order orderID, after the change it tells of committed: never
// inside the change's transaction, which holds the order's row while the
// contact is read on another connection (with the pool full of requests
// waiting for that row, neither would move). A mail that cannot be sent
// (no address, a template refusing its data) is logged: the change stands.
func (s *Service) mail(ctx context.Context, userID, orderID int64, tmpl notify.Template, data func(name string) any) {
	if err := notify.SendToCustomer(ctx, s.deps.Mailer, s.d.Write(), s.deps.Customers, userID, tmpl, data); err != nil {
		s.log.ErrorContext(ctx, "order mail not sent", "order_id", orderID, "template", string(tmpl), "err", err)
	}
}

// mailShipped tells the customer that order o left with carrier c.
func (s *Service) mailShipped(ctx context.Context, o Order, c shipping.Carrier, number string) {
	link, _ := shipping.TrackingURL(c, number) // no tracking page: the mail leaves the link out
	s.mail(ctx, o.UserID, o.ID, notify.OrderShipped, func(name string) any {
		return notify.ShippedData{Name: name, Number: o.Number, Carrier: c.Name, TrackingNumber: number, TrackingURL: link, URL: s.orderURL(o.Number)}
	})
}

// mailMoved mails what the customer hears of order r (as it was) moving
// to status to at now: its arrival, or its cancellation and why.
func (s *Service) mailMoved(ctx context.Context, r orderRow, to Status, reason string, now time.Time) {
	switch to {
	case Delivered:
		s.mail(ctx, r.UserID, r.ID, notify.OrderDelivered, func(name string) any {
			return notify.DeliveredData{Name: name, Number: r.Number, ConfirmBy: now.Add(s.cfg.ConfirmAfter), Points: r.PointsToEarn, URL: s.orderURL(r.Number)}
		})
	case Cancelled:
		from := Status(r.Status)
		paid := from != PendingPayment && from != AwaitingDeposit
		if text, ok := systemReasons[reason]; ok {
			reason = text
		}
		s.mail(ctx, r.UserID, r.ID, notify.OrderCancelled, func(name string) any {
			return notify.CancelledData{Name: name, Number: r.Number, Reason: reason, Paid: paid, URL: s.orderURL(r.Number)}
		})
	}
}

// systemReasons are the shop's own reasons as a Korean mail says them.
var systemReasons = map[string]string{
	"not paid in time": "결제 기한까지 결제되지 않아 자동으로 취소되었습니다",
}
