package returns

import (
	"context"
	"errors"
	"strconv"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/shipping"
)

// The steps the customer is mailed about (notify's names for them).
const (
	stepRequested = notify.ReturnRequested
	stepApproved  = notify.ReturnApproved
	stepRefused   = notify.ReturnRefused
	stepReceived  = notify.ReturnReceived
)

// reasonWords are the reasons as the Korean pages and the staff mail say
// them.
var reasonWords = map[Reason]string{
	ChangeOfMind: "단순 변심",
	Defect:       "상품 불량",
	WrongItem:    "오배송",
	Damaged:      "파손",
	Other:        "기타",
}

func reasonWord(r Reason) string {
	if w, ok := reasonWords[r]; ok {
		return w
	}
	return string(r)
}

// items is rt's lines as the mails list them.
func items(rt Return) []notify.Item {
	out := make([]notify.Item, len(rt.Lines))
	for i, l := range rt.Lines {
		out[i] = notify.Item{Name: l.Name, Option: l.Options, Qty: int(l.Quantity)}
	}
	return out
}

func (s *Service) orderURL(number string) string { return s.cfg.BaseURL + "/account/orders/" + number }

// mailCustomer tells the customer of rt that it reached step, on q, the
// transaction of the change: the change and its mail commit together.
func (s *Service) mailCustomer(ctx context.Context, q db.Querier, rt Return, step notify.ReturnStep, reason string) error {
	return s.send(ctx, q, rt, notify.ReturnUpdated, func(name string) any {
		return notify.ReturnData{Name: name, Number: rt.Number, Exchange: rt.Kind == KindExchange, Step: step,
			Items: items(rt), Reason: reason, Fee: money.Won(rt.Fee), URL: s.orderURL(rt.Number)}
	})
}

// mailExchangeShipped tells the customer of rt, on q, that the exchange
// left with carrier c, with its tracking link when it has one.
func (s *Service) mailExchangeShipped(ctx context.Context, q db.Querier, rt Return, c shipping.Carrier) error {
	link, _ := shipping.TrackingURL(c, rt.ExchangeTracking) // no tracking page: the mail leaves the link out
	return s.send(ctx, q, rt, notify.ReturnUpdated, func(cust string) any {
		return notify.ReturnData{Name: cust, Number: rt.Number, Exchange: true, Step: notify.ExchangeShipped,
			Items: items(rt), Carrier: c.Name, TrackingNumber: rt.ExchangeTracking, TrackingURL: link, URL: s.orderURL(rt.Number)}
	})
}

// send writes tmpl to the customer of rt on q. The customer's address is
// read on q too, never on another connection while q holds the order's
// row. A mail that cannot be written is logged and the change stands; a
// database error fails the transaction.
func (s *Service) send(ctx context.Context, q db.Querier, rt Return, tmpl notify.Template, data func(name string) any) error {
	err := notify.SendToCustomer(ctx, s.deps.Mailer, q, s.deps.Customers, rt.UserID, tmpl, data)
	if errors.Is(err, notify.ErrUnwritable) {
		s.log.ErrorContext(ctx, "return mail not sent", "return_id", rt.ID, "template", string(tmpl), "err", err)
		return nil
	}
	return err
}

// mailStaff tells the shop's staff address of new request rt, on q, with a
// link to it in the back office; without an address nothing is sent.
func (s *Service) mailStaff(ctx context.Context, q db.Querier, rt Return) error {
	if s.cfg.StaffEmail == "" {
		return nil
	}
	_, customer, err := s.deps.Customers.Contact(ctx, q, rt.UserID)
	if errors.Is(err, fault.ErrNotFound) {
		customer = "" // the mail names no one rather than not going
	} else if err != nil {
		return err
	}
	msg, err := s.deps.Mailer.Render(ctx, notify.StaffReturnRequested, notify.StaffReturnData{Number: rt.Number, Customer: customer,
		Exchange: rt.Kind == KindExchange, Items: items(rt), Reason: reasonWord(rt.Reason), Note: rt.Note,
		Photos: len(rt.Photos), URL: s.cfg.AdminURL + "/returns/" + strconv.FormatInt(rt.ID, 10)})
	if err != nil {
		s.log.ErrorContext(ctx, "staff return mail not sent", "return_id", rt.ID, "err", err)
		return nil
	}
	msg.To = s.cfg.StaffEmail
	return s.deps.Mailer.Send(ctx, q, msg)
}
