package payment

import (
	"context"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/order"
)

// The hooks below let the external tests reach what a confirm does inside
// the service (the tests build their shop with ordertest, which imports
// this package through checkout).

// SetWait replaces the pause between polls of await.
func SetWait(s *Service, wait func(ctx context.Context, d time.Duration) error) { s.wait = wait }

// Await is s.await.
func Await(ctx context.Context, s *Service, id int64) (Attempt, error) { return s.await(ctx, id) }

// ClaimPrepared stores a prepared attempt of provider for order o and
// claims it as a confirm does, returning its id and whether the claim won.
func ClaimPrepared(ctx context.Context, s *Service, o order.Order, provider string) (int64, bool, error) {
	id, err := insertAttempt(ctx, s.d.Write(), Attempt{OrderID: o.ID, Provider: provider,
		Reference: newReference(o.Number), Status: AttemptPrepared, Amount: o.Total, ChargeCurrency: "KRW",
		ChargeMinor: o.Total}, nil, s.stamp())
	if err != nil {
		return 0, false, err
	}
	won, err := s.claim(ctx, id)
	return id, won, err
}

// SettlePaid records attempt id paid on q, as the confirm that claimed it
// does.
func SettlePaid(ctx context.Context, s *Service, q db.Querier, id int64) error {
	_, err := markAttemptPaid(ctx, q, id, Result{}, s.stamp(), s.stamp())
	return err
}

// SettlePaidNow is SettlePaid on its own statement.
func SettlePaidNow(ctx context.Context, s *Service, id int64) error {
	return SettlePaid(ctx, s, s.d.Write(), id)
}
