package order

import (
	"context"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/shipping"
)

// Customers gives the address and name an order's mail goes to.
type Customers interface {
	Contact(ctx context.Context, userID int64) (email, name string, err error)
}

// orderURL is the customer's page of order number.
func (s *Service) orderURL(number string) string { return s.cfg.BaseURL + "/account/orders/" + number }

// mail sends tmpl, filled by data with the customer's name, to the customer
// of order r through q, the transaction of the change it tells of, so
// the mail commits with the change. A mail that cannot be sent (no address,
// a template refusing its data) is logged: the change stands.
func (s *Service) mail(ctx context.Context, q db.Querier, r orderRow, tmpl notify.Template, data func(name string) any) {
	email, name, err := s.deps.Customers.Contact(ctx, r.UserID)
	if err != nil || email == "" {
		s.log.WarnContext(ctx, "order mail not sent: no address", "order_id", r.ID, "template", string(tmpl), "err", err)
		return
	}
	m, err := notify.Render(tmpl, data(name))
	if err != nil {
		s.log.ErrorContext(ctx, "order mail not rendered", "order_id", r.ID, "template", string(tmpl), "err", err)
		return
	}
	m.To = email
	if err := s.deps.Mailer.Send(ctx, q, m); err != nil {
		s.log.ErrorContext(ctx, "order mail not sent", "order_id", r.ID, "template", string(tmpl), "err", err)
	}
}

// mailShipped tells the customer that order r left with carrier c.
func (s *Service) mailShipped(ctx context.Context, q db.Querier, r orderRow, c shipping.Carrier, number string) {
	link, _ := shipping.TrackingURL(c, number) // no tracking page: the mail leaves the link out
	s.mail(ctx, q, r, notify.OrderShipped, func(name string) any {
		return notify.ShippedData{Name: name, Number: r.Number, Carrier: c.Name, TrackingNumber: number, TrackingURL: link, URL: s.orderURL(r.Number)}
	})
}

// mailDelivered tells the customer that order r arrived, when it confirms
// itself and what confirming earns.
func (s *Service) mailDelivered(ctx context.Context, q db.Querier, r orderRow, now time.Time) {
	s.mail(ctx, q, r, notify.OrderDelivered, func(name string) any {
		return notify.DeliveredData{Name: name, Number: r.Number, ConfirmBy: now.Add(s.cfg.ConfirmAfter), Points: r.PointsToEarn, URL: s.orderURL(r.Number)}
	})
}

// mailCancelled tells the customer that order r, which was from, is
// cancelled, and why.
func (s *Service) mailCancelled(ctx context.Context, q db.Querier, r orderRow, from Status, reason string) {
	paid := from != PendingPayment && from != AwaitingDeposit
	if r, ok := systemReasons[reason]; ok {
		reason = r
	}
	s.mail(ctx, q, r, notify.OrderCancelled, func(name string) any {
		return notify.CancelledData{Name: name, Number: r.Number, Reason: reason, Paid: paid, URL: s.orderURL(r.Number)}
	})
}

// systemReasons are the shop's own reasons as a Korean mail says them.
var systemReasons = map[string]string{
	"not paid in time": "결제 기한까지 결제되지 않아 자동으로 취소되었습니다",
}
