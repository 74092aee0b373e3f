package order

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// AdminList returns a page of every customer's orders matching f, newest
// first, with their lines but without shipments or the delivery address
// (AdminGet has them), and how many orders match in all, counted up to
// CountLimit (a count of CountLimit means that many or more), for the
// pager. Orders are read newest first by id, which follows the time they
// were placed. It is for staff only: callers check the staff member's
// permission first. A bad filter is *fault.Invalid keyed by the filter's
// parameter (see AdminFilter).
func (s *Service) AdminList(ctx context.Context, f AdminFilter) ([]Order, int, error) {
	f, err := f.check()
	if err != nil {
		return nil, 0, err
	}
	q := s.d.Read()
	where, args := s.where(f, s.now())
	total, err := countAdminOrders(ctx, q, where, args)
	if err != nil {
		return nil, 0, err
	}
	if total == 0 || (f.Offset >= total && total < CountLimit) {
		return nil, total, nil
	}
	rows, err := adminOrders(ctx, q, where, pageOrder(f), args, f.Limit, f.Offset)
	if err != nil {
		return nil, 0, err
	}
	out, err := s.withLines(ctx, q, rows)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// withLines turns rows into orders with their lines, the delivery address
// left out.
func (s *Service) withLines(ctx context.Context, q db.Querier, rows []orderRow) ([]Order, error) {
	out := make([]Order, len(rows))
	ids := make([]int64, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		o, err := r.order()
		if err != nil {
			return nil, err
		}
		o.Address, o.DeliveryNote = Address{}, ""
		out[i], ids[i], at[r.ID] = o, r.ID, i
	}
	if len(ids) == 0 {
		return out, nil
	}
	lines, err := linesOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, l := range lines {
		i := at[l.OrderID]
		out[i].Lines = append(out[i].Lines, l)
	}
	return out, nil
}

// AdminGet returns order orderID, whoever's it is, with its lines,
// shipments (with their tracking links) and the decrypted delivery address,
// or fault.ErrNotFound. It is for staff only: callers check the staff
// member's permission first.
func (s *Service) AdminGet(ctx context.Context, orderID int64) (Order, error) {
	o, err := s.load(ctx, s.d.Read(), orderID)
	if err != nil {
		return Order{}, fmt.Errorf("order %d: %w", orderID, err)
	}
	return o, nil
}

// checkShipment trims and checks a carrier code and tracking number as Ship
// does: *fault.Invalid for a missing or unknown carrier ("carrier_code") or
// a bad number ("tracking_number").
func (s *Service) checkShipment(ctx context.Context, orderID int64, carrierCode, trackingNumber string) (string, string, error) {
	carrierCode, trackingNumber = strings.TrimSpace(carrierCode), strings.TrimSpace(trackingNumber)
	v := &fault.Invalid{}
	if carrierCode == "" {
		v.Add("carrier_code", "is required")
	}
	switch {
	case trackingNumber == "":
		v.Add("tracking_number", "is required")
	case utf8.RuneCountInString(trackingNumber) > MaxTracking:
		v.Add("tracking_number", fmt.Sprintf("must be at most %d characters", MaxTracking))
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	if _, err := s.deps.Shipping.TrackingURL(ctx, carrierCode, trackingNumber); err != nil {
		if errors.Is(err, fault.ErrNotFound) {
			return "", "", &fault.Invalid{Fields: map[string]string{"carrier_code": "is not a known carrier"}}
		}
		if _, ok := fault.AsInvalid(err); ok {
			return "", "", err
		}
		return "", "", fmt.Errorf("ship order %d: %w", orderID, err)
	}
	return carrierCode, trackingNumber, nil
}
