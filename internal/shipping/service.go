package shipping

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/pricing"
)

// CacheFor is how long Rules serves the rules it last read. Every cart and
// checkout page prices with them; after staff save new rules, other app
// nodes charge the old ones for at most this long (the node that saved them
// at once).
const CacheFor = 5 * time.Second

// Service reads and saves the shipping rules and reads the carriers.
type Service struct {
	d     *db.DB
	audit Audit
	now   func() time.Time

	mu      sync.Mutex // guards rules, rulesAt and saves
	rules   *pricing.ShippingRules
	rulesAt time.Time
	saves   uint64 // counts SetRules, so a read that raced a save is not cached
}

// Audit records a staff change in the transaction that makes it;
// *audit.Log implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// New returns a Service on d that audits saves in log; now gives the time
// (time.Now in the app).
func New(d *db.DB, log Audit, now func() time.Time) *Service {
	return &Service{d: d, audit: log, now: now}
}

// Rules returns the shop's shipping rules: the saved ones, or Defaults when
// staff have saved none. It reads the database at most once per CacheFor.
// The result is the caller's own copy.
func (s *Service) Rules(ctx context.Context) (pricing.ShippingRules, error) {
	now := s.now()
	s.mu.Lock()
	if s.rules != nil && now.Sub(s.rulesAt) < CacheFor && !now.Before(s.rulesAt) {
		r := clone(*s.rules)
		s.mu.Unlock()
		return r, nil
	}
	saves := s.saves
	s.mu.Unlock()
	r, err := loadRules(ctx, s.d.Read())
	if err != nil {
		return pricing.ShippingRules{}, err
	}
	s.mu.Lock()
	if s.saves == saves {
		c := clone(r)
		s.rules, s.rulesAt = &c, now
	}
	s.mu.Unlock()
	return r, nil
}

// SetRules validates r (see pricing.ShippingRules.Validate: *fault.Invalid
// for negative fees, bad postcodes, a range that ends before it starts,
// overlapping ranges) and saves it in place of the rules before, remote
// areas in the order given. Saving an empty Remote means no surcharges, not
// the defaults. A save records "shipping.rules_saved" for by in the audit
// log, with the rules before and after, in the same transaction; saving the
// rules in force changes and records nothing.
func (s *Service) SetRules(ctx context.Context, by audit.Actor, r pricing.ShippingRules) error {
	if err := r.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// The settings row is locked first, so two saves at once replace
		// the areas one after the other, never interleaved, and each
		// records the rules the other left.
		if err := lockSettings(ctx, q); err != nil {
			return err
		}
		before, err := loadRules(ctx, q)
		if err != nil {
			return err
		}
		if sameRules(before, r) {
			return nil
		}
		if err := upsertSettings(ctx, q, r, now); err != nil {
			return err
		}
		if err := deleteRemoteAreas(ctx, q); err != nil {
			return err
		}
		for i, a := range r.Remote {
			if err := insertRemoteArea(ctx, q, i, a, now); err != nil {
				return err
			}
		}
		return s.audit.Record(ctx, q, by.Entry("shipping.rules_saved", "settings", "shipping",
			map[string]any{"from": rulesDetail(before), "to": rulesDetail(r)}))
	})
	if err != nil {
		return fmt.Errorf("save shipping rules: %w", err)
	}
	s.mu.Lock()
	s.rules = nil
	s.saves++
	s.mu.Unlock()
	return nil
}

// sameRules reports whether a and b charge the same.
func sameRules(a, b pricing.ShippingRules) bool {
	return a.BaseFee == b.BaseFee && a.FreeOver == b.FreeOver && a.PerSeller == b.PerSeller && slices.Equal(a.Remote, b.Remote)
}

// rulesDetail is r for an audit entry: the fees and the number of remote
// areas (the full list would not fit an entry).
func rulesDetail(r pricing.ShippingRules) map[string]any {
	return map[string]any{"base_fee": r.BaseFee, "free_over": r.FreeOver, "per_seller": r.PerSeller, "remote_areas": len(r.Remote)}
}

// Carriers returns the active carriers in display order: the choice offered
// for a new shipment.
func (s *Service) Carriers(ctx context.Context) ([]Carrier, error) {
	return activeCarriers(ctx, s.d.Read())
}

// Carrier returns the carrier with code, active or not (an old shipment
// still links to its carrier), or fault.ErrNotFound.
func (s *Service) Carrier(ctx context.Context, code string) (Carrier, error) {
	return carrierByCode(ctx, s.d.Read(), code)
}

// clone copies r so that the cached rules and the caller's never share the
// Remote array.
func clone(r pricing.ShippingRules) pricing.ShippingRules {
	r.Remote = slices.Clone(r.Remote)
	return r
}

// TrackingURL returns the tracking page of number at the carrier with code,
// or fault.ErrNotFound for an unknown carrier.
func (s *Service) TrackingURL(ctx context.Context, code, number string) (string, error) {
	c, err := s.Carrier(ctx, code)
	if err != nil {
		return "", err
	}
	return TrackingURL(c, number)
}
