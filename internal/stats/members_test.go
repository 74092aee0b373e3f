package stats_test

import (
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/stats"
)

// TestMembers counts customers by the Korean day they joined (staff are not
// members), keeps the days that are over and counts today live.
func TestMembers(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	clock := fake.NewClock(kstTime("2026-12-02", 12, 0, 0).UTC())
	s := stats.NewService(d, clock.Now, slog.New(slog.DiscardHandler))
	n := 0
	join := func(at time.Time, role string) {
		n++
		q := d.Write()
		if _, err := q.ExecContext(t.Context(), q.Rebind(`INSERT INTO users (email, role, created_at, updated_at) VALUES (?, ?, ?, ?)`),
			"m"+string(rune('a'+n))+"@example.com", role, at.UTC(), at.UTC()); err != nil {
			t.Fatal(err)
		}
	}
	join(kstTime("2026-11-30", 23, 59, 59), "customer")
	join(kstTime("2026-12-01", 0, 0, 0), "customer")
	join(kstTime("2026-12-01", 8, 0, 0), "staff")
	join(kstTime("2026-12-02", 9, 0, 0), "customer")
	get := func() []stats.Count {
		rows, err := s.Members(t.Context(), stats.Range{From: "2026-11-30", To: "2026-12-02"}, stats.Daily)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	want := []stats.Count{{Key: "2026-11-30", N: 1}, {Key: "2026-12-01", N: 1}, {Key: "2026-12-02", N: 1}}
	if got := get(); !reflect.DeepEqual(got, want) {
		t.Fatalf("Members = %+v, want %+v", got, want)
	}
	// A customer joining today counts at once; the past days are kept.
	join(kstTime("2026-12-02", 10, 0, 0), "customer")
	want[2].N = 2
	if got := get(); !reflect.DeepEqual(got, want) {
		t.Errorf("after one more today: %+v, want %+v", got, want)
	}
	var kept int
	if err := d.Read().GetContext(t.Context(), &kept, `SELECT COUNT(*) FROM stats_members`); err != nil {
		t.Fatal(err)
	}
	if kept != 2 {
		t.Errorf("%d days kept, want the 2 that are over", kept)
	}
	weeks, err := s.Members(t.Context(), stats.Range{From: "2026-11-30", To: "2026-12-02"}, stats.Weekly)
	if err != nil {
		t.Fatal(err)
	}
	if want := []stats.Count{{Key: "2026-11-30", N: 4}}; !reflect.DeepEqual(weeks, want) {
		t.Errorf("by week %+v, want %+v", weeks, want)
	}
}
