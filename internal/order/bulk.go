package order

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mallang/mallang/internal/fault"
)

// MaxBulk is the most orders BulkTransition moves in one request.
const MaxBulk = 500

// BulkTargets are the statuses staff may move orders to in bulk: those
// that move no money and need nothing but the order. Shipping needs a
// parcel, paying a deposit or a provider's payment, a refund its money,
// and a return its request; those go one order at a time (or through the
// shipment upload).
var BulkTargets = []Status{Preparing, Delivered, Completed, Cancelled}

// Why BulkTransition left an order as it was.
const (
	// RefusedNotFound: there is no such order.
	RefusedNotFound = "not_found"
	// RefusedNotAllowed: the table of transitions does not let staff move
	// an order from its status to the target.
	RefusedNotAllowed = "not_allowed"
	// RefusedPaid: the order is paid, and cancelling it refunds the
	// payment, which is done on the order's page.
	RefusedPaid = "paid"
	// RefusedChanged: the order changed while it was being moved.
	RefusedChanged = "changed"
)

// BulkItem is one order of a bulk change.
type BulkItem struct {
	OrderID int64
	// Number is "" for an order not found.
	Number string
	// From is the status the order was in.
	From Status
	// Refusal says why a refused order was left as it was (Refused…).
	Refusal string
}

// BulkResult is what BulkTransition did: the orders it moved and those it
// refused, each in the order of the request.
type BulkResult struct {
	To      Status
	Changed []BulkItem
	Refused []BulkItem
}

// BulkTransition moves every order of ids (duplicates once) to status to on
// behalf of actor (staff), each through Transition in a transaction of its
// own — the table's check, the history, the audit entry and the mail — so
// an order either moves with everything that goes with it or stays as it
// was, and one refused order stops none of the others. An order the table
// refuses, a paid one to cancel (its refund is on its own page), an unknown
// one and one that changed meanwhile are reported in Refused with why.
//
// It returns *fault.Invalid for no ids or more than MaxBulk ("ids"), a
// status not in BulkTargets ("to"), a cancellation without a reason or a
// reason too long ("reason"), or an actor who is not staff ("actor").
func (s *Service) BulkTransition(ctx context.Context, ids []int64, to Status, actor Actor, reason string) (BulkResult, error) {
	reason = strings.TrimSpace(reason)
	v := &fault.Invalid{}
	uniq := make([]int64, 0, len(ids))
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	switch {
	case len(uniq) == 0:
		v.Add("ids", "choose at least one order")
	case len(uniq) > MaxBulk:
		v.Add("ids", fmt.Sprintf("must be at most %d orders", MaxBulk))
	}
	if !contains(BulkTargets, to) {
		v.Add("to", "is not a status orders move to in bulk")
	}
	if to == Cancelled && reason == "" {
		v.Add("reason", "is required")
	}
	if len([]rune(reason)) > MaxReason {
		v.Add("reason", fmt.Sprintf("must be at most %d characters", MaxReason))
	}
	if actor.Kind != ByStaff || actor.ID <= 0 {
		v.Add("actor", "must be a staff member")
	}
	if err := v.Err(); err != nil {
		return BulkResult{}, err
	}
	res := BulkResult{To: to}
	for _, id := range uniq {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		it, err := s.bulkOne(ctx, id, to, actor, reason)
		if err != nil {
			return res, err
		}
		if it.Refusal == "" {
			res.Changed = append(res.Changed, it)
		} else {
			res.Refused = append(res.Refused, it)
		}
	}
	s.log.InfoContext(ctx, "orders moved in bulk", "to", string(to), "changed", len(res.Changed), "refused", len(res.Refused),
		"actor_id", actor.ID)
	return res, nil
}

// bulkOne moves order id for BulkTransition and says how it went; only a
// failure of the database is an error.
func (s *Service) bulkOne(ctx context.Context, id int64, to Status, actor Actor, reason string) (BulkItem, error) {
	r, err := orderByID(ctx, s.d.Read(), id)
	if errors.Is(err, fault.ErrNotFound) {
		return BulkItem{OrderID: id, Refusal: RefusedNotFound}, nil
	}
	if err != nil {
		return BulkItem{}, err
	}
	it := BulkItem{OrderID: id, Number: r.Number, From: Status(r.Status)}
	switch {
	case !Allowed(it.From, to, ByStaff) || ReturnStatus(it.From, to):
		it.Refusal = RefusedNotAllowed
		return it, nil
	case to == Cancelled && (it.From == Paid || it.From == Preparing):
		it.Refusal = RefusedPaid
		return it, nil
	}
	_, err = s.Transition(ctx, id, to, actor, reason)
	switch {
	case err == nil:
	case errors.Is(err, fault.ErrConflict):
		it.Refusal = RefusedChanged
	case errors.Is(err, fault.ErrNotFound):
		it.Refusal = RefusedNotFound
	default:
		return BulkItem{}, err
	}
	return it, nil
}
