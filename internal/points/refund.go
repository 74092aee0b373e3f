package points

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Refunds move points both ways (decision 0040): what the order spent comes
// back (GiveBack, RefundOrder) and what it earned goes (TakeBack). Both run
// on the refund's transaction under the customer's balance lock, and both
// read what earlier refunds of the order did from the ledger, so that
// however the lines are refunded the order gives back exactly what it
// spent and takes back exactly what it earned.

// Earned returns the points order orderID of userID earned (its earn
// entry), read on q; 0 when it earned none, or none yet.
func (s *Service) Earned(ctx context.Context, q db.Querier, userID, orderID int64) (int64, error) {
	e, found, err := orderEntry(ctx, q, userID, orderID, KindEarn)
	if err != nil || !found {
		return 0, err
	}
	return e.Amount, nil
}

// GiveBack gives back to userID, on q, the caller's transaction, amount of
// the points order orderID spent, because some of its lines were refunded,
// with memo in the ledger, and returns what it gave back. The points come
// back as new lots (refund entries) with the expiry of the lots they were
// spent from, those that never expire or expire last first: a refund
// neither lengthens nor shortens the life of points, and points whose lot
// expired meanwhile expire at the next ExpireDue. It never gives back more
// than the order spent less what earlier refunds gave back. While the
// balance is below zero the points pay that debt first.
func (s *Service) GiveBack(ctx context.Context, q db.Querier, userID, orderID, amount int64, memo string) (int64, error) {
	if amount < 1 {
		return 0, nil
	}
	n, err := s.giveBack(ctx, q, userID, orderID, amount, memo)
	if err != nil {
		return 0, fmt.Errorf("give back %d points of order %d to user %d: %w", amount, orderID, userID, err)
	}
	return n, nil
}

// giveBack is GiveBack; an amount below zero gives back all that is left.
func (s *Service) giveBack(ctx context.Context, q db.Querier, userID, orderID, amount int64, memo string) (int64, error) {
	ok, err := lockBalance(ctx, q, userID)
	if err != nil || !ok {
		// No balance row: the customer never had points, so spent none.
		return 0, err
	}
	spend, found, err := orderEntry(ctx, q, userID, orderID, KindSpend)
	if err != nil || !found {
		return 0, err
	}
	back, err := orderSum(ctx, q, userID, orderID, KindRefund)
	if err != nil {
		return 0, err
	}
	left := -spend.Amount - back
	if amount < 0 || amount > left {
		amount = left
	}
	if amount <= 0 {
		return 0, nil
	}
	ls, err := spentLots(ctx, q, spend.ID)
	if err != nil {
		return 0, err
	}
	// Earlier refunds gave back the first points of ls; this one gives the
	// next, one lot per expiry.
	type part struct {
		expires sql.NullTime
		n       int64
	}
	var parts []part
	skip, want := back, amount
	for _, l := range ls {
		n := l.Amount
		d := min(n, skip)
		n, skip = n-d, skip-d
		n = min(n, want)
		if n == 0 {
			continue
		}
		want -= n
		if k := len(parts); k > 0 && sameTime(parts[k-1].expires, l.ExpiresAt) {
			parts[k-1].n += n
		} else {
			parts = append(parts, part{l.ExpiresAt, n})
		}
	}
	if want > 0 {
		return 0, fmt.Errorf("spend entry %d used %d points less than it spent: %w", spend.ID, want, fault.ErrConflict)
	}
	now := s.now().UTC()
	for _, p := range parts {
		err := s.credit(ctx, q, row{UserID: userID, Kind: KindRefund, Amount: p.n, OrderID: nullID(orderID), Memo: memo,
			ExpiresAt: p.expires, Remaining: p.n}, now)
		if err != nil {
			return 0, err
		}
	}
	return amount, nil
}

func sameTime(a, b sql.NullTime) bool {
	return a.Valid == b.Valid && (!a.Valid || a.Time.Equal(b.Time))
}

// TakeBack takes back from userID, on q, the caller's transaction, the
// points order orderID earned, up to upTo in total: upTo is what the
// order's refunds so far take back together (the refunded lines' share of
// what it earned; all of it once every line is refunded), and TakeBack
// takes only what earlier calls did not, so a refund applied again takes
// back nothing more. It writes a revoke entry with memo and returns what it
// took: nothing for an order that earned nothing (not confirmed yet), and
// never more than it earned. The points come from the lots that expire
// soonest; what the lots no longer hold (the customer spent it) takes the
// balance below zero, a debt the next credits pay off first.
func (s *Service) TakeBack(ctx context.Context, q db.Querier, userID, orderID, upTo int64, memo string) (int64, error) {
	n, err := s.takeBack(ctx, q, userID, orderID, upTo, memo)
	if err != nil {
		return 0, fmt.Errorf("take back points order %d earned for user %d: %w", orderID, userID, err)
	}
	return n, nil
}

func (s *Service) takeBack(ctx context.Context, q db.Querier, userID, orderID, upTo int64, memo string) (int64, error) {
	if upTo < 1 {
		return 0, nil
	}
	ok, err := lockBalance(ctx, q, userID)
	if err != nil || !ok {
		return 0, err
	}
	earned, err := s.Earned(ctx, q, userID, orderID)
	if err != nil || earned == 0 {
		return 0, err
	}
	taken, err := orderSum(ctx, q, userID, orderID, KindRevoke)
	if err != nil {
		return 0, err
	}
	n := min(upTo, earned) + taken // taken is negative
	if n <= 0 {
		return 0, nil
	}
	now := s.now().UTC()
	b, err := credit(ctx, q, userID, -n, now)
	if err != nil {
		return 0, err
	}
	id, err := insertEntry(ctx, q, s.d.Dialect, row{UserID: userID, Kind: KindRevoke, Amount: -n, BalanceAfter: b,
		OrderID: nullID(orderID), Memo: memo, CreatedAt: now})
	if err != nil {
		return 0, err
	}
	// The lots hold the balance before, when it was above zero; the rest
	// is the debt.
	if fromLots := min(n, max(0, b+n)); fromLots > 0 {
		lots, err := lotsOf(ctx, q, userID)
		if err != nil {
			return 0, err
		}
		if err := drain(ctx, q, id, lots, fromLots); err != nil {
			return 0, err
		}
	}
	return n, nil
}
