package order

import (
	"context"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
)

// ConfirmedAutomatically is the history reason of an order the shop
// confirmed because its customer did not within Config.ConfirmAfter.
const ConfirmedAutomatically = "confirmed automatically after delivery"

// ConfirmPurchase is the customer's purchase confirmation (구매확정) of
// their delivered order: it becomes Completed and the points it earns are
// credited, once however often it is asked. fault.ErrConflict when the
// order is not delivered (not yet, or confirmed already), fault.ErrNotFound
// for another customer's order.
func (s *Service) ConfirmPurchase(ctx context.Context, userID, orderID int64) (Order, error) {
	return s.Transition(ctx, orderID, Completed, Customer(userID), "")
}

// ConfirmDelivered confirms for their customers the orders delivered at
// least the confirm-after days of the settings (Config.Terms) ago and not confirmed since, as the system,
// and returns how many. Each order is one transaction that checks the
// status again, so a customer confirming at the same moment, or a second
// run of the job, confirms nothing twice: the points are credited once.
func (s *Service) ConfirmDelivered(ctx context.Context) (int, error) {
	cutoff := s.now().UTC().Add(-s.confirmAfter(ctx))
	n, err := sweep(ctx,
		func() ([]int64, error) { return deliveredBefore(ctx, s.d.Read(), cutoff, expireBatch) },
		func(id int64) (bool, error) { return s.confirmDelivered(ctx, id, cutoff) })
	if n > 0 {
		s.log.InfoContext(ctx, "delivered orders confirmed", "orders", n)
	}
	return n, err
}

// confirmDelivered completes order id if it is still delivered since
// before cutoff, and reports whether it did.
func (s *Service) confirmDelivered(ctx context.Context, id int64, cutoff time.Time) (bool, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	done := false
	err := s.d.InTx(ctx, func(q db.Querier) error {
		r, err := orderByID(ctx, q, id)
		if err != nil {
			return err
		}
		if Status(r.Status) != Delivered || r.UpdatedAt.After(cutoff) {
			return nil // confirmed, returned or delivered again meanwhile
		}
		ok, err := setStatus(ctx, q, id, Delivered, Completed, now)
		if err != nil || !ok {
			return err
		}
		done = true
		return s.after(ctx, q, r, Delivered, Completed, System, ConfirmedAutomatically, now)
	})
	if err != nil {
		return false, fmt.Errorf("confirm delivered order %d: %w", id, err)
	}
	return done, nil
}

// deliveredBefore returns up to limit orders delivered (the status's last
// change) before cutoff, oldest first.
func deliveredBefore(ctx context.Context, q db.Querier, cutoff time.Time, limit int) ([]int64, error) {
	var ids []int64
	err := q.SelectContext(ctx, &ids, q.Rebind(`SELECT id FROM orders WHERE status = 'delivered' AND updated_at <= ?
		ORDER BY updated_at, id LIMIT ?`), cutoff, limit)
	if err != nil {
		return nil, fmt.Errorf("find delivered orders: %w", err)
	}
	return ids, nil
}
