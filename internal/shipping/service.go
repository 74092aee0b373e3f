package shipping

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

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
	d   *db.DB
	now func() time.Time

	mu      sync.Mutex // guards rules, rulesAt and saves
	rules   *pricing.ShippingRules
	rulesAt time.Time
	saves   uint64 // counts SetRules, so a read that raced a save is not cached
}

// New returns a Service on d; now gives the time (time.Now in the app).
func New(d *db.DB, now func() time.Time) *Service {
	return &Service{d: d, now: now}
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
// the defaults. then runs in the same transaction with the rules saved.
func (s *Service) SetRules(ctx context.Context, r pricing.ShippingRules, then ...db.Then[pricing.ShippingRules]) error {
	if err := r.Validate(); err != nil {
		return err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// The upsert comes first: it locks the settings row, so two saves
		// at once replace the areas one after the other, never interleaved.
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
		return db.RunThen(ctx, q, r, then)
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
