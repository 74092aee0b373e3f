package order

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Transition moves order orderID to status to on behalf of actor, with
// reason recorded in the history, if the table of transitions allows it from
// the order's current status for that kind of actor. The check and the
// change are one conditional update, so of two concurrent changes at most
// one succeeds. A customer may act only on their own orders.
//
// What goes with a status happens in the same transaction: cancelling gives
// back the stock, the coupon and the points spent; a refund gives back the coupon and the points spent; completing
// credits the points the order earns; delivery marks the shipments.
//
// A change by staff, and a customer's cancellation, is recorded in the
// audit log too, as "order.status_changed", in the same transaction (what
// the system does, such as expiring unpaid orders, is in the history only).
//
// Errors: fault.ErrNotFound for an unknown order or another customer's;
// fault.ErrConflict, with a message saying why, for a change the table does
// not allow or an order that changed meanwhile; *fault.Invalid for a bad
// status, actor or reason.
func (s *Service) Transition(ctx context.Context, orderID int64, to Status, actor Actor, reason string) (Order, error) {
	reason = strings.TrimSpace(reason)
	err := s.transition(ctx, orderID, nil, to, actor, reason, func(q db.Querier, r orderRow, _ time.Time) error {
		d := map[string]any{"number": r.Number, "from": r.Status, "to": string(to)}
		if reason != "" {
			d["reason"] = reason
		}
		if to == Cancelled {
			return s.auditCancel(ctx, q, actor, r.ID, d)
		}
		return s.auditStaff(ctx, q, actor, "order.status_changed", r.ID, d)
	})
	if err != nil {
		return Order{}, err
	}
	return s.loaded(ctx, orderID)
}

// auditStaff records, on q, action on order orderID with detail when actor
// is staff; what customers and the system do is in the history only.
func (s *Service) auditStaff(ctx context.Context, q db.Querier, actor Actor, action string, orderID int64, detail map[string]any) error {
	if actor.Kind != ByStaff {
		return nil
	}
	by := actor.Audit
	by.UserID = actor.ID
	return s.deps.Audit.Record(ctx, q, by.Entry(action, "order", strconv.FormatInt(orderID, 10), detail))
}

// RequestCancel cancels order orderID of customer userID, which is possible
// until the order ships (the table of transitions says from which statuses).
// It returns fault.ErrNotFound for another customer's order and
// fault.ErrConflict once the order has shipped or is cancelled already.
func (s *Service) RequestCancel(ctx context.Context, userID, orderID int64, reason string) (Order, error) {
	return s.Transition(ctx, orderID, Cancelled, Customer(userID), reason)
}

// auditCancel records, on q, the cancellation of order orderID with detail
// as "order.status_changed" when staff or the customer cancelled it; a
// customer's entry names them (by user id) and says "by": "customer".
func (s *Service) auditCancel(ctx context.Context, q db.Querier, actor Actor, orderID int64, detail map[string]any) error {
	if actor.Kind != ByCustomer {
		return s.auditStaff(ctx, q, actor, "order.status_changed", orderID, detail)
	}
	by := actor.Audit
	by.UserID = actor.ID
	detail["by"] = string(ByCustomer)
	return s.deps.Audit.Record(ctx, q, by.Entry("order.status_changed", "order", strconv.FormatInt(orderID, 10), detail))
}

func (s *Service) loaded(ctx context.Context, orderID int64) (Order, error) {
	o, err := s.load(ctx, s.d.Read(), orderID)
	if err != nil {
		return Order{}, fmt.Errorf("read order %d: %w", orderID, err)
	}
	return o, nil
}

// transition is Transition with two hooks: from, when not nil, lists the
// statuses the change may start from (Ship uses it to say "paid or
// preparing"), and also, when not nil, runs in the transaction after the
// change.
func (s *Service) transition(ctx context.Context, orderID int64, from []Status, to Status, actor Actor, reason string,
	also func(q db.Querier, o orderRow, now time.Time) error) error {
	reason = strings.TrimSpace(reason)
	v := &fault.Invalid{}
	if !to.Valid() {
		v.Add("status", "is not an order status")
	}
	switch {
	case actor.Kind != ByCustomer && actor.Kind != ByStaff && actor.Kind != BySystem:
		v.Add("actor", "must be a customer, staff or the system")
	case actor.Kind != BySystem && actor.ID <= 0:
		v.Add("actor", "must name the user")
	}
	address.CheckText(v, "reason", reason, false, MaxReason)
	if err := v.Err(); err != nil {
		return err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	stockBack := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := orderByID(ctx, q, orderID)
		if err != nil {
			return err
		}
		if actor.Kind == ByCustomer && r.UserID != actor.ID {
			return fmt.Errorf("order %d: %w", orderID, fault.ErrNotFound)
		}
		cur := Status(r.Status)
		if from != nil && !contains(from, cur) {
			return fmt.Errorf("order %d is %s: %s: %w", orderID, cur, refusal(cur, to, actor.Kind), fault.ErrConflict)
		}
		if !Allowed(cur, to, actor.Kind) {
			return fmt.Errorf("order %d: %s: %w", orderID, refusal(cur, to, actor.Kind), fault.ErrConflict)
		}
		if ReturnStatus(cur, to) {
			return fmt.Errorf("order %d: a return moves the order from %s to %s through its request: %w", orderID, cur, to, fault.ErrConflict)
		}
		ok, err := setStatus(ctx, q, orderID, cur, to, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("order %d changed while moving it from %s to %s; reload it: %w", orderID, cur, to, fault.ErrConflict)
		}
		if err := s.after(ctx, q, r, cur, to, actor, reason, now); err != nil {
			return err
		}
		stockBack = to == Cancelled
		if also != nil {
			if err := also(q, r, now); err != nil {
				return err
			}
		}
		return s.mailMoved(ctx, q, r, to, reason, now)
	})
	if err != nil {
		if errors.Is(err, fault.ErrNotFound) || errors.Is(err, fault.ErrConflict) {
			return err
		}
		if _, ok := fault.AsInvalid(err); ok {
			return err
		}
		return fmt.Errorf("move order %d to %s: %w", orderID, to, err)
	}
	if stockBack {
		s.deps.Catalog.StockChanged()
	}
	s.log.InfoContext(ctx, "order status changed", "order_id", orderID, "to", string(to), "actor", string(actor.Kind))
	return nil
}

// after does, on q, what goes with the order of r moving from from to to:
// its lines follow, the history records the change, and stock, coupon and
// points move as Transition describes.
func (s *Service) after(ctx context.Context, q db.Querier, r orderRow, from, to Status, actor Actor, reason string, now time.Time) error {
	if err := setLinesStatus(ctx, q, r.ID, from, to, now); err != nil {
		return err
	}
	if err := insertHistory(ctx, q, HistoryEntry{OrderID: r.ID, From: from, To: to, Actor: actor, Reason: reason, CreatedAt: now}); err != nil {
		return err
	}
	switch to {
	case Cancelled:
		if err := s.returnStock(ctx, q, r.ID); err != nil {
			return err
		}
		return s.giveBack(ctx, q, r, actor)
	case Refunded:
		return s.giveBack(ctx, q, r, actor)
	case Delivered:
		return markDelivered(ctx, q, r.ID, now)
	case Completed:
		if r.PointsToEarn > 0 {
			return s.deps.Points.Earn(ctx, q, r.UserID, r.PointsToEarn, r.ID, "주문 "+r.Number+" 구매 적립", now.Add(s.cfg.PointsValidFor))
		}
	}
	return nil
}

// returnStock puts the units of every line of order id back in stock.
func (s *Service) returnStock(ctx context.Context, q db.Querier, id int64) error {
	lines, err := linesOf(ctx, q, []int64{id})
	if err != nil {
		return err
	}
	for _, l := range lines {
		err := s.deps.Catalog.ReturnStock(ctx, q, l.VariantID, l.Quantity)
		if errors.Is(err, fault.ErrNotFound) {
			continue // the variant was deleted since; nothing to put back
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// giveBack releases the order's coupon if it can still be used, refunds
// the points it spent and takes back those it earned.
func (s *Service) giveBack(ctx context.Context, q db.Querier, r orderRow, actor Actor) error {
	if r.CouponID.Valid {
		if err := s.releaseCoupon(ctx, q, r, actor); err != nil {
			return err
		}
	}
	if r.PointsUsed > 0 {
		if err := s.deps.Points.RefundOrder(ctx, q, r.UserID, r.ID); err != nil {
			return err
		}
	}
	return s.takeBackEarned(ctx, q, r)
}

func contains(ss []Status, s Status) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

// expireBatch is how many unpaid orders ExpireUnpaid looks up at once; each
// is cancelled in a transaction of its own, so SQLite's writer is never held
// for long.
const expireBatch = 100

// ExpireUnpaid cancels, as the system, the orders still waiting for payment
// or for a bank transfer whose deadline (PayBy) passed more than grace ago,
// giving back their stock, coupon and points, and returns how many it cancelled. grace leaves
// room for a payment confirmed right at the deadline. It is safe to run on
// several nodes at once: each order is cancelled by a conditional update that
// only one of them wins, and an order paid meanwhile is left alone.
func (s *Service) ExpireUnpaid(ctx context.Context, grace time.Duration) (int, error) {
	cutoff := s.now().UTC().Add(-grace)
	n, err := sweep(ctx,
		func() ([]int64, error) { return unpaidBefore(ctx, s.d.Read(), cutoff, expireBatch) },
		func(id int64) (bool, error) { return s.expire(ctx, id, cutoff) })
	if n > 0 {
		s.deps.Catalog.StockChanged()
		s.log.InfoContext(ctx, "unpaid orders cancelled", "orders", n)
	}
	return n, err
}

// sweep is the loop of the jobs that move many orders, one transaction
// each: find returns up to expireBatch candidate ids (those moved drop out
// of it), act moves one and reports whether it did. It stops when a batch
// is short or brings nothing new (candidates act left alone), and returns
// how many were moved.
func sweep(ctx context.Context, find func() ([]int64, error), act func(id int64) (bool, error)) (int, error) {
	seen := map[int64]bool{}
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		ids, err := find()
		if err != nil {
			return n, err
		}
		fresh := 0
		for _, id := range ids {
			if seen[id] {
				continue
			}
			seen[id], fresh = true, fresh+1
			ok, err := act(id)
			if err != nil {
				return n, err
			}
			if ok {
				n++
			}
		}
		if fresh == 0 || len(ids) < expireBatch {
			return n, nil
		}
	}
}

// expire cancels order id if it is still unpaid past cutoff and reports
// whether it did.
func (s *Service) expire(ctx context.Context, id int64, cutoff time.Time) (bool, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	done := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := orderByID(ctx, q, id)
		if err != nil {
			return err
		}
		from := Status(r.Status)
		if (from != PendingPayment && from != AwaitingDeposit) || !r.PayBy.Valid || !r.PayBy.Time.Before(cutoff) {
			return nil // paid, cancelled or extended meanwhile
		}
		ok, err := setStatus(ctx, q, id, from, Cancelled, now)
		if err != nil || !ok {
			return err
		}
		done = true
		if err := s.after(ctx, q, r, from, Cancelled, System, "not paid in time", now); err != nil {
			return err
		}
		return s.mailMoved(ctx, q, r, Cancelled, "not paid in time", now)
	})
	if err != nil {
		return false, fmt.Errorf("expire order %d: %w", id, err)
	}
	return done, nil
}

// Ship records that order orderID left in a parcel with carrierCode and
// trackingNumber and moves it from paid or preparing to shipped, in one
// transaction, recorded as "order.shipped" in the audit log when actor is
// staff. It returns *fault.Invalid for an unknown carrier ("carrier_code")
// or a bad number ("tracking_number"), fault.ErrConflict when the order is
// not paid or preparing, and fault.ErrNotFound for an unknown order.
func (s *Service) Ship(ctx context.Context, orderID int64, carrierCode, trackingNumber string, actor Actor) (Order, error) {
	carrierCode, trackingNumber, err := s.checkShipment(ctx, orderID, carrierCode, trackingNumber)
	if err != nil {
		return Order{}, err
	}
	// The carrier is read before the transaction, which must not wait for
	// another connection while it holds the order.
	c, err := s.deps.Shipping.Carrier(ctx, carrierCode)
	if err != nil {
		return Order{}, fmt.Errorf("ship order %d: carrier %s: %w", orderID, carrierCode, err)
	}
	reason := carrierCode + " " + trackingNumber
	err = s.transition(ctx, orderID, []Status{Paid, Preparing}, Shipped, actor, reason,
		func(q db.Querier, r orderRow, now time.Time) error {
			_, err := insertShipment(ctx, q, Shipment{OrderID: r.ID, CarrierCode: carrierCode, TrackingNumber: trackingNumber,
				ShippedAt: now, CreatedAt: now, UpdatedAt: now})
			if err != nil {
				return err
			}
			if err := s.auditStaff(ctx, q, actor, "order.shipped", r.ID, map[string]any{"number": r.Number, "from": r.Status,
				"to": string(Shipped), "carrier": carrierCode, "tracking_number": trackingNumber}); err != nil {
				return err
			}
			return s.mailShipped(ctx, q, r, c, trackingNumber)
		})
	if err != nil {
		return Order{}, err
	}
	return s.loaded(ctx, orderID)
}
