package backoffice

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/stats"
)

// fixedStats answers every range from a table of totals by range and with
// one paid day for the chart.
type fixedStats struct {
	totals map[stats.Range]stats.Figures
	asked  []stats.Range
}

func (f *fixedStats) Total(_ context.Context, r stats.Range) (stats.Figures, error) {
	f.asked = append(f.asked, r)
	return f.totals[r], nil
}

func (f *fixedStats) Sales(_ context.Context, r stats.Range, _ stats.Period) ([]stats.Row, error) {
	var rows []stats.Row
	for _, d := range stats.Days(r) {
		row := stats.Row{Key: d}
		if d == "2026-12-05" {
			row.Paid, row.Orders = 55000, 2
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func (f *fixedStats) Members(_ context.Context, r stats.Range, _ stats.Period) ([]stats.Count, error) {
	var rows []stats.Count
	for _, d := range stats.Days(r) {
		rows = append(rows, stats.Count{Key: d, N: 1})
	}
	return rows, nil
}

func (f *fixedStats) Split(context.Context, stats.Range, stats.Dimension) ([]stats.Row, error) {
	return nil, nil
}

func (f *fixedStats) Items(context.Context, stats.Range, stats.Level) ([]stats.ItemRow, error) {
	return nil, nil
}

// TestSalesOverview compares today with the same weekday last week and
// this month so far with the same days of last month (cut at its end).
func TestSalesOverview(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		now          time.Time
		today, week  stats.Range
		month, prior stats.Range
	}{
		{"the 7th", time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC),
			stats.Range{From: "2026-12-07", To: "2026-12-07"}, stats.Range{From: "2026-11-30", To: "2026-11-30"},
			stats.Range{From: "2026-12-01", To: "2026-12-07"}, stats.Range{From: "2026-11-01", To: "2026-11-07"}},
		{"the 31st after a short month, a Korean day ahead of UTC", time.Date(2027, 3, 30, 16, 0, 0, 0, time.UTC),
			stats.Range{From: "2027-03-31", To: "2027-03-31"}, stats.Range{From: "2027-03-24", To: "2027-03-24"},
			stats.Range{From: "2027-03-01", To: "2027-03-31"}, stats.Range{From: "2027-02-01", To: "2027-02-28"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := &fixedStats{totals: map[stats.Range]stats.Figures{
				tt.today: {Orders: 3, Paid: 90000, Refunds: 10000},
				tt.week:  {Orders: 2, Paid: 80000},
				tt.month: {Orders: 30, Paid: 1_000_000},
			}}
			h := &Handler{cfg: Config{Path: "/staff"}, deps: Deps{Stats: f, Now: func() time.Time { return tt.now }}, msgs: newMessages()}
			c, err := h.salesOverview(t.Context(), h.msgs[0])
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := c.Render(t.Context(), &b); err != nil {
				t.Fatal(err)
			}
			html := b.String()
			if want := []stats.Range{tt.today, tt.week, tt.month, tt.prior}; !equalRanges(f.asked, want) {
				t.Errorf("asked %v, want %v", f.asked, want)
			}
			week, err := time.ParseInLocation(stats.DayLayout, tt.week.From, kst.Zone)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range []string{"매출 현황", "90,000원", "비교 " + h.msgs[0].Day(week) + ": 80,000원",
				`<span class="change up">+12.5%</span>`, // paid 90,000 against 80,000
				`<span class="change up">+50.0%</span>`, // 3 orders against 2
				`<span class="change">0.0%</span>`,      // net 80,000 against 80,000
			} {
				if !strings.Contains(html, w) {
					t.Errorf("no %q in\n%s", w, html)
				}
			}
			if !strings.Contains(html, `data-chart-for="dash-sales"`) || strings.Count(html, `<th scope="row"`) != 30 {
				t.Errorf("the chart's table has not 30 days:\n%s", html)
			}
			if tt.name == "the 7th" && !strings.Contains(html, `data-x="2026-12-05"`) {
				t.Errorf("no 5 December in the chart")
			}
		})
	}
}

func equalRanges(a, b []stats.Range) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
