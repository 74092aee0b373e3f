package promotion

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

// CacheFor is how long PointsRules and Gifts serve the settings, grades and
// gift rules they last read. Every cart and checkout page prices with them;
// after staff save a change, other app nodes use the old rules for at most
// this long (the node that saved it at once). A customer's own grade is read
// afresh every time.
const CacheFor = 5 * time.Second

// Catalog resolves a gift's variant to what an order line needs
// (internal/catalog).
type Catalog interface {
	// CartVariants returns the variants with the given ids by id; an id that
	// does not exist is absent from the map.
	CartVariants(ctx context.Context, ids []int64) (map[int64]catalog.CartVariant, error)
}

// Service keeps grades, points settings and gift rules. It implements
// order.Promotions. It is safe for concurrent use.
type Service struct {
	d     *db.DB
	cat   Catalog
	audit Audit
	now   func() time.Time

	mu       sync.Mutex // guards everything below
	rules    *rulesCache
	live     *giftCache
	saves    uint64 // counts saves, so a read that raced a save is not cached
	giftSave uint64 // the same for gift rules
	// userGrades keeps each customer's grade for CacheFor: checkout asks
	// for it at every order, and grades change monthly.
	userGrades map[int64]userGrade
}

// userGrade is a customer's grade as last read; ok is false for a customer
// without an assignment (the lowest grade).
type userGrade struct {
	grade Grade
	ok    bool
	at    time.Time
	saves uint64
}

// maxUserGrades bounds the grade cache; it is emptied when full.
const maxUserGrades = 10_000

// rulesCache is the settings and grades as last read.
type rulesCache struct {
	settings Settings
	grades   []Grade
	at       time.Time
}

// giftCache is the live gift rules, with their variants, as last read.
type giftCache struct {
	gifts    []Gift
	variants map[int64]catalog.CartVariant
	at       time.Time
}

// Audit records a staff change in the transaction that makes it;
// *audit.Log implements it.
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// New returns the promotion service on d; cat resolves gift variants, log
// records staff changes and now gives the time (time.Now in the app).
func New(d *db.DB, cat Catalog, log Audit, now func() time.Time) *Service {
	return &Service{d: d, cat: cat, audit: log, now: now}
}

// fresh reports whether something read at at may still be served at now.
func fresh(at, now time.Time) bool {
	return now.Sub(at) < CacheFor && !now.Before(at)
}

// cachedRules returns the settings and the grades, reading the database at
// most once per CacheFor. The grades slice is shared: callers must not
// change it.
func (s *Service) cachedRules(ctx context.Context) (Settings, []Grade, error) {
	now := s.now()
	s.mu.Lock()
	if c := s.rules; c != nil && fresh(c.at, now) {
		s.mu.Unlock()
		return c.settings, c.grades, nil
	}
	saves := s.saves
	s.mu.Unlock()
	q := s.d.Read()
	st, err := loadSettings(ctx, q)
	if err != nil {
		return Settings{}, nil, err
	}
	gs, err := allGrades(ctx, q)
	if err != nil {
		return Settings{}, nil, err
	}
	s.mu.Lock()
	if s.saves == saves {
		s.rules = &rulesCache{settings: st, grades: gs, at: now}
	}
	s.mu.Unlock()
	return st, gs, nil
}

// PointsRules returns how customer userID may spend points — the shop's
// settings — and earns them: the earn rate of the customer's grade, or of
// the lowest grade when none is assigned (userID 0, a visitor, included).
func (s *Service) PointsRules(ctx context.Context, userID int64) (pricing.PointsRules, error) {
	st, grades, err := s.cachedRules(ctx)
	if err != nil {
		return pricing.PointsRules{}, fmt.Errorf("points rules of user %d: %w", userID, err)
	}
	r := pricing.PointsRules{MinSpend: st.PointsMinSpend, MaxSpendPercent: st.PointsMaxPercent}
	if len(grades) > 0 {
		r.EarnPermille = grades[0].EarnPermille
	}
	if userID != 0 {
		g, ok, err := s.gradeOf(ctx, userID)
		if err != nil {
			return pricing.PointsRules{}, fmt.Errorf("points rules of user %d: %w", userID, err)
		}
		if ok {
			r.EarnPermille = g.EarnPermille
		}
	}
	return r, nil
}

// GradeDiscount returns the discount, in percent, of customer userID's
// grade, or of the lowest grade when none is assigned (userID 0, a visitor,
// included): what internal/pricing takes off the goods before coupons.
func (s *Service) GradeDiscount(ctx context.Context, userID int64) (int, error) {
	_, grades, err := s.cachedRules(ctx)
	if err != nil {
		return 0, fmt.Errorf("grade discount of user %d: %w", userID, err)
	}
	pct := 0
	if len(grades) > 0 {
		pct = grades[0].DiscountPercent
	}
	if userID != 0 {
		g, ok, err := s.gradeOf(ctx, userID)
		if err != nil {
			return 0, fmt.Errorf("grade discount of user %d: %w", userID, err)
		}
		if ok {
			pct = g.DiscountPercent
		}
	}
	return pct, nil
}

// gradeOf returns userID's assigned grade, from the cache when it was read
// less than CacheFor ago and no grade was saved on this node since.
func (s *Service) gradeOf(ctx context.Context, userID int64) (Grade, bool, error) {
	now := s.now()
	s.mu.Lock()
	saves := s.saves
	if e, hit := s.userGrades[userID]; hit && e.saves == saves && now.Sub(e.at) < CacheFor && !now.Before(e.at) {
		s.mu.Unlock()
		return e.grade, e.ok, nil
	}
	s.mu.Unlock()
	g, ok, err := gradeOfUser(ctx, s.d.Read(), userID)
	if err != nil {
		return Grade{}, false, err
	}
	s.mu.Lock()
	if s.userGrades == nil || len(s.userGrades) >= maxUserGrades {
		s.userGrades = map[int64]userGrade{}
	}
	s.userGrades[userID] = userGrade{grade: g, ok: ok, at: now, saves: saves}
	s.mu.Unlock()
	return g, ok, nil
}

// Settings returns the points settings in force: the saved ones, or
// DefaultSettings when staff have saved none.
func (s *Service) Settings(ctx context.Context) (Settings, error) {
	st, _, err := s.cachedRules(ctx)
	if err != nil {
		return Settings{}, fmt.Errorf("promotion settings: %w", err)
	}
	return st, nil
}

// PointsValidFor returns how long points earned by an order stay
// spendable, from the settings.
func (s *Service) PointsValidFor(ctx context.Context) (time.Duration, error) {
	st, err := s.Settings(ctx)
	if err != nil {
		return 0, err
	}
	return time.Duration(st.PointsValidDays) * 24 * time.Hour, nil
}

// SetSettings validates st (see Settings.Validate: *fault.Invalid per
// field) and saves it in place of the settings before, recording
// "points.settings_saved" for by, with the settings before and after, in
// the audit log in the same transaction. Saving the settings in force
// changes and records nothing.
func (s *Service) SetSettings(ctx context.Context, by audit.Actor, st Settings) error {
	if err := st.Validate(); err != nil {
		return err
	}
	err := s.d.InTx(ctx, func(q db.Querier) error {
		// Locked first, so two saves at once each record what the other
		// left.
		if err := lockSettings(ctx, q); err != nil {
			return err
		}
		before, err := loadSettings(ctx, q)
		if err != nil {
			return err
		}
		if before == st {
			return nil
		}
		if err := upsertSettings(ctx, q, st, s.now().UTC()); err != nil {
			return err
		}
		return s.audit.Record(ctx, q, by.Entry("points.settings_saved", "settings", "points",
			map[string]any{"from": settingsDetail(before), "to": settingsDetail(st)}))
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.rules = nil
	s.saves++
	s.mu.Unlock()
	return nil
}

// settingsDetail is st for an audit entry.
func settingsDetail(st Settings) map[string]any {
	return map[string]any{"points_min_spend": st.PointsMinSpend, "points_max_percent": st.PointsMaxPercent,
		"points_valid_days": st.PointsValidDays}
}

// Grades returns the membership grades, lowest first.
func (s *Service) Grades(ctx context.Context) ([]Grade, error) {
	return allGrades(ctx, s.d.Read())
}

// GradeOf returns customer userID's grade: the assigned one, or the lowest
// grade when none is assigned (whether or not the user exists).
func (s *Service) GradeOf(ctx context.Context, userID int64) (Grade, error) {
	q := s.d.Read()
	g, ok, err := gradeOfUser(ctx, q, userID)
	if err != nil || ok {
		return g, err
	}
	gs, err := allGrades(ctx, q)
	if err != nil {
		return Grade{}, err
	}
	if len(gs) == 0 {
		return Grade{}, fmt.Errorf("grade of user %d: no grades: %w", userID, fault.ErrNotFound)
	}
	return gs[0], nil
}

// SetGrade assigns the grade with code to customer userID, as staff do by
// hand; the next monthly evaluation (Evaluator) sets it again from the
// customer's spending.
// It returns *fault.Invalid{"grade"} for an unknown code and
// fault.ErrNotFound when the user does not exist or is deleted. A new grade
// records "grade.assigned" for by, with the grade before and after, in the
// audit log in the same transaction; the grade the customer has already is
// not recorded.
func (s *Service) SetGrade(ctx context.Context, by audit.Actor, userID int64, gradeCode string) error {
	err := s.d.InTx(ctx, func(q db.Querier) error {
		gs, err := allGrades(ctx, q)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(gs, func(g Grade) bool { return g.Code == gradeCode })
		if i < 0 {
			return &fault.Invalid{Fields: map[string]string{"grade": "is not a membership grade"}}
		}
		ok, err := userExists(ctx, q, userID)
		if err != nil {
			return err
		}
		if !ok {
			return fault.ErrNotFound
		}
		before, assigned, err := gradeOfUser(ctx, q, userID)
		if err != nil {
			return err
		}
		if !assigned {
			before = gs[0]
		}
		if _, err := assignGrade(ctx, q, userID, gs[i].ID, s.now().UTC()); err != nil {
			return err
		}
		if before.Code == gs[i].Code {
			return nil
		}
		return s.audit.Record(ctx, q, by.Entry("grade.assigned", "user", strconv.FormatInt(userID, 10),
			map[string]any{"from": before.Code, "to": gs[i].Code}))
	})
	if err != nil {
		return fmt.Errorf("set grade of user %d to %q: %w", userID, gradeCode, err)
	}
	s.forgetGrades()
	return nil
}

// forgetGrades empties the grade cache after grades changed on this node.
func (s *Service) forgetGrades() {
	s.mu.Lock()
	s.userGrades = nil
	s.saves++
	s.mu.Unlock()
}
