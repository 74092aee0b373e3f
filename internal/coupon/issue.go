package coupon

import (
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
)

// Grant is a coupon given to one customer (the birthday coupon): its terms
// are the shop's setting, its code is made here.
type Grant struct {
	Name        string
	Kind        string // KindFixed or KindPercent
	Amount      int64
	MaxDiscount int64
	MinOrder    int64
	// EndsAt is when it stops being usable; required.
	EndsAt time.Time
	// Prefix starts the code, e.g. "BDAY"; letters and digits.
	Prefix string
}

// Issue gives customer userID a coupon of g's terms, usable once and by
// them only, on q, the caller's transaction (the automation's, with its
// mail), and records "coupon.issued" for by there. Terms that would not
// make a valid coupon are a *fault.Invalid keyed like Create's.
func (s *Service) Issue(ctx context.Context, q db.Querier, by audit.Actor, userID int64, g Grant) (Coupon, error) {
	now := s.now().UTC()
	in, err := NewCoupon{Code: g.Prefix + "-" + rand.Text()[:10], Name: g.Name, Kind: g.Kind, Amount: g.Amount,
		MaxDiscount: g.MaxDiscount, MinOrder: g.MinOrder, StartsAt: now, EndsAt: g.EndsAt,
		TotalLimit: 1, PerCustomerLimit: 1}.normalize(now)
	if err != nil {
		return Coupon{}, fmt.Errorf("issue coupon to user %d: %w", userID, err)
	}
	id, err := insertOwnCoupon(ctx, q, s.d.Dialect, in, userID, now)
	if err != nil {
		return Coupon{}, fmt.Errorf("issue coupon to user %d: %w", userID, err)
	}
	c := Coupon{ID: id, Code: in.Code, Name: in.Name, Kind: in.Kind, Amount: in.Amount, MaxDiscount: in.MaxDiscount,
		MinOrder: in.MinOrder, StartsAt: in.StartsAt, EndsAt: in.EndsAt, TotalLimit: 1, PerCustomerLimit: 1,
		Active: true, UserID: userID, CreatedAt: now, UpdatedAt: now}
	err = s.audit.Record(ctx, q, by.Entry("coupon.issued", "coupon", strconv.FormatInt(id, 10), map[string]any{
		"user_id": userID, "name": c.Name, "kind": c.Kind, "amount": c.Amount, "ends_at": c.EndsAt.Format(time.RFC3339)}))
	if err != nil {
		return Coupon{}, fmt.Errorf("issue coupon to user %d: %w", userID, err)
	}
	return c, nil
}

// Own returns customer userID's own coupons (see Issue) that they can use
// now, soonest ending first.
func (s *Service) Own(ctx context.Context, userID int64) ([]Coupon, error) {
	rs, err := ownCoupons(ctx, s.d.Read(), userID, s.now().UTC())
	if err != nil {
		return nil, err
	}
	out := make([]Coupon, len(rs))
	for i, r := range rs {
		out[i] = r.coupon()
	}
	return out, nil
}
