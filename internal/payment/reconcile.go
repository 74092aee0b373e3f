package payment

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// reconcileAfter is how old an unsettled attempt must be before
// reconciliation looks it up.
const reconcileAfter = 2 * time.Minute

// Reconcile settles what no callback settled: attempts whose outcome was
// unknown (a timeout) or whose confirm stopped half-way are looked up at
// their provider, and transfers of orders that were cancelled (their
// deadline passed) are closed. It returns how many attempts it changed. It
// runs from the hourly job.
func (s *Service) Reconcile(ctx context.Context) (int64, error) {
	now := s.stamp()
	res, err := s.d.Write().ExecContext(ctx, s.d.Write().Rebind(`UPDATE payment_attempts SET status = 'failed',
		failure_code = 'ORDER_CANCELLED', failure_message = '주문이 취소되었습니다', updated_at = ?
		WHERE status IN ('awaiting_deposit', 'prepared') AND order_id IN (SELECT id FROM orders WHERE status = 'cancelled')`), now)
	if err != nil {
		return 0, fmt.Errorf("close payments of cancelled orders: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("close payments of cancelled orders: %w", err)
	}
	// A confirm still inside its lease is left to finish.
	var open []struct {
		ID     int64  `db:"id"`
		Status string `db:"status"`
	}
	err = s.d.Read().SelectContext(ctx, &open, s.d.Read().Rebind(`SELECT id, status FROM payment_attempts
		WHERE status IN ('confirming', 'pending', 'awaiting_deposit') AND updated_at < ?
		AND NOT (status = 'confirming' AND claimed_until > ?) ORDER BY id LIMIT 500`),
		now.Add(-reconcileAfter), now)
	if err != nil {
		return n, fmt.Errorf("find unsettled payments: %w", err)
	}
	var errs []error
	for _, o := range open {
		after, err := s.Sync(ctx, o.ID)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if string(after.Status) != o.Status {
			n++
		}
	}
	return n, errors.Join(errs...)
}
