package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// AdminFilter narrows AdminList. Zero fields do not filter.
type AdminFilter struct {
	// Status keeps the orders in this status.
	Status Status
	// Number keeps the order with this number (any case, spaces around
	// ignored); order numbers are matched whole.
	Number string
	// Limit is the page size, 1 to MaxList.
	Limit int
	// Offset is how many orders to skip, not negative.
	Offset int
}

// AdminList returns a page of every customer's orders matching f, newest
// first, with their lines but without shipments or the delivery address
// (AdminGet has them), and how many orders match in all, for the pager.
// Orders are read newest first by id, which follows the time they were
// placed, so the page is read along the primary key. It is for staff only:
// callers check the staff member's permission first. A bad filter is
// *fault.Invalid keyed "status", "limit" or "offset".
func (s *Service) AdminList(ctx context.Context, f AdminFilter) ([]Order, int, error) {
	f.Number = strings.ToUpper(strings.TrimSpace(f.Number))
	v := &fault.Invalid{}
	if f.Status != "" && !f.Status.Valid() {
		v.Add("status", "is not an order status")
	}
	if f.Limit < 1 || f.Limit > MaxList {
		v.Add("limit", fmt.Sprintf("must be 1 to %d", MaxList))
	}
	if f.Offset < 0 {
		v.Add("offset", "must not be negative")
	}
	if utf8.RuneCountInString(f.Number) > 64 {
		v.Add("number", "must be at most 64 characters")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	q := s.d.Read()
	total, err := countAdminOrders(ctx, q, f)
	if err != nil {
		return nil, 0, err
	}
	if total == 0 || f.Offset >= total {
		return nil, total, nil
	}
	rows, err := adminOrders(ctx, q, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Order, len(rows))
	ids := make([]int64, len(rows))
	at := make(map[int64]int, len(rows))
	for i, r := range rows {
		o, err := r.order()
		if err != nil {
			return nil, 0, err
		}
		o.Address, o.DeliveryNote = Address{}, ""
		out[i], ids[i], at[r.ID] = o, r.ID, i
	}
	lines, err := linesOf(ctx, q, ids)
	if err != nil {
		return nil, 0, err
	}
	for _, l := range lines {
		i := at[l.OrderID]
		out[i].Lines = append(out[i].Lines, l)
	}
	return out, total, nil
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

// adminWhere is the WHERE clause of f with its arguments.
func adminWhere(f AdminFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, f.Status)
	}
	if f.Number != "" {
		conds = append(conds, "number = ?")
		args = append(args, f.Number)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

func countAdminOrders(ctx context.Context, q db.Querier, f AdminFilter) (int, error) {
	where, args := adminWhere(f)
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM orders`+where), args...); err != nil {
		return 0, fmt.Errorf("count orders: %w", err)
	}
	return n, nil
}

func adminOrders(ctx context.Context, q db.Querier, f AdminFilter) ([]orderRow, error) {
	where, args := adminWhere(f)
	var rs []orderRow
	err := q.SelectContext(ctx, &rs, q.Rebind(selectOrder+where+` ORDER BY id DESC LIMIT ? OFFSET ?`),
		append(args, f.Limit, f.Offset)...)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return rs, nil
}
