package settings

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Config shapes the settings service.
type Config struct {
	// CheckEvery is how long a node trusts its cached settings before it
	// asks the database whether they changed (one query of one integer).
	// 0 asks at every read.
	CheckEvery time.Duration
	// Methods are the ways to pay the shop has (payment method keys), the
	// ones staff may switch off.
	Methods []string
}

// Service reads and changes the settings and the legal documents. It is
// safe for concurrent use.
type Service struct {
	d     *db.DB
	audit Audit
	cfg   Config
	now   func() time.Time
	log   *slog.Logger

	cur     atomic.Pointer[cached]
	refresh sync.Mutex // held by the one read that asks the database
}

// cached is the settings as last read and when their version was checked.
type cached struct {
	s       Settings
	checked time.Time
}

// NewService returns the settings service on d. Call Init before reading.
func NewService(d *db.DB, a Audit, cfg Config, now func() time.Time, log *slog.Logger) *Service {
	if d == nil || a == nil || now == nil || log == nil {
		panic("settings: NewService without every dependency")
	}
	cfg.Methods = slices.Clone(cfg.Methods)
	return &Service{d: d, audit: a, cfg: cfg, now: now, log: log}
}

// Now is the service's clock reading, for a legal version that takes
// effect at once.
func (s *Service) Now() time.Time { return s.now() }

// Methods are the ways to pay staff may switch off.
func (s *Service) Methods() []string { return slices.Clone(s.cfg.Methods) }

// Init stores initial as the settings unless settings are stored already
// (the first start of a shop: initial comes from the environment), then
// reads them into the cache. Initial values are stored as given; staff's
// first save validates them.
func (s *Service) Init(ctx context.Context, initial Settings) error {
	initial.normalize()
	if err := s.d.InTx(ctx, func(q db.Querier) error {
		return insertSettings(ctx, q, initial, s.now().UTC())
	}); err != nil {
		return fmt.Errorf("store initial settings: %w", err)
	}
	st, err := readSettings(ctx, s.d.Read())
	if err != nil {
		return err
	}
	s.cur.Store(&cached{s: st, checked: s.now()})
	return nil
}

// Current returns the settings. It reads the cache only, and never waits
// for the database: at most every Config.CheckEvery one call starts a
// check of the stored version in the background (reading the settings
// again when it moved), and every call meanwhile gets the settings it has.
// Callers hold transactions when they read the settings (a mail written in
// the order's transaction names the shop): a read that waited there for a
// second connection could wait forever once every connection of the pool
// is held by transactions queued behind that one's locks. It never fails
// once Init succeeded: when the database does not answer, the last settings
// read are kept (and the error logged), so a page never breaks on them.
func (s *Service) Current(ctx context.Context) Settings {
	c := s.cur.Load()
	if c == nil {
		panic("settings: Current before Init")
	}
	now := s.now()
	if now.Sub(c.checked) < s.cfg.CheckEvery && !now.Before(c.checked) {
		return c.s.clone()
	}
	// One check at a time; the others keep the settings they have.
	if s.refresh.TryLock() {
		go func() {
			defer s.refresh.Unlock()
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), refreshTimeout)
			defer cancel()
			if err := s.reload(rctx, now); err != nil {
				s.log.WarnContext(rctx, "settings not read; keeping the cached settings", "err", err)
			}
		}()
	}
	return c.s.clone()
}

// refreshTimeout bounds a background check of the settings.
const refreshTimeout = 10 * time.Second

// Refresh checks the stored version now and reads the settings again when
// it moved, waiting for the database (for tools and tests; pages use
// Current).
func (s *Service) Refresh(ctx context.Context) error {
	s.refresh.Lock()
	defer s.refresh.Unlock()
	return s.reload(ctx, s.now())
}

// reload reads the stored version and, when it moved, the settings, and
// keeps them as checked at now. The caller holds s.refresh.
func (s *Service) reload(ctx context.Context, now time.Time) error {
	c := s.cur.Load()
	v, err := settingsVersion(ctx, s.d.Read())
	if err != nil {
		return fmt.Errorf("settings version: %w", err)
	}
	st := c.s
	if v != c.s.Version {
		if st, err = readSettings(ctx, s.d.Read()); err != nil {
			return fmt.Errorf("read settings: %w", err)
		}
	}
	// An Update on this node meanwhile keeps its newer settings.
	if cur := s.cur.Load(); cur.s.Version > st.Version {
		return nil
	}
	s.cur.Store(&cached{s: st, checked: now})
	return nil
}

// ErrStale refuses a change made on settings that someone else changed
// since they were read: the form is shown again with the current values.
var ErrStale = fmt.Errorf("the settings were changed by someone else meanwhile: %w", fault.ErrConflict)

// Update stores in as the settings, by actor, and audits the change in the
// same transaction. in.Version must be the version read (ErrStale
// otherwise). Bad input is a *fault.Invalid naming every field at fault,
// and nothing is stored. It returns the settings stored, which this node
// reads at once; other nodes within Config.CheckEvery.
func (s *Service) Update(ctx context.Context, by audit.Actor, in Settings) (Settings, error) {
	in.normalize()
	v := &fault.Invalid{}
	in.validate(v, s.cfg.Methods)
	if err := v.Err(); err != nil {
		return Settings{}, err
	}
	now := s.now().UTC()
	err := s.d.InTx(ctx, func(q db.Querier) error {
		old, err := readSettings(ctx, q)
		if err != nil {
			return err
		}
		if old.Version != in.Version {
			return ErrStale
		}
		// When the dormancy policy last became stricter is the service's
		// to say: members are mailed once per such change.
		in.Dormancy.ChangedAt = old.Dormancy.ChangedAt
		if in.Dormancy.Stricter(old.Dormancy) {
			in.Dormancy.ChangedAt = now
		}
		if err := updateSettings(ctx, q, in, now); err != nil {
			return err
		}
		in.Version++
		return s.audit.Record(ctx, q, by.Entry("settings.changed", "settings", "1", changes(old, in)))
	})
	if err != nil {
		if errors.Is(err, fault.ErrConflict) {
			return Settings{}, err
		}
		return Settings{}, fmt.Errorf("update settings: %w", err)
	}
	s.cur.Store(&cached{s: in, checked: s.now()})
	s.log.InfoContext(ctx, "settings changed", "actor_id", by.UserID, "version", in.Version)
	return in.clone(), nil
}

// changes names the settings that differ between a and b, for the audit
// entry (names only: the values may be personal data).
func changes(a, b Settings) map[string]any {
	var names []string
	add := func(name string, differ bool) {
		if differ {
			names = append(names, name)
		}
	}
	add("shop_name", a.ShopName != b.ShopName)
	add("logo", a.Logo != b.Logo)
	add("contact", a.Contact != b.Contact)
	add("business", a.Business != b.Business)
	add("bank_accounts", !slices.Equal(a.BankAccounts, b.BankAccounts))
	add("deposit_hours", a.DepositHours != b.DepositHours)
	add("confirm_days", a.ConfirmDays != b.ConfirmDays)
	add("return_fee", a.ReturnFee != b.ReturnFee)
	add("grade_window_days", a.GradeWindowDays != b.GradeWindowDays)
	add("payments_off", !slices.Equal(a.PaymentsOff, b.PaymentsOff))
	add("attendance", a.Attendance != b.Attendance)
	add("automations", !a.Automations.Equal(b.Automations))
	add("messaging", a.Messaging != b.Messaging)
	add("reviews", a.Reviews != b.Reviews)
	add("dormancy", !a.Dormancy.Same(b.Dormancy))
	return map[string]any{"changed": names, "version": b.Version}
}
