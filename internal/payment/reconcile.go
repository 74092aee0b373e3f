package payment

import (
	"context"
	"errors"
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
	n, err := failAttemptsOfCancelledOrders(ctx, s.d.Write(), now)
	if err != nil {
		return 0, err
	}
	// A confirm still inside its lease is left to finish.
	open, err := unsettledAttempts(ctx, s.d.Read(), now.Add(-reconcileAfter), now, 500)
	if err != nil {
		return n, err
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
