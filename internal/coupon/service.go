package coupon

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Service manages coupons. Redeem and Release run on the caller's
// transaction (the order's), so that a use is counted exactly when the order
// is placed and given back exactly when it is cancelled. Callers that also
// spend points in the same transaction should redeem or release the coupon
// first, so that two transactions never take the two locks in opposite
// orders.
type Service struct {
	d     *db.DB
	audit Audit
	now   func() time.Time
}

// Audit records a staff change in the transaction that makes it;
// *audit.Log implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// New returns the coupon service; changes are audited in log.
func New(d *db.DB, log Audit, now func() time.Time) *Service {
	return &Service{d: d, audit: log, now: now}
}

// Create stores a new, active coupon for by and records "coupon.created" in
// the audit log in the same transaction. It returns *fault.Invalid, keyed
// by field (code, name, kind, amount, max_discount, min_order, ends_at,
// total_limit, per_customer_limit, category_ids, product_ids, targets), for
// bad input, a code another coupon has, or a category or product that does
// not exist.
func (s *Service) Create(ctx context.Context, by audit.Actor, in NewCoupon) (Coupon, error) {
	now := s.now().UTC()
	in, err := in.normalize(now)
	if err != nil {
		return Coupon{}, err
	}
	var c Coupon
	err = s.d.InTx(ctx, func(q db.Querier) error {
		v := &fault.Invalid{}
		if len(in.CategoryIDs) > 0 {
			n, err := countIn(ctx, q, "categories", in.CategoryIDs)
			if err != nil {
				return err
			}
			if n != len(in.CategoryIDs) {
				v.Add("category_ids", "contains a category that does not exist")
			}
		}
		if len(in.ProductIDs) > 0 {
			n, err := countIn(ctx, q, "products", in.ProductIDs)
			if err != nil {
				return err
			}
			if n != len(in.ProductIDs) {
				v.Add("product_ids", "contains a product that does not exist")
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		id, err := insertCoupon(ctx, q, s.d.Dialect, in, now)
		if err != nil {
			return err
		}
		for _, cat := range in.CategoryIDs {
			if err := insertTarget(ctx, q, id, cat, 0); err != nil {
				return err
			}
		}
		for _, p := range in.ProductIDs {
			if err := insertTarget(ctx, q, id, 0, p); err != nil {
				return err
			}
		}
		c = Coupon{
			ID: id, Code: in.Code, Name: in.Name, Kind: in.Kind, Amount: in.Amount, MaxDiscount: in.MaxDiscount,
			MinOrder: in.MinOrder, StartsAt: in.StartsAt, EndsAt: in.EndsAt, TotalLimit: in.TotalLimit,
			PerCustomerLimit: in.PerCustomerLimit, Active: true,
			CategoryIDs: in.CategoryIDs, ProductIDs: in.ProductIDs, CreatedAt: now, UpdatedAt: now,
		}
		detail := map[string]any{"code": c.Code, "name": c.Name, "kind": c.Kind, "amount": c.Amount,
			"max_discount": c.MaxDiscount, "min_order": c.MinOrder, "starts_at": c.StartsAt.Format(time.RFC3339),
			"total_limit": c.TotalLimit, "per_customer_limit": c.PerCustomerLimit}
		if !c.EndsAt.IsZero() {
			detail["ends_at"] = c.EndsAt.Format(time.RFC3339)
		}
		return s.audit.Record(ctx, q, by.Entry("coupon.created", "coupon", strconv.FormatInt(id, 10), detail))
	})
	if err != nil {
		return Coupon{}, fmt.Errorf("create coupon %q: %w", in.Code, err)
	}
	return c, nil
}

// Get returns coupon id with its targets, or fault.ErrNotFound.
func (s *Service) Get(ctx context.Context, id int64) (Coupon, error) {
	q := s.d.Read()
	r, err := couponByID(ctx, q, id)
	if err != nil {
		return Coupon{}, err
	}
	cs, err := withTargets(ctx, q, []row{r})
	if err != nil {
		return Coupon{}, err
	}
	return cs[0], nil
}

// List returns a page of coupons with their targets, newest first. limit is
// capped to 1–500 (below 1 means 50).
func (s *Service) List(ctx context.Context, limit, offset int) ([]Coupon, error) {
	switch {
	case limit < 1:
		limit = 50
	case limit > 500:
		limit = 500
	}
	q := s.d.Read()
	rs, err := couponsPage(ctx, q, limit, max(offset, 0))
	if err != nil {
		return nil, err
	}
	return withTargets(ctx, q, rs)
}

// SetActive turns coupon id on or off for by; an inactive coupon cannot be
// redeemed, and orders placed with it keep their discount. A switch records
// "coupon.activated" or "coupon.deactivated" in the audit log in the same
// transaction; a coupon already in that state is left alone and nothing is
// recorded. It returns the coupon as it is now and whether it switched, or
// fault.ErrNotFound when the coupon does not exist.
func (s *Service) SetActive(ctx context.Context, by audit.Actor, id int64, active bool) (Coupon, bool, error) {
	var c Coupon
	var changed bool
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if changed, err = setActive(ctx, q, id, active, s.now().UTC()); err != nil {
			return err
		}
		r, err := couponByID(ctx, q, id)
		if err != nil {
			return err
		}
		cs, err := withTargets(ctx, q, []row{r})
		if err != nil {
			return err
		}
		c = cs[0]
		if !changed {
			return nil
		}
		action := "coupon.deactivated"
		if active {
			action = "coupon.activated"
		}
		return s.audit.Record(ctx, q, by.Entry(action, "coupon", strconv.FormatInt(id, 10), map[string]any{"code": c.Code}))
	})
	if err != nil {
		return Coupon{}, false, fmt.Errorf("set coupon %d active %t: %w", id, active, err)
	}
	return c, changed, nil
}

// Check returns the coupon with code (any case) for pricing when customer
// userID may use it now. Otherwise it returns *fault.Invalid with one message
// under "coupon" saying why: the code is unknown, the coupon is no longer
// offered, has not started, has expired, is used up, or the customer has used
// it as often as allowed. userID 0 (a visitor not signed in) skips the
// per-customer limit. The categories of the result include their
// subcategories. Whether the order qualifies (minimum, categories, products)
// is for pricing; Redeem checks the rest again when the order is placed.
func (s *Service) Check(ctx context.Context, code string, userID int64) (pricing.Coupon, error) {
	q := s.d.Read()
	r, err := couponByCode(ctx, q, NormalizeCode(code))
	if errors.Is(err, fault.ErrNotFound) {
		return pricing.Coupon{}, refused(reasonUnknown)
	}
	if err != nil {
		return pricing.Coupon{}, err
	}
	c := r.coupon()
	if reason := c.refusalTo(userID, s.now().UTC()); reason != "" {
		return pricing.Coupon{}, refused(reason)
	}
	if userID != 0 {
		n, err := customerUses(ctx, q, c.ID, userID)
		if err != nil {
			return pricing.Coupon{}, err
		}
		if n >= c.PerCustomerLimit {
			return pricing.Coupon{}, refused(reasonUsedByYou)
		}
	}
	cs, err := withTargets(ctx, q, []row{r})
	if err != nil {
		return pricing.Coupon{}, err
	}
	c = cs[0]
	if len(c.CategoryIDs) > 0 {
		if c.CategoryIDs, err = withSubcategories(ctx, q, c.CategoryIDs); err != nil {
			return pricing.Coupon{}, err
		}
	}
	return c.pricing(), nil
}

// Redeem records on q, the caller's transaction, that order orderID of
// customer userID uses coupon couponID. It checks again, in the same
// statements that count the use, that the coupon is active, within its
// validity period and not used up, and that the customer has not used it as
// often as allowed; when not, it returns *fault.Invalid with the reason under
// "coupon" and counts nothing. An order that uses a coupon already is
// fault.ErrConflict. The coupon row stays locked until the caller's
// transaction ends, so uses of one coupon are counted one at a time on both
// engines; the caller must roll back on any error.
func (s *Service) Redeem(ctx context.Context, q db.Querier, couponID, userID, orderID int64) error {
	if err := s.redeem(ctx, q, couponID, userID, orderID); err != nil {
		return fmt.Errorf("redeem coupon %d for order %d of user %d: %w", couponID, orderID, userID, err)
	}
	return nil
}

func (s *Service) redeem(ctx context.Context, q db.Querier, couponID, userID, orderID int64) error {
	now := s.now().UTC()
	perCustomer, ok, err := useCoupon(ctx, q, couponID, userID, now)
	if err != nil {
		return err
	}
	if !ok {
		r, err := couponByID(ctx, q, couponID)
		if errors.Is(err, fault.ErrNotFound) {
			return refused(reasonUnknown)
		}
		if err != nil {
			return err
		}
		reason := r.coupon().refusalTo(userID, now)
		if reason == "" {
			reason = reasonUsedUp
		}
		return refused(reason)
	}
	// The coupon row is locked now: the count includes every use committed
	// before, and no other use of this coupon commits until we do.
	n, err := customerUses(ctx, q, couponID, userID)
	if err != nil {
		return err
	}
	if n >= perCustomer {
		if err := unuseCoupon(ctx, q, couponID, now); err != nil {
			return err
		}
		return refused(reasonUsedByYou)
	}
	return insertRedemption(ctx, q, s.d.Dialect, couponID, userID, orderID, now)
}

// Why Release leaves a coupon use counted.
const (
	KeptExpired  = "expired"  // the coupon's period has ended
	KeptInactive = "inactive" // staff stopped offering it
)

// Release gives back, on q, the caller's transaction, the coupon use of
// order orderID, which is being cancelled or refunded whole: the coupon
// counts one use less and the customer may use it again (their use no
// longer counts against the per-customer limit). A coupon that can no
// longer be used (past its end, or no longer offered) is not given back:
// its use stays counted and Release returns why (KeptExpired, KeptInactive)
// for the caller's history and audit entry; "" otherwise. It does nothing
// when the order used no coupon or its use was released already, so it is
// safe to call again.
func (s *Service) Release(ctx context.Context, q db.Querier, orderID int64) (kept string, err error) {
	now := s.now().UTC()
	rs, err := redemptionsOf(ctx, q, orderID)
	if err != nil {
		return "", err
	}
	for _, r := range rs {
		c, err := couponByID(ctx, q, r.CouponID)
		if err != nil {
			return "", fmt.Errorf("release coupon of order %d: %w", orderID, err)
		}
		switch cp := c.coupon(); {
		case !cp.Active:
			kept = KeptInactive
			continue
		case !cp.EndsAt.IsZero() && !now.Before(cp.EndsAt):
			kept = KeptExpired
			continue
		}
		released, err := releaseRedemption(ctx, q, r.ID, now)
		if err != nil {
			return "", err
		}
		if !released {
			continue
		}
		if err := unuseCoupon(ctx, q, r.CouponID, now); err != nil {
			return "", err
		}
	}
	return kept, nil
}

// withTargets returns the coupons of rs with their categories and products.
func withTargets(ctx context.Context, q db.Querier, rs []row) ([]Coupon, error) {
	ids := make([]int64, len(rs))
	byID := make(map[int64]int, len(rs))
	out := make([]Coupon, len(rs))
	for i, r := range rs {
		ids[i], byID[r.ID], out[i] = r.ID, i, r.coupon()
	}
	ts, err := targetsOf(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		c := &out[byID[t.CouponID]]
		if t.CategoryID.Valid {
			c.CategoryIDs = append(c.CategoryIDs, t.CategoryID.Int64)
		}
		if t.ProductID.Valid {
			c.ProductIDs = append(c.ProductIDs, t.ProductID.Int64)
		}
	}
	return out, nil
}
