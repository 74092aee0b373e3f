package points_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/points"
)

var t0 = time.Date(2025, 3, 1, 1, 0, 0, 0, time.UTC)

func setup(t *testing.T) (*points.Service, *db.DB, *fake.Clock) {
	t.Helper()
	d := dbtest.New(t)
	c := fake.NewClock(t0)
	return points.New(d, c.Now), d, c
}

func newUser(t *testing.T, d *db.DB, email string) int64 {
	t.Helper()
	var id int64
	err := d.Write().GetContext(t.Context(), &id, d.Write().Rebind(
		`INSERT INTO users (email, name, role, active) VALUES (?, '김말랑', 'customer', TRUE) RETURNING id`), email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func inTx(t *testing.T, d *db.DB, fn func(q db.Querier) error) error {
	t.Helper()
	return d.InTx(t.Context(), fn)
}

func earn(t *testing.T, s *points.Service, d *db.DB, uid, amount, orderID int64, expires time.Time) {
	t.Helper()
	if err := inTx(t, d, func(q db.Querier) error {
		return s.Earn(t.Context(), q, uid, amount, orderID, "구매 적립", expires)
	}); err != nil {
		t.Fatalf("Earn(%d): %v", amount, err)
	}
}

func spend(t *testing.T, s *points.Service, d *db.DB, uid, amount, orderID int64) error {
	t.Helper()
	return inTx(t, d, func(q db.Querier) error { return s.Spend(t.Context(), q, uid, amount, orderID) })
}

func balance(t *testing.T, s *points.Service, uid int64) int64 {
	t.Helper()
	b, err := s.Balance(t.Context(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func entries(t *testing.T, s *points.Service, uid int64) []points.Entry {
	t.Helper()
	es, err := s.Entries(t.Context(), uid, t0.Add(-time.Hour), t0.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// sumRemaining is what the lots of uid hold; it must equal the balance.
func sumRemaining(t *testing.T, d *db.DB, uid int64) int64 {
	t.Helper()
	var n int64
	if err := d.Read().GetContext(t.Context(), &n, d.Read().Rebind(
		`SELECT COALESCE(SUM(remaining), 0) FROM points_entries WHERE user_id = ?`), uid); err != nil {
		t.Fatal(err)
	}
	return n
}

func invalidField(err error, field string) bool {
	inv, ok := fault.AsInvalid(err)
	return ok && inv.Fields[field] != ""
}

func TestEarnSpendBalance(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		earn        []int64
		spend       int64
		wantErr     string // field of *fault.Invalid, "" for success
		wantBalance int64
	}{
		{"part", []int64{3000}, 1000, "", 2000},
		{"exact", []int64{1000, 2000}, 3000, "", 0},
		{"more than balance", []int64{1000}, 1001, "points", 1000},
		{"no points at all", nil, 1, "points", 0},
		{"zero", []int64{1000}, 0, "points", 1000},
		{"negative", []int64{1000}, -5, "points", 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d, _ := setup(t)
			uid := newUser(t, d, "kim@example.com")
			for _, a := range tt.earn {
				earn(t, s, d, uid, a, 0, t0.AddDate(1, 0, 0))
			}
			err := spend(t, s, d, uid, tt.spend, 77)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Spend: %v", err)
			case tt.wantErr != "" && !invalidField(err, tt.wantErr):
				t.Fatalf("Spend = %v, want *fault.Invalid on %q", err, tt.wantErr)
			}
			if b := balance(t, s, uid); b != tt.wantBalance {
				t.Fatalf("balance %d, want %d", b, tt.wantBalance)
			}
			if r := sumRemaining(t, d, uid); r != tt.wantBalance {
				t.Fatalf("lots hold %d, balance %d", r, tt.wantBalance)
			}
			es := entries(t, s, uid)
			if len(es) > 0 && es[len(es)-1].BalanceAfter != tt.wantBalance {
				t.Fatalf("last entry %+v, want balance after %d", es[len(es)-1], tt.wantBalance)
			}
		})
	}
}

func TestSpendMessage(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	earn(t, s, d, uid, 500, 0, time.Time{})
	err := spend(t, s, d, uid, 501, 1)
	inv, ok := fault.AsInvalid(err)
	if !ok || inv.Fields["points"] != "is more than your balance" {
		t.Fatalf("Spend = %v", err)
	}
}

func TestEarnInvalid(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	tests := []struct {
		name    string
		amount  int64
		expires time.Time
		field   string
	}{
		{"zero", 0, time.Time{}, "points"},
		{"past expiry", 100, t0.Add(-time.Second), "expires_at"},
		{"expiry now", 100, t0, "expires_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := inTx(t, d, func(q db.Querier) error {
				return s.Earn(t.Context(), q, uid, tt.amount, 0, "", tt.expires)
			})
			if !invalidField(err, tt.field) {
				t.Fatalf("Earn = %v, want *fault.Invalid on %q", err, tt.field)
			}
		})
	}
}

func TestOrderOnce(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	earn(t, s, d, uid, 1000, 5, time.Time{})
	err := inTx(t, d, func(q db.Querier) error { return s.Earn(t.Context(), q, uid, 1000, 5, "", time.Time{}) })
	if !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("second Earn for order 5 = %v, want ErrConflict", err)
	}
	if err := spend(t, s, d, uid, 100, 9); err != nil {
		t.Fatal(err)
	}
	if err := spend(t, s, d, uid, 100, 9); !errors.Is(err, fault.ErrConflict) {
		t.Fatalf("second Spend for order 9 = %v, want ErrConflict", err)
	}
	if b := balance(t, s, uid); b != 900 {
		t.Fatalf("balance %d, want 900", b)
	}
}

// TestFIFO spends from the lot that expires soonest and expires exactly what
// is left of each lot.
func TestFIFO(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	late := t0.AddDate(0, 6, 0)
	soon := t0.AddDate(0, 1, 0)
	earn(t, s, d, uid, 1000, 1, late)       // expires last of the dated lots
	earn(t, s, d, uid, 500, 2, soon)        // expires first
	earn(t, s, d, uid, 300, 0, time.Time{}) // never expires: spent last
	if err := spend(t, s, d, uid, 700, 3); err != nil {
		t.Fatal(err)
	}
	// 500 from the soon lot, 200 from the late one.
	if n, err := s.ExpiringSoon(ctx, uid, 40*24*time.Hour); err != nil || n != 0 {
		t.Fatalf("ExpiringSoon(40 days) = %d, %v; want 0", n, err)
	}
	if n, err := s.ExpiringSoon(ctx, uid, 200*24*time.Hour); err != nil || n != 800 {
		t.Fatalf("ExpiringSoon(200 days) = %d, %v; want 800", n, err)
	}
	c.Advance(200 * 24 * time.Hour)
	n, err := s.ExpireDue(ctx)
	if err != nil || n != 800 {
		t.Fatalf("ExpireDue = %d, %v; want 800", n, err)
	}
	if b := balance(t, s, uid); b != 300 {
		t.Fatalf("balance %d after expiry, want 300", b)
	}
	es := entries(t, s, uid)
	last := es[len(es)-1]
	if last.Kind != points.KindExpire || last.Amount != -800 || last.BalanceAfter != 300 {
		t.Fatalf("last entry %+v, want expire of 800", last)
	}
	if n, err := s.ExpireDue(ctx); err != nil || n != 0 {
		t.Fatalf("second ExpireDue = %d, %v; want 0", n, err)
	}
}

func TestRefundOrder(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	ctx := t.Context()
	uid := newUser(t, d, "kim@example.com")
	soon := t0.AddDate(0, 1, 0)
	earn(t, s, d, uid, 500, 1, soon)
	earn(t, s, d, uid, 1000, 2, t0.AddDate(1, 0, 0))
	if err := spend(t, s, d, uid, 800, 3); err != nil {
		t.Fatal(err)
	}
	refund := func() error {
		return inTx(t, d, func(q db.Querier) error { return s.RefundOrder(ctx, q, uid, 3) })
	}
	for i := range 3 {
		if err := refund(); err != nil {
			t.Fatalf("RefundOrder #%d: %v", i+1, err)
		}
		if b := balance(t, s, uid); b != 1500 {
			t.Fatalf("balance %d after refund #%d, want 1500", b, i+1)
		}
	}
	// The refunded points went back to their lots: the soon lot expires whole.
	if n, err := s.ExpiringSoon(ctx, uid, 31*24*time.Hour); err != nil || n != 500 {
		t.Fatalf("ExpiringSoon = %d, %v; want 500", n, err)
	}
	// One new lot per expiry the spent points had: the year's lot first.
	var got []points.Entry
	for _, e := range entries(t, s, uid) {
		if e.Kind == points.KindRefund {
			got = append(got, e)
		}
	}
	if len(got) != 2 || got[0].Amount != 300 || !got[0].ExpiresAt.Equal(t0.AddDate(1, 0, 0)) ||
		got[1].Amount != 500 || !got[1].ExpiresAt.Equal(soon) || got[1].BalanceAfter != 1500 || got[1].OrderID != 3 {
		t.Fatalf("refund entries %+v, want 300 expiring in a year and 500 soon", got)
	}
	// An order that spent nothing and a customer without points: nothing.
	other := newUser(t, d, "lee@example.com")
	for _, u := range []struct{ uid, order int64 }{{uid, 99}, {other, 3}} {
		if err := inTx(t, d, func(q db.Querier) error { return s.RefundOrder(ctx, q, u.uid, u.order) }); err != nil {
			t.Fatalf("RefundOrder(%d, %d): %v", u.uid, u.order, err)
		}
	}
	if b := balance(t, s, uid); b != 1500 {
		t.Fatalf("balance %d, want 1500", b)
	}
	// Refunded after its lot expired: the points expire at the next run.
	if err := spend(t, s, d, uid, 400, 4); err != nil {
		t.Fatal(err)
	}
	c.Advance(40 * 24 * time.Hour)
	if n, err := s.ExpireDue(ctx); err != nil || n != 100 {
		t.Fatalf("ExpireDue = %d, %v; want 100", n, err)
	}
	if err := inTx(t, d, func(q db.Querier) error { return s.RefundOrder(ctx, q, uid, 4) }); err != nil {
		t.Fatal(err)
	}
	if n, err := s.ExpireDue(ctx); err != nil || n != 400 {
		t.Fatalf("ExpireDue after refund = %d, %v; want 400", n, err)
	}
	if b, r := balance(t, s, uid), sumRemaining(t, d, uid); b != 1000 || r != 1000 {
		t.Fatalf("balance %d, lots %d; want 1000", b, r)
	}
}

func TestAdjust(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		start       int64
		delta       int64
		memo        string
		actor       int64
		field       string
		wantBalance int64
	}{
		{"add", 0, 5000, "이벤트 보상", 1, "", 5000},
		{"take", 3000, -1000, "오지급 회수", 1, "", 2000},
		{"take all", 3000, -3000, "오지급 회수", 1, "", 0},
		{"below zero", 3000, -3001, "오지급 회수", 1, "delta", 3000},
		{"zero", 3000, 0, "메모", 1, "delta", 3000},
		{"no memo", 3000, 100, "", 1, "memo", 3000},
		{"no actor", 3000, 100, "메모", 0, "actor", 3000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, d, _ := setup(t)
			staff := newUser(t, d, "admin@example.com")
			uid := newUser(t, d, "kim@example.com")
			if tt.start > 0 {
				earn(t, s, d, uid, tt.start, 0, t0.AddDate(1, 0, 0))
			}
			actor := int64(0)
			if tt.actor != 0 {
				actor = staff
			}
			err := s.Adjust(t.Context(), uid, tt.delta, tt.memo, actor)
			switch {
			case tt.field == "" && err != nil:
				t.Fatalf("Adjust: %v", err)
			case tt.field != "" && !invalidField(err, tt.field):
				t.Fatalf("Adjust = %v, want *fault.Invalid on %q", err, tt.field)
			}
			if b := balance(t, s, uid); b != tt.wantBalance {
				t.Fatalf("balance %d, want %d", b, tt.wantBalance)
			}
			if r := sumRemaining(t, d, uid); r != tt.wantBalance {
				t.Fatalf("lots hold %d, balance %d", r, tt.wantBalance)
			}
			if tt.field == "" {
				es := entries(t, s, uid)
				e := es[len(es)-1]
				if e.Kind != points.KindAdjust || e.Amount != tt.delta || e.ActorID != staff || e.Memo != tt.memo {
					t.Fatalf("adjust entry %+v", e)
				}
			}
		})
	}
}

// TestConcurrentSpend spends 1,000 thirty times at once from 10,000: exactly
// ten succeed and the balance ends at zero, never below.
func TestConcurrentSpend(t *testing.T) {
	t.Parallel()
	s, d, _ := setup(t)
	uid := newUser(t, d, "kim@example.com")
	earn(t, s, d, uid, 4000, 0, t0.AddDate(0, 1, 0))
	earn(t, s, d, uid, 6000, 0, t0.AddDate(1, 0, 0))
	const tries = 30
	errs := make([]error, tries)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range tries {
		wg.Go(func() {
			<-start
			errs[i] = d.InTx(context.Background(), func(q db.Querier) error {
				return s.Spend(context.Background(), q, uid, 1000, int64(100+i))
			})
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !invalidField(err, "points"):
			t.Errorf("Spend: %v", err)
		}
	}
	if ok != 10 {
		t.Fatalf("%d spends succeeded, want 10", ok)
	}
	if b, r := balance(t, s, uid), sumRemaining(t, d, uid); b != 0 || r != 0 {
		t.Fatalf("balance %d, lots %d; want 0", b, r)
	}
}

// TestConcurrentExpireDue runs ExpireDue from five goroutines at once, as
// several nodes would: every due point expires exactly once.
func TestConcurrentExpireDue(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	const customers = 8
	var uids []int64
	for i := range customers {
		uid := newUser(t, d, fmt.Sprintf("c%d@example.com", i))
		uids = append(uids, uid)
		earn(t, s, d, uid, 1000, 0, t0.AddDate(0, 1, 0))
		earn(t, s, d, uid, 300, 0, t0.AddDate(0, 1, 1))
		earn(t, s, d, uid, 50, 0, t0.AddDate(2, 0, 0))
		if err := spend(t, s, d, uid, 100, int64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	c.Advance(90 * 24 * time.Hour)
	const runs = 5
	got := make([]int64, runs)
	errs := make([]error, runs)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range runs {
		wg.Go(func() {
			<-start
			got[i], errs[i] = s.ExpireDue(context.Background())
		})
	}
	close(start)
	wg.Wait()
	var total int64
	for i := range runs {
		if errs[i] != nil {
			t.Fatalf("ExpireDue: %v", errs[i])
		}
		total += got[i]
	}
	if total != customers*1200 {
		t.Fatalf("expired %d in all, want %d", total, customers*1200)
	}
	for _, uid := range uids {
		if b := balance(t, s, uid); b != 50 {
			t.Fatalf("balance of %d is %d, want 50", uid, b)
		}
		n := 0
		for _, e := range entries(t, s, uid) {
			if e.Kind == points.KindExpire {
				n++
				if e.Amount != -1200 {
					t.Fatalf("expire entry %+v, want -1200", e)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d expire entries for user %d, want 1", n, uid)
		}
	}
}

// TestEntriesRange returns the entries of a month for the calendar.
func TestEntriesRange(t *testing.T) {
	t.Parallel()
	s, d, c := setup(t)
	uid := newUser(t, d, "kim@example.com")
	earn(t, s, d, uid, 100, 0, time.Time{}) // 1 March
	c.Advance(31 * 24 * time.Hour)
	earn(t, s, d, uid, 200, 0, time.Time{}) // 1 April
	if err := spend(t, s, d, uid, 50, 1); err != nil {
		t.Fatal(err)
	}
	c.Advance(30 * 24 * time.Hour)
	earn(t, s, d, uid, 300, 0, time.Time{}) // 1 May
	april := time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from, to time.Time
		want     []int64
	}{
		{"march", t0.AddDate(0, 0, -1), april, []int64{100}},
		{"april", april, april.AddDate(0, 1, 0), []int64{200, -50}},
		{"june", april.AddDate(0, 2, 0), april.AddDate(0, 3, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := s.Entries(t.Context(), uid, tt.from, tt.to)
			if err != nil {
				t.Fatal(err)
			}
			var got []int64
			for _, e := range es {
				got = append(got, e.Amount)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Fatalf("amounts %v, want %v", got, tt.want)
			}
		})
	}
}
