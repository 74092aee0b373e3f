package order

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// ParcelTracker asks a carrier (through a tracking service) whether a
// parcel has been delivered, and when by its clock. A parcel or carrier
// it cannot track is fault.ErrNotFound.
type ParcelTracker interface {
	Delivered(ctx context.Context, carrierCode, trackingNumber string) (at time.Time, delivered bool, err error)
}

// DeliveredByCarrier is the history reason of an order the carrier
// reported delivered.
const DeliveredByCarrier = "delivered according to the carrier"

// TrackShipped asks t about every parcel of a shipped order not yet
// delivered, records the carrier's delivery time on each one delivered,
// and moves an order whose parcels are all delivered to Delivered, as the
// system. It returns how many orders it moved. Parcels t cannot track are
// left for staff to mark by hand; any other error stops the round (the
// next one tries again).
func (s *Service) TrackShipped(ctx context.Context, t ParcelTracker) (int, error) {
	moved := 0
	after := int64(0)
	for {
		parcels, err := undeliveredParcels(ctx, s.d.Read(), after, expireBatch)
		if err != nil {
			return moved, err
		}
		for _, p := range parcels {
			after = p.ID
			at, ok, err := t.Delivered(ctx, p.CarrierCode, p.TrackingNumber)
			if errors.Is(err, fault.ErrNotFound) {
				continue
			}
			if err != nil {
				return moved, fmt.Errorf("track shipment %d of order %d: %w", p.ID, p.OrderID, err)
			}
			if !ok {
				continue
			}
			done, err := s.parcelDelivered(ctx, p, at)
			if err != nil {
				return moved, err
			}
			if done {
				moved++
			}
		}
		if len(parcels) < expireBatch {
			if moved > 0 {
				s.log.InfoContext(ctx, "orders delivered according to their carriers", "orders", moved)
			}
			return moved, nil
		}
	}
}

// parcelDelivered records parcel p delivered at at and, when it was the
// order's last parcel on its way, moves the order to Delivered; it
// reports whether it moved the order.
func (s *Service) parcelDelivered(ctx context.Context, p parcel, at time.Time) (bool, error) {
	if _, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE shipments SET delivered_at = ?, updated_at = ?
		WHERE id = ? AND delivered_at IS NULL`), at.UTC(), s.now().UTC(), p.ID); err != nil {
		return false, fmt.Errorf("mark shipment %d delivered: %w", p.ID, err)
	}
	var left int
	q := s.d.Read()
	if err := q.GetContext(ctx, &left, q.Rebind(`SELECT COUNT(*) FROM shipments WHERE order_id = ? AND delivered_at IS NULL`), p.OrderID); err != nil {
		return false, fmt.Errorf("count parcels of order %d on their way: %w", p.OrderID, err)
	}
	if left > 0 {
		return false, nil
	}
	err := s.transition(ctx, p.OrderID, []Status{Shipped}, Delivered, System, DeliveredByCarrier, nil)
	if errors.Is(err, fault.ErrConflict) {
		return false, nil // staff marked it, or it moved on, meanwhile
	}
	return err == nil, err
}

// parcel is a shipment on its way.
type parcel struct {
	ID             int64  `db:"id"`
	OrderID        int64  `db:"order_id"`
	CarrierCode    string `db:"carrier_code"`
	TrackingNumber string `db:"tracking_number"`
}

// undeliveredParcels returns up to limit shipments after id after, of
// shipped orders, not marked delivered.
func undeliveredParcels(ctx context.Context, q db.Querier, after int64, limit int) ([]parcel, error) {
	var ps []parcel
	err := q.SelectContext(ctx, &ps, q.Rebind(`SELECT s.id, s.order_id, s.carrier_code, s.tracking_number
		FROM shipments s JOIN orders o ON o.id = s.order_id
		WHERE o.status = 'shipped' AND s.delivered_at IS NULL AND s.id > ?
		ORDER BY s.id LIMIT ?`), after, limit)
	if err != nil {
		return nil, fmt.Errorf("find parcels on their way: %w", err)
	}
	return ps, nil
}
