package attendance_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/attendance"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/points"
)

// seoul is a time on the Korean calendar.
func seoul(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, kst.Zone)
}

type fixture struct {
	d      *db.DB
	clock  *fake.Clock
	points *points.Service
	rules  attendance.Rules
	s      *attendance.Service
}

func setup(t *testing.T, start time.Time) *fixture {
	t.Helper()
	f := &fixture{d: dbtest.New(t), clock: fake.NewClock(start),
		rules: attendance.Rules{On: true, Points: 10, StreakDays: 3, StreakBonus: 100}}
	f.points = points.New(f.d, f.clock.Now)
	f.s = attendance.New(f.d, f.points, func(context.Context) attendance.Rules { return f.rules }, f.clock.Now)
	return f
}

func (f *fixture) user(t *testing.T, email string) int64 {
	t.Helper()
	var id int64
	err := f.d.Write().GetContext(t.Context(), &id, f.d.Write().Rebind(
		`INSERT INTO users (email, name, role, active) VALUES (?, '김말랑', 'customer', TRUE) RETURNING id`), email)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) balance(t *testing.T, uid int64) int64 {
	t.Helper()
	b, err := f.points.Balance(t.Context(), uid)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckInOncePerKoreanDay: a check counts on the Korean calendar day;
// a second one the same day is refused and credits nothing; days in a row
// build a streak that earns the bonus on every third day, and a missed day
// starts over.
func TestCheckInOncePerKoreanDay(t *testing.T) {
	f := setup(t, seoul(2026, 12, 1, 0, 5))
	uid := f.user(t, "a@example.com")
	steps := []struct {
		name       string
		at         time.Time
		wantErr    error
		wantDay    string
		wantStreak int
		wantPoints int64
		balance    int64
	}{
		{"first day, just after midnight in Seoul", seoul(2026, 12, 1, 0, 5), nil, "2026-12-01", 1, 10, 10},
		{"again the same day", seoul(2026, 12, 1, 23, 59), attendance.ErrChecked, "", 0, 0, 10},
		{"next day", seoul(2026, 12, 2, 9, 0), nil, "2026-12-02", 2, 10, 20},
		// 00:30 on the 3rd in Seoul is still the 2nd in UTC (15:30): the
		// Korean day counts.
		{"third day in a row earns the bonus", seoul(2026, 12, 3, 0, 30), nil, "2026-12-03", 3, 110, 130},
		{"fourth", seoul(2026, 12, 4, 12, 0), nil, "2026-12-04", 4, 10, 140},
		{"a day missed starts over", seoul(2026, 12, 6, 12, 0), nil, "2026-12-06", 1, 10, 150},
	}
	for _, st := range steps {
		f.clock.Set(st.at)
		c, err := f.s.CheckIn(t.Context(), uid)
		if st.wantErr != nil {
			if !errors.Is(err, st.wantErr) || !errors.Is(err, fault.ErrConflict) {
				t.Fatalf("%s: err %v, want %v", st.name, err, st.wantErr)
			}
		} else if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		} else if c.Day != st.wantDay || c.Streak != st.wantStreak || c.Points != st.wantPoints {
			t.Fatalf("%s: got day %s streak %d points %d, want %s %d %d", st.name, c.Day, c.Streak, c.Points, st.wantDay, st.wantStreak, st.wantPoints)
		}
		if b := f.balance(t, uid); b != st.balance {
			t.Fatalf("%s: balance %d, want %d", st.name, b, st.balance)
		}
	}
	month, err := f.s.Month(t.Context(), uid, seoul(2026, 12, 15, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	var days []string
	for _, c := range month {
		days = append(days, c.Day)
	}
	if want := []string{"2026-12-01", "2026-12-02", "2026-12-03", "2026-12-04", "2026-12-06"}; !slices.Equal(days, want) {
		t.Fatalf("December's checks %v, want %v", days, want)
	}
	if streak, err := f.s.Streak(t.Context(), uid); err != nil || streak != 1 {
		t.Fatalf("streak %d, %v; want 1", streak, err)
	}
	f.clock.Set(seoul(2026, 12, 8, 12, 0))
	if streak, err := f.s.Streak(t.Context(), uid); err != nil || streak != 0 {
		t.Fatalf("streak after a missed day %d, %v; want 0", streak, err)
	}
}

// TestCheckInRace: many requests of one customer at once make one check
// and credit its points once, on either engine; the others are told the
// customer checked in already.
func TestCheckInRace(t *testing.T) {
	f := setup(t, seoul(2026, 12, 7, 10, 0))
	uid := f.user(t, "race@example.com")
	const n = 16
	var (
		wg                sync.WaitGroup
		mu                sync.Mutex
		won, told, others int
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.s.CheckIn(context.Background(), uid)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.Is(err, attendance.ErrChecked):
				told++
			default:
				others++
				t.Errorf("check: %v", err)
			}
		}()
	}
	wg.Wait()
	if won != 1 || told != n-1 || others != 0 {
		t.Fatalf("%d checks made, %d told already, %d failed; want 1, %d, 0", won, told, others, n-1)
	}
	if b := f.balance(t, uid); b != 10 {
		t.Fatalf("balance %d, want 10 (one check's points)", b)
	}
}

// TestCheckInRules: the shop's policy decides: off refuses the check,
// zero points records the day without a points entry.
func TestCheckInRules(t *testing.T) {
	f := setup(t, seoul(2026, 12, 7, 10, 0))
	uid := f.user(t, "rules@example.com")
	f.rules = attendance.Rules{}
	if _, err := f.s.CheckIn(t.Context(), uid); !errors.Is(err, attendance.ErrOff) || !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("check with attendance off: %v, want ErrOff", err)
	}
	f.rules = attendance.Rules{On: true}
	c, err := f.s.CheckIn(t.Context(), uid)
	if err != nil || c.Points != 0 {
		t.Fatalf("check without points: %+v, %v", c, err)
	}
	if b := f.balance(t, uid); b != 0 {
		t.Fatalf("balance %d, want 0", b)
	}
	var entries int
	if err := f.d.Read().GetContext(t.Context(), &entries, f.d.Read().Rebind(`SELECT COUNT(*) FROM points_entries WHERE user_id = ?`), uid); err != nil || entries != 0 {
		t.Fatalf("%d points entries, %v; want none", entries, err)
	}
}

func TestEarned(t *testing.T) {
	r := attendance.Rules{On: true, Points: 10, StreakDays: 7, StreakBonus: 500}
	for _, tt := range []struct {
		streak int
		want   int64
	}{{1, 10}, {6, 10}, {7, 510}, {8, 10}, {14, 510}} {
		if got := r.Earned(tt.streak); got != tt.want {
			t.Errorf("day %d in a row earns %d, want %d", tt.streak, got, tt.want)
		}
	}
	if got := (attendance.Rules{Points: 5, StreakBonus: 100}).Earned(7); got != 5 {
		t.Errorf("no streak rule earns %d, want 5", got)
	}
}
