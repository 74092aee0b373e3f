package order

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/shipping"
)

// orderURL is the customer's page of order number.
func (s *Service) orderURL(number string) string { return s.cfg.BaseURL + "/account/orders/" + number }

// mail sends tmpl, filled by data with the customer's name, to customer
// userID of order orderID on q, the transaction of the change it tells of:
// the mail is queued with the change or not at all, and a crash after the
// commit loses neither. The contact is read on q too, never on another
// connection that a full pool could withhold while q holds the order's
// row. A mail that cannot be written (no address, a template refusing its
// data) is logged and the change stands; a database error fails the
// transaction.
func (s *Service) mail(ctx context.Context, q db.Querier, userID, orderID int64, tmpl notify.Template, data func(name string) any) error {
	err := notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, userID, tmpl, data)
	if errors.Is(err, notify.ErrUnwritable) {
		s.log.ErrorContext(ctx, "order mail not sent", "order_id", orderID, "template", string(tmpl), "err", err)
		return nil
	}
	return err
}

// mailShipped tells the customer of order r that it left with carrier c,
// on q.
func (s *Service) mailShipped(ctx context.Context, q db.Querier, r orderRow, c shipping.Carrier, number string) error {
	link, _ := shipping.TrackingURL(c, number) // no tracking page: the mail leaves the link out
	return s.mail(ctx, q, r.UserID, r.ID, notify.OrderShipped, func(name string) any {
		return notify.ShippedData{Name: name, Number: r.Number, Carrier: c.Name, TrackingNumber: number, TrackingURL: link, URL: s.orderURL(r.Number)}
	})
}

// mailMoved mails, on q, what the customer hears of order r (as it was)
// moving to status to at now: its arrival, or its cancellation and why.
func (s *Service) mailMoved(ctx context.Context, q db.Querier, r orderRow, to Status, reason string, now time.Time) error {
	switch to {
	case Delivered:
		return s.mail(ctx, q, r.UserID, r.ID, notify.OrderDelivered, func(name string) any {
			return notify.DeliveredData{Name: name, Number: r.Number, ConfirmBy: now.Add(s.confirmAfter(ctx)), Points: r.PointsToEarn, URL: s.orderURL(r.Number)}
		})
	case Cancelled:
		from := Status(r.Status)
		paid := from != PendingPayment && from != AwaitingDeposit
		if text, ok := systemReasons[reason]; ok {
			reason = text
		}
		return s.mail(ctx, q, r.UserID, r.ID, notify.OrderCancelled, func(name string) any {
			return notify.CancelledData{Name: name, Number: r.Number, Reason: reason, Paid: paid, URL: s.orderURL(r.Number)}
		})
	}
	return nil
}

// OwnerOf reads, on q, who placed order orderID and its number, for a mail
// written in q's transaction. Errors: fault.ErrNotFound.
func (s *Service) OwnerOf(ctx context.Context, q db.Querier, orderID int64) (userID int64, number string, err error) {
	r, err := orderByID(ctx, q, orderID)
	if err != nil {
		return 0, "", fmt.Errorf("owner of order %d: %w", orderID, err)
	}
	return r.UserID, r.Number, nil
}

// systemReasons are the shop's own reasons as a Korean mail says them.
var systemReasons = map[string]string{
	"not paid in time": "결제 기한까지 결제되지 않아 자동으로 취소되었습니다",
}
