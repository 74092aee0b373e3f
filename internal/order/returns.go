package order

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/shipping"
)

// The order's side of returns and exchanges. internal/returns decides; these
// functions move the order on the returns service's transaction, so a
// return and the order it moves are recorded together or not at all. Each
// first locks the order's row (as HoldForPayment does), so the steps of the
// returns of one order run one after another.

// ReturnStatus reports whether a change from from to to belongs to a return
// or an exchange, which only internal/returns makes (through OpenReturn,
// CloseReturn, ReceiveReturn and ShipExchange): a return request without
// its lines, or goods received without the staff's word on restocking,
// would leave the order and its return apart. Transition refuses such
// changes and the back office does not offer them.
func ReturnStatus(from, to Status) bool {
	return to == ReturnRequested || to == Returned || from == ReturnRequested
}

// OpenReturn moves order orderID from delivered to return requested on q,
// for actor (the customer, who must own it, or staff), with reason in the
// history, and returns the order as it was. It is the only way into a
// return, so purchase confirmation, by the customer or by ConfirmDelivered,
// waits until the return is closed. Errors: fault.ErrNotFound for an
// unknown order or another customer's; fault.ErrConflict for an order that
// is not delivered (not yet, confirmed already, or in a return already).
func (s *Service) OpenReturn(ctx context.Context, q db.Querier, orderID int64, actor Actor, reason string) (Order, error) {
	r, err := s.holdForReturn(ctx, q, orderID, actor)
	if err != nil {
		return Order{}, err
	}
	if err := s.moveForReturn(ctx, q, r, Delivered, ReturnRequested, actor, reason); err != nil {
		return Order{}, err
	}
	return s.open(r)
}

// CloseReturn moves order orderID, whose return was refused, from return
// requested back to delivered on q, so it can be confirmed again; the
// confirmation period starts over. Only staff may. fault.ErrConflict when
// the order is not in a return.
func (s *Service) CloseReturn(ctx context.Context, q db.Querier, orderID int64, actor Actor, reason string) error {
	r, err := s.holdForReturn(ctx, q, orderID, actor)
	if err != nil {
		return err
	}
	return s.moveForReturn(ctx, q, r, ReturnRequested, Delivered, actor, reason)
}

// ReceiveReturn records on q that the goods of order orderID's return came
// back: the order moves from return requested to returned (a refund
// follows through the payment service), and the units of the lines restock,
// which staff judged resellable, go back in stock; nothing else does. Only staff may. fault.ErrConflict when the
// order is not in a return.
func (s *Service) ReceiveReturn(ctx context.Context, q db.Querier, orderID int64, restock []int64, actor Actor, reason string) error {
	r, err := s.holdForReturn(ctx, q, orderID, actor)
	if err != nil {
		return err
	}
	if err := s.moveForReturn(ctx, q, r, ReturnRequested, Returned, actor, reason); err != nil {
		return err
	}
	return s.restock(ctx, q, orderID, restock)
}

// ShipExchange records on q that the goods of order orderID's exchange went
// out with carrier and trackingNumber: the order moves from return requested
// to shipped with a new shipment, and delivery and confirmation follow as
// for the first parcel. The caller reads carrier before its transaction, so
// that nothing here waits for another connection while the order is held. The units of the lines restock go back in
// stock (staff judged them resellable) and those of the lines take leave it
// for the new parcel; a variant short of them is fault.ErrConflict and nothing
// changes. Only staff may. *fault.Invalid for a bad number, as Ship.
func (s *Service) ShipExchange(ctx context.Context, q db.Querier, orderID int64, carrier shipping.Carrier, trackingNumber string,
	restock, take []int64, actor Actor) error {
	trackingNumber = strings.TrimSpace(trackingNumber)
	if _, err := shipping.TrackingURL(carrier, trackingNumber); err != nil {
		return err
	}
	carrierCode := carrier.Code
	r, err := s.holdForReturn(ctx, q, orderID, actor)
	if err != nil {
		return err
	}
	if err := s.moveForReturn(ctx, q, r, ReturnRequested, Shipped, actor, carrierCode+" "+trackingNumber); err != nil {
		return err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	if _, err := insertShipment(ctx, q, Shipment{OrderID: r.ID, CarrierCode: carrierCode, TrackingNumber: trackingNumber,
		ShippedAt: now, CreatedAt: now, UpdatedAt: now}); err != nil {
		return err
	}
	if err := s.restock(ctx, q, orderID, restock); err != nil {
		return err
	}
	lines, err := linesOf(ctx, q, []int64{orderID})
	if err != nil {
		return err
	}
	for _, l := range lines {
		if containsID(take, l.ID) {
			if err := s.deps.Catalog.TakeStock(ctx, q, l.VariantID, l.Quantity); err != nil {
				return fmt.Errorf("exchange of %s: %w", l.Name, err)
			}
		}
	}
	s.deps.Catalog.StockChanged()
	return nil
}

// holdForReturn locks order orderID on q and reads it, refusing another
// customer's order and anyone but its customer or staff.
func (s *Service) holdForReturn(ctx context.Context, q db.Querier, orderID int64, actor Actor) (orderRow, error) {
	if actor.Kind != ByCustomer && actor.Kind != ByStaff || actor.ID <= 0 {
		return orderRow{}, &fault.Invalid{Fields: map[string]string{"actor": "must be the customer or a staff member"}}
	}
	if _, err := holdOrder(ctx, q, s.d.Dialect, orderID); err != nil {
		return orderRow{}, err
	}
	r, err := orderByID(ctx, q, orderID)
	if err != nil {
		return orderRow{}, err
	}
	if actor.Kind == ByCustomer && r.UserID != actor.ID {
		return orderRow{}, fmt.Errorf("order %d: %w", orderID, fault.ErrNotFound)
	}
	return r, nil
}

// moveForReturn moves the order of r from from to to on q, as the table of
// transitions allows actor, with its history and, for staff, its audit
// entry.
func (s *Service) moveForReturn(ctx context.Context, q db.Querier, r orderRow, from, to Status, actor Actor, reason string) error {
	reason = strings.TrimSpace(reason)
	cur := Status(r.Status)
	if cur != from {
		return fmt.Errorf("order %d is %s, not %s: %w", r.ID, cur, from, fault.ErrConflict)
	}
	if !Allowed(from, to, actor.Kind) {
		return fmt.Errorf("order %d: %s: %w", r.ID, refusal(from, to, actor.Kind), fault.ErrConflict)
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	ok, err := setStatus(ctx, q, r.ID, from, to, now)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("order %d changed while moving it from %s to %s: %w", r.ID, from, to, fault.ErrConflict)
	}
	if err := s.after(ctx, q, r, from, to, actor, reason, now); err != nil {
		return err
	}
	d := map[string]any{"number": r.Number, "from": string(from), "to": string(to)}
	if reason != "" {
		d["reason"] = reason
	}
	return s.auditStaff(ctx, q, actor, "order.status_changed", r.ID, d)
}

// restock puts the units of the lines restock of order orderID back in
// stock.
func (s *Service) restock(ctx context.Context, q db.Querier, orderID int64, restock []int64) error {
	if len(restock) == 0 {
		return nil
	}
	lines, err := linesOf(ctx, q, []int64{orderID})
	if err != nil {
		return err
	}
	for _, l := range lines {
		if !containsID(restock, l.ID) {
			continue
		}
		err := s.deps.Catalog.ReturnStock(ctx, q, l.VariantID, l.Quantity)
		if err != nil && !errors.Is(err, fault.ErrNotFound) { // a deleted variant has no stock to take it
			return err
		}
	}
	s.deps.Catalog.StockChanged()
	return nil
}
