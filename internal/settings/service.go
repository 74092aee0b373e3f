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

// Current returns the settings. It reads the cache, and at most every
// Config.CheckEvery asks the database for the stored version, reading the
// settings again when it moved. It never fails once Init succeeded: when
// the database does not answer, the last settings read are kept (and the
// error logged), so a page never breaks on them.
func (s *Service) Current(ctx context.Context) Settings {
	c := s.cur.Load()
	if c == nil {
		panic("settings: Current before Init")
	}
	now := s.now()
	if now.Sub(c.checked) < s.cfg.CheckEvery && !now.Before(c.checked) {
		return c.s.clone()
	}
	// One read checks; the others keep the settings they have meanwhile.
	if !s.refresh.TryLock() {
		return c.s.clone()
	}
	defer s.refresh.Unlock()
	c = s.cur.Load()
	v, err := settingsVersion(ctx, s.d.Read())
	if err != nil {
		s.log.WarnContext(ctx, "settings version not read; keeping the cached settings", "err", err)
		return c.s.clone()
	}
	st := c.s
	if v != c.s.Version {
		if st, err = readSettings(ctx, s.d.Read()); err != nil {
			s.log.WarnContext(ctx, "settings not read; keeping the cached settings", "err", err)
			return c.s.clone()
		}
	}
	s.cur.Store(&cached{s: st, checked: now})
	return st.clone()
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
	return map[string]any{"changed": names, "version": b.Version}
}
