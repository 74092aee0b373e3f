package returns

import (
	"context"
	"strconv"

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

// mailCustomer tells the customer of rt that it reached step, after the
// change committed (never inside its transaction, which holds the order's
// row while the contact is read on another connection). A mail that cannot
// be sent is logged: the change stands.
func (s *Service) mailCustomer(ctx context.Context, rt Return, step notify.ReturnStep, reason string) {
	s.send(ctx, rt, notify.ReturnUpdated, func(name string) any {
		return notify.ReturnData{Name: name, Number: rt.Number, Exchange: rt.Kind == KindExchange, Step: step,
			Items: items(rt), Reason: reason, Fee: money.Won(rt.Fee), URL: s.orderURL(rt.Number)}
	})
}

// mailExchangeShipped tells the customer of rt that the exchange left, with
// the carrier's tracking link when it has one.
func (s *Service) mailExchangeShipped(ctx context.Context, rt Return) {
	name := rt.ExchangeCarrier
	link := ""
	if c, err := s.deps.Carriers.Carrier(ctx, rt.ExchangeCarrier); err == nil {
		name = c.Name
		link, _ = shipping.TrackingURL(c, rt.ExchangeTracking) // no tracking page: the mail leaves the link out
	}
	s.send(ctx, rt, notify.ReturnUpdated, func(cust string) any {
		return notify.ReturnData{Name: cust, Number: rt.Number, Exchange: true, Step: notify.ExchangeShipped,
			Items: items(rt), Carrier: name, TrackingNumber: rt.ExchangeTracking, TrackingURL: link, URL: s.orderURL(rt.Number)}
	})
}

func (s *Service) send(ctx context.Context, rt Return, tmpl notify.Template, data func(name string) any) {
	if err := notify.SendToCustomer(ctx, s.deps.Mailer, s.d.Write(), s.deps.Customers, rt.UserID, tmpl, data); err != nil {
		s.log.ErrorContext(ctx, "return mail not sent", "return_id", rt.ID, "template", string(tmpl), "err", err)
	}
}

// mailStaff tells the shop's staff address of new request rt, with a link
// to it in the back office; without an address nothing is sent.
func (s *Service) mailStaff(ctx context.Context, rt Return) {
	if s.cfg.StaffEmail == "" {
		return
	}
	_, customer, err := s.deps.Customers.Contact(ctx, rt.UserID)
	if err != nil {
		customer = "" // the mail names no one rather than not going
	}
	msg, err := notify.Render(notify.StaffReturnRequested, notify.StaffReturnData{Number: rt.Number, Customer: customer,
		Exchange: rt.Kind == KindExchange, Items: items(rt), Reason: reasonWord(rt.Reason), Note: rt.Note,
		Photos: len(rt.Photos), URL: s.cfg.AdminURL + "/returns/" + strconv.FormatInt(rt.ID, 10)})
	if err == nil {
		msg.To = s.cfg.StaffEmail
		err = s.deps.Mailer.Send(ctx, s.d.Write(), msg)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "staff return mail not sent", "return_id", rt.ID, "err", err)
	}
}
