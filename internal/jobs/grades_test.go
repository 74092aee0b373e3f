package jobs

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/kst"
)

// The evaluation runs at 00:10 Korean time on the first of each month.
func TestGradeEvaluationSchedule(t *testing.T) {
	t.Parallel()
	at := func(y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, kst.Zone)
	}
	tests := []struct {
		name     string
		now      time.Time
		want     time.Time
		monthArg string
	}{
		{"mid-month", at(2026, 11, 15, 12, 0, 0), at(2026, 12, 1, 0, 10, 0), "2026-11"},
		{"the first, just before", at(2026, 12, 1, 0, 9, 59), at(2026, 12, 1, 0, 10, 0), "2026-12"},
		{"the first, on time", at(2026, 12, 1, 0, 10, 0), at(2027, 1, 1, 0, 10, 0), "2026-12"},
		{"new year's eve", at(2026, 12, 31, 23, 59, 0), at(2027, 1, 1, 0, 10, 0), "2026-12"},
		// 15:05 UTC on 30 November is already 1 December in Korea.
		{"UTC still the day before", time.Date(2026, 11, 30, 15, 5, 0, 0, time.UTC), at(2026, 12, 1, 0, 10, 0), "2026-12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := GradeEvaluationSchedule().Next(tt.now); !got.Equal(tt.want) {
				t.Errorf("Next(%s) = %s, want %s", tt.now, got.In(kst.Zone), tt.want)
			}
			if got := gradeEvaluationFor(tt.now).Period; got != tt.monthArg {
				t.Errorf("period at %s = %q, want %q", tt.now, got, tt.monthArg)
			}
		})
	}
}

// evaluations records the periods it is asked to evaluate.
type evaluations struct {
	mu   sync.Mutex
	runs []string
}

func (e *evaluations) EvaluateMonth(_ context.Context, period string) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.runs = append(e.runs, period)
	return 1, nil
}

// The job inserted twice for one month is worked once.
func TestGradeEvaluationOncePerMonth(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d := dbtest.New(t)
	if err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	qu, err := NewQueue(d)
	if err != nil {
		t.Fatal(err)
	}
	ev := &evaluations{}
	r, err := NewRunner(d, slog.New(slog.DiscardHandler), nil, nil, nil, nil, nil, ev, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := r.Stop(ctx); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	insert := func(period string) {
		t.Helper()
		if err := d.InTx(ctx, func(q db.Querier) error {
			tx, err := sqlTx(q)
			if err != nil {
				return err
			}
			_, err = qu.client.InsertTx(ctx, tx, GradeEvaluationArgs{Period: period}, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	work := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := r.WorkAll(ctx); err != nil {
			t.Fatal(err)
		}
	}
	insert("2026-12")
	work()
	insert("2026-12")
	insert("2027-01")
	work()
	ev.mu.Lock()
	defer ev.mu.Unlock()
	if len(ev.runs) != 2 || ev.runs[0] != "2026-12" || ev.runs[1] != "2027-01" {
		t.Fatalf("evaluations = %v, want 2026-12 once, then 2027-01", ev.runs)
	}
}
