package promotion

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// Gifts returns the gift rules that apply now, by threshold: active, within
// their period, and whose variant can be bought in the rule's quantity
// (active, its product active and not deleted, enough stock). Each comes as
// the free line pricing adds: the variant's product, category, seller and
// name ("product (options)"). Rules and stock are read at most once per
// CacheFor; a gift that ran out since is left out when the order is placed.
// The result is the caller's own.
func (s *Service) Gifts(ctx context.Context) ([]pricing.GiftRule, error) {
	now := s.now().UTC()
	c, err := s.liveGifts(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("gift rules: %w", err)
	}
	var out []pricing.GiftRule
	for _, g := range c.gifts {
		v, ok := c.variants[g.VariantID]
		if !g.runs(now) || !ok || !v.Active || v.Stock < g.Quantity {
			continue
		}
		name := v.ProductName
		if v.Options != "" {
			name += " (" + v.Options + ")"
		}
		out = append(out, pricing.GiftRule{ID: g.ID, Threshold: g.Threshold, Gift: pricing.Line{
			VariantID: v.VariantID, ProductID: v.ProductID, CategoryID: v.CategoryID, SellerID: v.SellerID,
			Name: name, Quantity: g.Quantity,
		}})
	}
	return out, nil
}

// liveGifts returns the rules that have not ended, with their variants,
// from the cache when it is fresh. The cache is shared: callers must not
// change it.
func (s *Service) liveGifts(ctx context.Context, now time.Time) (*giftCache, error) {
	s.mu.Lock()
	if c := s.live; c != nil && fresh(c.at, now) {
		s.mu.Unlock()
		return c, nil
	}
	saves := s.giftSave
	s.mu.Unlock()
	gs, err := liveGifts(ctx, s.d.Read(), now)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(gs))
	for _, g := range gs {
		ids = append(ids, g.VariantID)
	}
	vs := map[int64]catalog.CartVariant{}
	if len(ids) > 0 {
		if vs, err = s.cat.CartVariants(ctx, ids); err != nil {
			return nil, err
		}
	}
	c := &giftCache{gifts: gs, variants: vs, at: now}
	s.mu.Lock()
	if s.giftSave == saves {
		s.live = c
	}
	s.mu.Unlock()
	return c, nil
}

// forgetGifts drops the cached gift rules after a change.
func (s *Service) forgetGifts() {
	s.mu.Lock()
	s.live = nil
	s.giftSave++
	s.mu.Unlock()
}

// CreateGift stores a new, active gift rule. It returns *fault.Invalid,
// keyed by field (name, threshold, variant_id, quantity, ends_at), for bad
// input or a variant that does not exist. The variant need not be buyable
// now: the rule simply gives nothing while it is not. The rule is recorded
// as "gift.created" for by in the audit log in the same transaction.
func (s *Service) CreateGift(ctx context.Context, by audit.Actor, in NewGift) (Gift, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	in, err := in.normalize(now)
	if err != nil {
		return Gift{}, err
	}
	var g Gift
	err = s.d.InTx(ctx, func(q db.Querier) error {
		ok, err := variantExists(ctx, q, in.VariantID)
		if err != nil {
			return err
		}
		if !ok {
			return &fault.Invalid{Fields: map[string]string{"variant_id": "is not a product option that exists"}}
		}
		id, err := insertGift(ctx, q, in, now)
		if err != nil {
			return err
		}
		g = Gift{ID: id, Name: in.Name, Threshold: in.Threshold, VariantID: in.VariantID, Quantity: in.Quantity,
			StartsAt: in.StartsAt, EndsAt: in.EndsAt, Active: true, CreatedAt: now, UpdatedAt: now}
		detail := map[string]any{"name": g.Name, "threshold": g.Threshold, "variant_id": g.VariantID, "quantity": g.Quantity,
			"starts_at": g.StartsAt.Format(time.RFC3339)}
		if !g.EndsAt.IsZero() {
			detail["ends_at"] = g.EndsAt.Format(time.RFC3339)
		}
		return s.audit.Record(ctx, q, by.Entry("gift.created", "gift", strconv.FormatInt(id, 10), detail))
	})
	if err != nil {
		return Gift{}, fmt.Errorf("create gift rule %q: %w", in.Name, err)
	}
	s.forgetGifts()
	return g, nil
}

// Gift returns gift rule id, or fault.ErrNotFound.
func (s *Service) Gift(ctx context.Context, id int64) (Gift, error) {
	return giftByID(ctx, s.d.Read(), id)
}

// ListGifts returns a page of gift rules, active or not, newest first.
// limit is capped to 1–500 (below 1 means 50).
func (s *Service) ListGifts(ctx context.Context, limit, offset int) ([]Gift, error) {
	switch {
	case limit < 1:
		limit = 50
	case limit > 500:
		limit = 500
	}
	return giftsPage(ctx, s.d.Read(), limit, max(offset, 0))
}

// SetGiftActive turns gift rule id on or off for by; orders placed with
// the gift keep it. A switch records "gift.activated" or "gift.deactivated"
// in the audit log in the same transaction; a rule already in that state is
// left alone and nothing is recorded. It returns the rule as it is now and
// whether it switched, or fault.ErrNotFound when the rule does not exist.
func (s *Service) SetGiftActive(ctx context.Context, by audit.Actor, id int64, active bool) (Gift, bool, error) {
	var g Gift
	var changed bool
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var err error
		if changed, err = setGiftActive(ctx, q, id, active, s.now().UTC()); err != nil {
			return err
		}
		if g, err = giftByID(ctx, q, id); err != nil || !changed {
			return err
		}
		action := "gift.deactivated"
		if active {
			action = "gift.activated"
		}
		return s.audit.Record(ctx, q, by.Entry(action, "gift", strconv.FormatInt(id, 10), map[string]any{"name": g.Name}))
	})
	if err != nil {
		return Gift{}, false, fmt.Errorf("set gift rule %d active %t: %w", id, active, err)
	}
	s.forgetGifts()
	return g, changed, nil
}
