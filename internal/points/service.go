package points

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// MaxMemo is the longest memo, in characters, an entry keeps.
const MaxMemo = 200

// Service keeps the points ledger. Spend, Earn, RefundOrder, GiveBack and
// TakeBack run on the caller's transaction (the order's or the payment's),
// so that points change exactly when the order does; the other methods open
// their own. Callers that also redeem a
// coupon in the same transaction should redeem it first, in placing and in
// cancelling alike, so that two transactions never take the two locks in
// opposite orders.
type Service struct {
	d   *db.DB
	now func() time.Time
}

// New returns the points service.
func New(d *db.DB, now func() time.Time) *Service {
	return &Service{d: d, now: now}
}

// Balance returns the points balance of userID; 0 for a customer who never
// had any. It is below zero while a refund took back more earned points than
// were left (decision 0040): the customer owes them to the next credits.
func (s *Service) Balance(ctx context.Context, userID int64) (int64, error) {
	return balanceOf(ctx, s.d.Read(), userID)
}

// Spendable returns the points userID can spend now: the balance, or 0
// while it is below zero.
func (s *Service) Spendable(ctx context.Context, userID int64) (int64, error) {
	b, err := balanceOf(ctx, s.d.Read(), userID)
	return max(0, b), err
}

// Spend takes amount points from userID for order orderID on q, the caller's
// transaction, taking them from the lots that expire soonest. It returns
// *fault.Invalid under the key "points" when amount is below 1 or more than
// the balance (nothing is taken), and fault.ErrConflict when the order has
// spent points already. The balance row of userID stays locked until the
// caller's transaction ends.
func (s *Service) Spend(ctx context.Context, q db.Querier, userID, amount, orderID int64) error {
	if amount < 1 {
		return &fault.Invalid{Fields: map[string]string{"points": "must be at least 1"}}
	}
	if orderID < 1 {
		return fmt.Errorf("spend points of user %d: order id %d: %w", userID, orderID, fault.ErrNotFound)
	}
	err := s.takeOut(ctx, q, row{UserID: userID, Kind: KindSpend, Amount: -amount, OrderID: nullID(orderID)},
		&fault.Invalid{Fields: map[string]string{"points": "is more than your balance"}})
	if err != nil {
		return fmt.Errorf("spend %d points of user %d on order %d: %w", amount, userID, orderID, err)
	}
	return nil
}

// Earn credits amount points to userID on q, the caller's transaction, as a
// lot that expires at expiresAt (the zero time: never). orderID is the order
// that earned them, 0 for points not earned by an order (reviews,
// attendance). It returns *fault.Invalid under "points" for an amount below 1
// and under "expires_at" for an expiry that is not in the future, and
// fault.ErrConflict when the order has earned points already.
func (s *Service) Earn(ctx context.Context, q db.Querier, userID, amount, orderID int64, memo string, expiresAt time.Time) error {
	now := s.now().UTC()
	v := &fault.Invalid{}
	if amount < 1 {
		v.Add("points", "must be at least 1")
	}
	if !expiresAt.IsZero() && !expiresAt.After(now) {
		v.Add("expires_at", "must be in the future")
	}
	if utf8.RuneCountInString(memo) > MaxMemo {
		v.Add("memo", fmt.Sprintf("must be at most %d characters", MaxMemo))
	}
	if err := v.Err(); err != nil {
		return err
	}
	err := s.credit(ctx, q, row{UserID: userID, Kind: KindEarn, Amount: amount, OrderID: nullID(orderID),
		Memo: memo, ExpiresAt: nullTime(expiresAt), Remaining: amount}, now)
	if err != nil {
		return fmt.Errorf("earn %d points for user %d: %w", amount, userID, err)
	}
	return nil
}

// RefundOrder gives back to userID, on q, the caller's transaction, what
// is left to give back of the points order orderID spent (all of them when
// no refund gave any back yet), as GiveBack does. It does nothing when the
// order spent no points or they are back already, so it is safe to call
// again.
func (s *Service) RefundOrder(ctx context.Context, q db.Querier, userID, orderID int64) error {
	if _, err := s.giveBack(ctx, q, userID, orderID, -1, ""); err != nil {
		return fmt.Errorf("refund points of order %d to user %d: %w", orderID, userID, err)
	}
	return nil
}

// Adjust changes the points of userID by delta on behalf of staff member
// actorID, with memo saying why (shown to the customer), in a transaction of
// its own; see AdjustOn.
func (s *Service) Adjust(ctx context.Context, userID, delta int64, memo string, actorID int64) error {
	if err := checkAdjust(delta, memo, actorID); err != nil {
		return err
	}
	return s.d.InTx(ctx, func(q db.Querier) error { return s.AdjustOn(ctx, q, userID, delta, memo, actorID) })
}

// AdjustOn is Adjust on q, the caller's transaction (which records the
// staff's audit entry beside it). A positive delta is a lot that never
// expires and pays a debt first; a negative one takes from the lots that
// expire soonest, and is refused when it is more than the balance (so a
// balance never goes below zero by an adjustment, and one below zero takes
// no negative adjustment at all: decision 0040). It returns *fault.Invalid
// for a zero delta, a negative delta larger than the balance (key "delta",
// "is more than the customer's balance"), a missing or long memo (key
// "memo") or a missing actor (key "actor").
func (s *Service) AdjustOn(ctx context.Context, q db.Querier, userID, delta int64, memo string, actorID int64) error {
	if err := checkAdjust(delta, memo, actorID); err != nil {
		return err
	}
	r := row{UserID: userID, Kind: KindAdjust, Amount: delta, Memo: memo, ActorID: nullID(actorID)}
	var err error
	if delta > 0 {
		r.Remaining = delta
		err = s.credit(ctx, q, r, s.now().UTC())
	} else {
		err = s.takeOut(ctx, q, r,
			&fault.Invalid{Fields: map[string]string{"delta": "is more than the customer's balance"}})
	}
	if err != nil {
		return fmt.Errorf("adjust points of user %d by %d: %w", userID, delta, err)
	}
	return nil
}

// checkAdjust checks an adjustment's fields.
func checkAdjust(delta int64, memo string, actorID int64) error {
	v := &fault.Invalid{}
	if delta == 0 {
		v.Add("delta", "must not be zero")
	}
	if memo == "" {
		v.Add("memo", "is required")
	} else if utf8.RuneCountInString(memo) > MaxMemo {
		v.Add("memo", fmt.Sprintf("must be at most %d characters", MaxMemo))
	}
	if actorID < 1 {
		v.Add("actor", "is required")
	}
	return v.Err()
}

// credit adds r.Amount to the balance and appends r with the balance after.
// When r is a lot and the balance was below zero, the credit pays that debt
// first: the lot keeps only what the balance gained above zero, so the lots
// always hold exactly the positive part of the balance.
func (s *Service) credit(ctx context.Context, q db.Querier, r row, now time.Time) error {
	b, err := credit(ctx, q, r.UserID, r.Amount, now)
	if err != nil {
		return err
	}
	if r.Remaining > 0 {
		r.Remaining = min(r.Remaining, max(0, b))
	}
	r.BalanceAfter, r.CreatedAt = b, now
	_, err = insertEntry(ctx, q, s.d.Dialect, r)
	return err
}

// takeOut debits -r.Amount: from the balance, returning short when it is
// not enough, then from the lots soonest expiry first, recording which.
func (s *Service) takeOut(ctx context.Context, q db.Querier, r row, short error) error {
	now := s.now().UTC()
	amount := -r.Amount
	b, ok, err := debit(ctx, q, r.UserID, amount, now)
	if err != nil {
		return err
	}
	if !ok {
		return short
	}
	r.BalanceAfter, r.CreatedAt = b, now
	id, err := insertEntry(ctx, q, s.d.Dialect, r)
	if err != nil {
		return err
	}
	lots, err := lotsOf(ctx, q, r.UserID)
	if err != nil {
		return err
	}
	return drain(ctx, q, id, lots, amount)
}

// drain takes amount from lots in their order for debit entryID. The lots
// must hold at least amount: the balance is their sum.
func drain(ctx context.Context, q db.Querier, entryID int64, lots []lot, amount int64) error {
	left := amount
	for _, l := range lots {
		if left == 0 {
			break
		}
		take := min(l.Remaining, left)
		if err := takeFromLot(ctx, q, l.ID, take); err != nil {
			return err
		}
		if err := insertUse(ctx, q, entryID, l.ID, take); err != nil {
			return err
		}
		left -= take
	}
	if left > 0 {
		return fmt.Errorf("lots hold %d points less than the balance: %w", left, fault.ErrConflict)
	}
	return nil
}

// expireBatch is how many customers ExpireDue looks up at a time.
const expireBatch = 500

// ExpireDue expires what is left of every lot whose expiry has passed,
// writing one expire entry per customer, and returns the points expired. Each
// customer is handled in a transaction of its own under the balance lock,
// which re-reads the due lots: several nodes may run it at once, and each
// point expires once.
func (s *Service) ExpireDue(ctx context.Context) (int64, error) {
	now := s.now().UTC()
	var total, after int64
	for {
		users, err := usersWithDueLots(ctx, s.d.Read(), now, after, expireBatch)
		if err != nil {
			return total, err
		}
		for _, u := range users {
			n, err := s.expireUser(ctx, u, now)
			if err != nil {
				return total, err
			}
			total += n
		}
		if len(users) < expireBatch {
			return total, nil
		}
		after = users[len(users)-1]
	}
}

// expireUser expires the due lots of userID and returns the points expired.
func (s *Service) expireUser(ctx context.Context, userID int64, now time.Time) (int64, error) {
	var sum int64
	err := s.d.InTx(ctx, func(q db.Querier) error {
		sum = 0
		if ok, err := lockBalance(ctx, q, userID); err != nil || !ok {
			return err
		}
		lots, err := dueLots(ctx, q, userID, now)
		if err != nil || len(lots) == 0 {
			// Expired by another run since it was listed.
			return err
		}
		for _, l := range lots {
			sum += l.Remaining
		}
		b, ok, err := debit(ctx, q, userID, sum, now)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("balance below its due lots (%d points): %w", sum, fault.ErrConflict)
		}
		id, err := insertEntry(ctx, q, s.d.Dialect, row{UserID: userID, Kind: KindExpire, Amount: -sum,
			BalanceAfter: b, CreatedAt: now})
		if err != nil {
			return err
		}
		return drain(ctx, q, id, lots, sum)
	})
	if err != nil {
		return 0, fmt.Errorf("expire points of user %d: %w", userID, err)
	}
	return sum, nil
}

// Entries returns the ledger entries of userID created in [from, to), oldest
// first; the "my points" calendar asks for one month at a time.
func (s *Service) Entries(ctx context.Context, userID int64, from, to time.Time) ([]Entry, error) {
	rs, err := entriesOf(ctx, s.d.Read(), userID, from.UTC(), to.UTC())
	if err != nil {
		return nil, err
	}
	out := make([]Entry, len(rs))
	for i, r := range rs {
		out[i] = r.entry()
	}
	return out, nil
}

// ExpiringSoon returns the points of userID that expire within the given
// time from now if not spent first, including any already due that
// ExpireDue has not expired yet.
func (s *Service) ExpiringSoon(ctx context.Context, userID int64, within time.Duration) (int64, error) {
	return expiringBy(ctx, s.d.Read(), userID, s.now().UTC().Add(within))
}
