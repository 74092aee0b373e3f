package promotion

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/pricing"
)

var start = time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC)

func newService(t *testing.T) (*Service, *fake.Clock) {
	t.Helper()
	c := fake.NewClock(start)
	d := dbtest.New(t)
	return New(d, catalog.NewService(d, c.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{}), audit.New(d, c.Now), c.Now), c
}

func exec(t *testing.T, d *db.DB, query string, args ...any) {
	t.Helper()
	q := d.Write()
	if _, err := q.ExecContext(context.Background(), q.Rebind(query), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func insertID(t *testing.T, d *db.DB, query string, args ...any) int64 {
	t.Helper()
	q := d.Write()
	var id int64
	if err := q.GetContext(context.Background(), &id, q.Rebind(query+` RETURNING id`), args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return id
}

var seq atomic.Int64

// customer makes a customer account and returns its id.
func customer(t *testing.T, d *db.DB) int64 {
	t.Helper()
	return insertID(t, d, `INSERT INTO users (email, name, role, active) VALUES (?, '김말랑', 'customer', TRUE)`,
		fmt.Sprintf("c%d@example.com", seq.Add(1)))
}

// product makes a product of the house seller in a new category, with
// status, and returns its id and its category's.
func product(t *testing.T, d *db.DB, name, status string) (id, categoryID int64) {
	t.Helper()
	n := seq.Add(1)
	categoryID = insertID(t, d, `INSERT INTO categories (slug, name) VALUES (?, '사은품')`, fmt.Sprintf("gifts-%d", n))
	id = insertID(t, d, `INSERT INTO products (seller_id, category_id, name, status, price_minor, list_price_minor)
		VALUES (1, ?, ?, ?, 3000, 3000)`, categoryID, name, status)
	return id, categoryID
}

// variant makes a variant of productID and returns its id.
func variant(t *testing.T, d *db.DB, productID, stock int64, active bool) int64 {
	t.Helper()
	return insertID(t, d, `INSERT INTO variants (product_id, sku, price_minor, stock, active) VALUES (?, ?, 3000, ?, ?)`,
		productID, fmt.Sprintf("SKU-%d", seq.Add(1)), stock, active)
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := t.Context()
	st, err := s.Settings(ctx)
	if err != nil || st != DefaultSettings() {
		t.Fatalf("Settings = %+v, %v; want the defaults", st, err)
	}
	want := pricing.PointsRules{MinSpend: 1000, MaxSpendPercent: 100, EarnPermille: 10}
	for _, u := range []int64{0, customer(t, s.d), 987654} {
		r, err := s.PointsRules(ctx, u)
		if err != nil || r != want {
			t.Fatalf("PointsRules(%d) = %+v, %v; want %+v", u, r, err, want)
		}
	}
	gs, err := s.Grades(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i, g := range gs {
		codes = append(codes, g.Code)
		if i > 0 && (g.MinSpend <= gs[i-1].MinSpend || g.EarnPermille <= gs[i-1].EarnPermille) {
			t.Errorf("grade %s does not ask or give more than %s", g.Code, gs[i-1].Code)
		}
	}
	if !reflect.DeepEqual(codes, []string{"welcome", "silver", "gold", "vip"}) || gs[0].MinSpend != 0 {
		t.Fatalf("Grades = %+v", gs)
	}
	if d, err := s.PointsValidFor(ctx); err != nil || d != 365*24*time.Hour {
		t.Fatalf("PointsValidFor = %v, %v", d, err)
	}
	if g, err := s.Gifts(ctx); err != nil || len(g) != 0 {
		t.Fatalf("Gifts = %+v, %v; want none", g, err)
	}
}

func TestSetSettings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		st    Settings
		field string // "" when valid
	}{
		{"valid", Settings{PointsMinSpend: 5000, PointsMaxPercent: 30, PointsValidDays: 180}, ""},
		{"no minimum", Settings{PointsMinSpend: 0, PointsMaxPercent: 100, PointsValidDays: 1}, ""},
		{"negative minimum", Settings{PointsMinSpend: -1, PointsMaxPercent: 100, PointsValidDays: 365}, "points_min_spend"},
		{"absurd minimum", Settings{PointsMinSpend: pricing.MaxAmount + 1, PointsMaxPercent: 100, PointsValidDays: 365}, "points_min_spend"},
		{"zero percent", Settings{PointsMinSpend: 1000, PointsMaxPercent: 0, PointsValidDays: 365}, "points_max_percent"},
		{"over 100 percent", Settings{PointsMinSpend: 1000, PointsMaxPercent: 101, PointsValidDays: 365}, "points_max_percent"},
		{"zero days", Settings{PointsMinSpend: 1000, PointsMaxPercent: 100, PointsValidDays: 0}, "points_valid_days"},
		{"too many days", Settings{PointsMinSpend: 1000, PointsMaxPercent: 100, PointsValidDays: MaxValidDays + 1}, "points_valid_days"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, _ := newService(t)
			ctx := t.Context()
			if _, err := s.Settings(ctx); err != nil { // fill the cache: a save must replace it
				t.Fatal(err)
			}
			err := s.SetSettings(ctx, audittest.Staff, tt.st)
			want := tt.st
			if tt.field != "" {
				inv, ok := fault.AsInvalid(err)
				if !ok || inv.Fields[tt.field] == "" {
					t.Fatalf("SetSettings = %v, want *fault.Invalid for %q", err, tt.field)
				}
				want = DefaultSettings()
			} else if err != nil {
				t.Fatalf("SetSettings: %v", err)
			}
			for _, svc := range []*Service{s, New(s.d, s.cat, s.audit, time.Now)} {
				got, err := svc.Settings(ctx)
				if err != nil || got != want {
					t.Fatalf("Settings = %+v, %v; want %+v", got, err, want)
				}
				r, err := svc.PointsRules(ctx, 0)
				if err != nil || r.MinSpend != want.PointsMinSpend || r.MaxSpendPercent != want.PointsMaxPercent {
					t.Fatalf("PointsRules = %+v, %v; want the settings %+v", r, err, want)
				}
			}
		})
	}
}

func TestSettingsCache(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	other := New(s.d, s.cat, s.audit, c.Now) // another app node
	if _, err := other.Settings(ctx); err != nil {
		t.Fatal(err)
	}
	saved := Settings{PointsMinSpend: 500, PointsMaxPercent: 50, PointsValidDays: 30}
	if err := s.SetSettings(ctx, audittest.Staff, saved); err != nil {
		t.Fatal(err)
	}
	if got, _ := other.Settings(ctx); got != DefaultSettings() {
		t.Fatalf("within CacheFor another node has %+v, want the settings it read", got)
	}
	c.Advance(CacheFor)
	if got, _ := other.Settings(ctx); got != saved {
		t.Fatalf("after CacheFor another node has %+v, want %+v", got, saved)
	}
}

func TestGradeEarnRates(t *testing.T) {
	t.Parallel()
	s, _ := newService(t)
	ctx := t.Context()
	tests := []struct {
		code string
		earn int
	}{
		{"", 10}, {"welcome", 10}, {"silver", 20}, {"gold", 30}, {"vip", 50},
	}
	for _, tt := range tests {
		t.Run("grade "+tt.code, func(t *testing.T) {
			u := customer(t, s.d)
			code := "welcome"
			if tt.code != "" {
				code = tt.code
				if err := s.SetGrade(ctx, audittest.Staff, u, tt.code); err != nil {
					t.Fatalf("SetGrade: %v", err)
				}
			}
			r, err := s.PointsRules(ctx, u)
			if err != nil || r.EarnPermille != tt.earn {
				t.Fatalf("PointsRules = %+v, %v; want EarnPermille %d", r, err, tt.earn)
			}
			g, err := s.GradeOf(ctx, u)
			if err != nil || g.Code != code {
				t.Fatalf("GradeOf = %+v, %v; want %s", g, err, code)
			}
		})
	}
	t.Run("a grade changes at once", func(t *testing.T) {
		u := customer(t, s.d)
		for _, code := range []string{"gold", "silver"} {
			if err := s.SetGrade(ctx, audittest.Staff, u, code); err != nil {
				t.Fatal(err)
			}
		}
		if r, _ := s.PointsRules(ctx, u); r.EarnPermille != 20 {
			t.Fatalf("EarnPermille = %d, want silver's 20", r.EarnPermille)
		}
	})
	t.Run("unknown grade", func(t *testing.T) {
		err := s.SetGrade(ctx, audittest.Staff, customer(t, s.d), "platinum")
		if inv, ok := fault.AsInvalid(err); !ok || inv.Fields["grade"] == "" {
			t.Fatalf("SetGrade = %v, want *fault.Invalid for grade", err)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		if err := s.SetGrade(ctx, audittest.Staff, 987654, "gold"); !errors.Is(err, fault.ErrNotFound) {
			t.Fatalf("SetGrade = %v, want fault.ErrNotFound", err)
		}
	})
}

// TestGradeCache: checkout asks for the grade at every order, so it is kept
// for CacheFor; a grade saved on this node shows at once, one saved
// elsewhere (here: straight in the table) within CacheFor.
func TestGradeCache(t *testing.T) {
	t.Parallel()
	s, c := newService(t)
	ctx := t.Context()
	u := customer(t, s.d)
	if r, err := s.PointsRules(ctx, u); err != nil || r.EarnPermille != 10 {
		t.Fatalf("PointsRules = %+v, %v", r, err)
	}
	exec(t, s.d, `INSERT INTO member_grade_assignments (user_id, grade_id, assigned_at)
		SELECT ?, id, ? FROM member_grades WHERE code = 'vip'`, u, start)
	if r, _ := s.PointsRules(ctx, u); r.EarnPermille != 10 {
		t.Fatalf("within CacheFor another node's change shows already: %d", r.EarnPermille)
	}
	c.Advance(CacheFor)
	if r, _ := s.PointsRules(ctx, u); r.EarnPermille != 50 {
		t.Fatalf("after CacheFor EarnPermille = %d, want vip's 50", r.EarnPermille)
	}
	if err := s.SetGrade(ctx, audittest.Staff, u, "silver"); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.PointsRules(ctx, u); r.EarnPermille != 20 {
		t.Fatalf("after SetGrade EarnPermille = %d, want silver's 20", r.EarnPermille)
	}
}
