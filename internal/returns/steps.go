package returns

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment"
	"github.com/mallang/mallang/internal/shipping"
)

// Approve lets the customer send back the goods of request id, for staff
// actor; waiveFee makes the shop pay the return shipping the customer
// would have (a reason "other" that turns out to be the shop's fault). The
// customer is mailed. fault.ErrConflict unless the request waits for a
// decision; fault.ErrForbidden for anyone but staff.
func (s *Service) Approve(ctx context.Context, id int64, actor order.Actor, waiveFee bool) (Return, error) {
	if err := staffOnly(actor); err != nil {
		return Return{}, err
	}
	rt, err := s.step(ctx, id, []Status{Requested}, Approved, actor, func(q db.Querier, r row) (map[string]any, error) {
		set := map[string]any{}
		if waiveFee {
			set["fee_minor"] = int64(0)
		}
		return set, nil
	}, map[string]any{"fee_waived": waiveFee}, func(q db.Querier, rt Return) error {
		return s.mailCustomer(ctx, q, rt, stepApproved, "")
	})
	if err != nil {
		return Return{}, err
	}
	return rt, nil
}

// Refuse turns down request id with reason, for staff actor: its lines are
// free again and the order goes back to delivered, so it can be confirmed
// (the confirmation period starts over). The customer is mailed the
// reason. *fault.Invalid ("reason") without one; fault.ErrConflict once
// the goods are received or the request is closed.
func (s *Service) Refuse(ctx context.Context, id int64, actor order.Actor, reason string) (Return, error) {
	if err := staffOnly(actor); err != nil {
		return Return{}, err
	}
	reason = strings.TrimSpace(reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return Return{}, &fault.Invalid{Fields: map[string]string{"reason": "is required"}}
	case n > MaxRefusal:
		return Return{}, &fault.Invalid{Fields: map[string]string{"reason": fmt.Sprintf("must be at most %d characters", MaxRefusal)}}
	}
	rt, err := s.step(ctx, id, []Status{Requested, Approved, SentBack}, Refused, actor, func(q db.Querier, r row) (map[string]any, error) {
		if err := releaseLines(ctx, q, r.ID); err != nil {
			return nil, err
		}
		if err := s.deps.Orders.CloseReturn(ctx, q, r.OrderID, actor, kindWord(Kind(r.Kind))+" 반려: "+reason); err != nil {
			return nil, err
		}
		return map[string]any{"refusal": reason}, nil
	}, map[string]any{"reason": reason}, func(q db.Querier, rt Return) error {
		return s.mailCustomer(ctx, q, rt, stepRefused, reason)
	})
	if err != nil {
		return Return{}, err
	}
	return rt, nil
}

// RecordShipment records, for staff actor, the parcel bringing back the
// goods of approved request id: carrierCode and trackingNumber, or selfSent
// when the customer sends them their own way (then both are empty). It may
// be recorded again to correct it. *fault.Invalid for an unknown carrier
// ("carrier_code") or a bad number ("tracking_number"); fault.ErrConflict
// unless the request is approved.
func (s *Service) RecordShipment(ctx context.Context, id int64, actor order.Actor, carrierCode, trackingNumber string, selfSent bool) (Return, error) {
	if err := staffOnly(actor); err != nil {
		return Return{}, err
	}
	carrierCode, trackingNumber = strings.TrimSpace(carrierCode), strings.TrimSpace(trackingNumber)
	if selfSent {
		carrierCode, trackingNumber = "", ""
	} else if err := s.checkParcel(ctx, carrierCode, trackingNumber); err != nil {
		return Return{}, err
	}
	return s.step(ctx, id, []Status{Approved, SentBack}, SentBack, actor, func(q db.Querier, r row) (map[string]any, error) {
		return map[string]any{"back_carrier": carrierCode, "back_tracking": trackingNumber, "self_sent": selfSent}, nil
	}, map[string]any{"carrier": carrierCode, "tracking_number": trackingNumber, "self_sent": selfSent}, nil)
}

// Receive records, for staff actor, that the goods of request id came
// back, and whether they are resellable: only then does their stock come
// back. A return is then refunded at once (see Refund); an exchange waits
// for ShipExchange. The customer is mailed. fault.ErrConflict unless the
// request is approved (with or without its parcel recorded).
//
// When the refund fails (the provider refused it, or did not answer), the
// goods stay received and the error is returned: Refund tries again.
func (s *Service) Receive(ctx context.Context, id int64, actor order.Actor, resellable bool) (Return, error) {
	if err := staffOnly(actor); err != nil {
		return Return{}, err
	}
	rt, err := s.step(ctx, id, []Status{Approved, SentBack}, Received, actor, func(q db.Querier, r row) (map[string]any, error) {
		if Kind(r.Kind) == KindReturn {
			var restock []int64
			if resellable {
				ls, err := linesOf(ctx, q, r.ID)
				if err != nil {
					return nil, err
				}
				for _, l := range ls {
					restock = append(restock, l.LineID)
				}
			}
			if err := s.deps.Orders.ReceiveReturn(ctx, q, r.OrderID, restock, actor, "반품 상품 입고"); err != nil {
				return nil, err
			}
		}
		return map[string]any{"resellable": resellable}, nil
	}, map[string]any{"resellable": resellable}, func(q db.Querier, rt Return) error {
		return s.mailCustomer(ctx, q, rt, stepReceived, "")
	})
	if err != nil {
		return Return{}, err
	}
	if rt.Kind == KindReturn {
		return s.Refund(ctx, id, actor)
	}
	return rt, nil
}

// Refund refunds the lines of received return id, for staff actor,
// through the payment service: the lines' share of what was paid less the
// return shipping the customer pays (withheld, never below zero), to the
// account the customer gave when the money came by bank transfer (the
// refund then awaits the staff's transfer). The request becomes refunded.
// fault.ErrConflict unless the return is received; the payment service's
// errors as they are (a *payment.Declined, payment.ErrRefundPending: the
// payment service retries that one itself, and the request is refunded).
func (s *Service) Refund(ctx context.Context, id int64, actor order.Actor) (Return, error) {
	if err := staffOnly(actor); err != nil {
		return Return{}, err
	}
	rt, err := s.Get(ctx, id)
	if err != nil {
		return Return{}, err
	}
	if rt.Kind != KindReturn || rt.Status != Received {
		return Return{}, fmt.Errorf("return %d is a %s %s, not a received return: %w", id, rt.Kind, rt.Status, fault.ErrConflict)
	}
	ids := make([]int64, len(rt.Lines))
	for i, l := range rt.Lines {
		ids[i] = l.LineID
	}
	rf, err := s.deps.Payments.Refund(ctx, payment.RefundInput{OrderID: rt.OrderID, LineIDs: ids,
		Reason: "반품 환불 (" + reasonWord(rt.Reason) + ")", Actor: actor, Account: rt.Account, Withhold: rt.Fee})
	if err != nil && (rf.ID == 0 || !errors.Is(err, payment.ErrRefundPending)) {
		return rt, fmt.Errorf("refund return %d: %w", id, err)
	}
	var refundID any
	if rf.ID > 0 {
		refundID = rf.ID
	}
	rt, serr := s.step(ctx, id, []Status{Received}, Refunded, actor, func(q db.Querier, r row) (map[string]any, error) {
		if err := releaseLines(ctx, q, r.ID); err != nil {
			return nil, err
		}
		return map[string]any{"refund_id": refundID}, nil
	}, map[string]any{"refund_id": rf.ID, "amount": rf.Amount, "withheld": rf.Withheld, "refund_status": rf.Status}, nil)
	if serr != nil {
		return Return{}, fmt.Errorf("return %d refunded (refund %d): %w", id, rf.ID, serr)
	}
	return rt, err
}

// ShipExchange sends the exchange of received request id, for staff
// actor, with carrierCode and trackingNumber: the order goes back to
// shipped with the new parcel (delivery and confirmation follow as for the
// first), stock of the new goods leaves, and that of the returned goods
// comes back if they were resellable. The customer is mailed the parcel.
// *fault.Invalid for a bad carrier or number; fault.ErrConflict unless the
// exchange is received, or when stock is short.
func (s *Service) ShipExchange(ctx context.Context, id int64, actor order.Actor, carrierCode, trackingNumber string) (Return, error) {
	if err := staffOnly(actor); err != nil {
		return Return{}, err
	}
	carrierCode, trackingNumber = strings.TrimSpace(carrierCode), strings.TrimSpace(trackingNumber)
	if err := s.checkParcel(ctx, carrierCode, trackingNumber); err != nil {
		return Return{}, err
	}
	// Read before the transaction, which must not wait for another
	// connection while it holds the order.
	c, err := s.deps.Carriers.Carrier(ctx, carrierCode)
	if err != nil {
		return Return{}, fmt.Errorf("ship exchange %d: carrier %s: %w", id, carrierCode, err)
	}
	rt, err := s.step(ctx, id, []Status{Received}, Exchanged, actor, func(q db.Querier, r row) (map[string]any, error) {
		if Kind(r.Kind) != KindExchange {
			return nil, fmt.Errorf("return %d is not an exchange: %w", r.ID, fault.ErrConflict)
		}
		ls, err := linesOf(ctx, q, r.ID)
		if err != nil {
			return nil, err
		}
		var take, restock []int64
		for _, l := range ls {
			take = append(take, l.LineID)
		}
		if r.Resellable {
			restock = take
		}
		if err := s.deps.Orders.ShipExchange(ctx, q, r.OrderID, c, trackingNumber, restock, take, actor); err != nil {
			return nil, err
		}
		if err := releaseLines(ctx, q, r.ID); err != nil {
			return nil, err
		}
		return map[string]any{"exchange_carrier": carrierCode, "exchange_tracking": trackingNumber}, nil
	}, map[string]any{"carrier": carrierCode, "tracking_number": trackingNumber}, func(q db.Querier, rt Return) error {
		return s.mailExchangeShipped(ctx, q, rt, c)
	})
	if err != nil {
		return Return{}, err
	}
	return rt, nil
}

// step moves request id from one of from to to in one transaction: change
// runs first on it (its order's side; the columns to set), then the
// conditional update, then the audit entry "return.<to>" with detail.
func (s *Service) step(ctx context.Context, id int64, from []Status, to Status, actor order.Actor,
	change func(q db.Querier, r row) (map[string]any, error), detail map[string]any,
	mail func(q db.Querier, rt Return) error) (Return, error) {
	now := s.stamp()
	var rt Return
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := returnByID(ctx, q, id)
		if err != nil {
			return err
		}
		if !contains(from, Status(r.Status)) {
			return fmt.Errorf("return %d is %s, cannot become %s: %w", id, r.Status, to, fault.ErrConflict)
		}
		set, err := change(q, r)
		if err != nil {
			return err
		}
		ok, err := move(ctx, q, id, from, to, set, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("return %d changed meanwhile; reload it: %w", id, fault.ErrConflict)
		}
		detail["from"], detail["to"] = r.Status, string(to)
		if err := s.audited(ctx, q, actor, "return."+string(to), r, detail); err != nil {
			return err
		}
		if rt, err = s.getOn(ctx, q, id); err != nil {
			return err
		}
		if mail == nil {
			return nil
		}
		return mail(q, rt)
	})
	if err != nil {
		if errors.Is(err, fault.ErrConflict) || errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrForbidden) {
			return Return{}, err
		}
		if _, ok := fault.AsInvalid(err); ok {
			return Return{}, err
		}
		return Return{}, fmt.Errorf("move return %d to %s: %w", id, to, err)
	}
	s.log.InfoContext(ctx, "return moved", "return_id", id, "to", string(to), "actor", string(actor.Kind))
	return rt, nil
}

// checkParcel checks a carrier and tracking number as a shipment needs
// them.
func (s *Service) checkParcel(ctx context.Context, carrierCode, trackingNumber string) error {
	v := &fault.Invalid{}
	if carrierCode == "" {
		v.Add("carrier_code", "is required")
	} else if _, err := s.deps.Carriers.Carrier(ctx, carrierCode); errors.Is(err, fault.ErrNotFound) {
		v.Add("carrier_code", "is not a known carrier")
	} else if err != nil {
		return fmt.Errorf("carrier %q: %w", carrierCode, err)
	}
	if err := shipping.ValidTrackingNumber(trackingNumber); err != nil {
		v.Add("tracking_number", "is not a tracking number")
	}
	return v.Err()
}

func contains(ss []Status, s Status) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}
