package backoffice

import (
	"context"
	"time"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/stats"
)

// The dashboard's sales block: today and this month against the same
// period before (today against the same weekday last week, this month so
// far against the same days of last month), and the last 30 days' sales
// with new members, drawn from the table under the chart.

// salesCompare is one figure now and before.
type salesCompare struct {
	Label, Now, Before, Change string
	Up, Down                   bool
}

// salesPeriod is today's or this month's block.
type salesPeriod struct {
	Title, Range, BeforeRange string
	Figures                   []salesCompare
}

// salesOverviewView is the whole block.
type salesOverviewView struct {
	Title, StatsURL, StatsLabel string
	// TableLabel opens the table folded under the chart.
	TableLabel string
	Periods    []salesPeriod
	Table      statTable
}

// salesOverview is the dashboard's sales block for m's language.
func (h *Handler) salesOverview(ctx context.Context, m *messages) (templ.Component, error) {
	now := h.deps.Now().In(kst.Zone)
	day := func(t time.Time) string { return t.Format(stats.DayLayout) }
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, kst.Zone)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, kst.Zone)
	prevFirst := first.AddDate(0, -1, 0)
	// The same days of last month, cut at its end (31 March → 28 February).
	prevTo := prevFirst.AddDate(0, 0, today.Day()-1)
	if prevTo.Month() != prevFirst.Month() {
		prevTo = first.AddDate(0, 0, -1)
	}
	v := salesOverviewView{Title: m.T("stats.dash.title"), StatsURL: h.url("/stats"), StatsLabel: m.T("stats.dash.more"),
		TableLabel: m.T("chart.table")}
	for _, p := range []struct {
		key        string
		now, befor stats.Range
	}{
		{"today", stats.Range{From: day(today), To: day(today)}, stats.Range{From: day(today.AddDate(0, 0, -7)), To: day(today.AddDate(0, 0, -7))}},
		{"month", stats.Range{From: day(first), To: day(today)}, stats.Range{From: day(prevFirst), To: day(prevTo)}},
	} {
		cur, err := h.deps.Stats.Total(ctx, p.now)
		if err != nil {
			return nil, err
		}
		old, err := h.deps.Stats.Total(ctx, p.befor)
		if err != nil {
			return nil, err
		}
		sp := salesPeriod{Title: m.T("stats.dash." + p.key), Range: rangeText(m, p.now), BeforeRange: m.F("stats.dash.before", rangeText(m, p.befor))}
		for _, f := range []struct {
			key      string
			now, was int64
			won      bool
		}{
			{"orders", cur.Orders, old.Orders, false}, {"paid", cur.Paid, old.Paid, true},
			{"refunds", cur.Refunds, old.Refunds, true}, {"net", cur.Net(), old.Net(), true},
		} {
			c := salesCompare{Label: m.T("stats.col." + f.key), Now: num(m, f.now, f.won).Text, Before: num(m, f.was, f.won).Text}
			c.Change, c.Up, c.Down = change(m, f.now, f.was)
			sp.Figures = append(sp.Figures, c)
		}
		v.Periods = append(v.Periods, sp)
	}
	last30 := stats.Range{From: day(today.AddDate(0, 0, -29)), To: day(today)}
	sales, err := h.deps.Stats.Sales(ctx, last30, stats.Daily)
	if err != nil {
		return nil, err
	}
	v.Table = statTable{ID: "dash-sales", Kind: "line", Unit: "won", Headers: []statHeader{{Label: m.T("stats.period.day")},
		{Label: m.T("stats.col.paid")}, {Label: m.T("stats.col.net")}, {Label: m.T("stats.col.orders"), Off: true}}}
	for _, r := range sales {
		v.Table.Rows = append(v.Table.Rows, []statCell{{Text: dayText(m, r.Key), Value: r.Key}, num(m, r.Paid, true), num(m, r.Net(), true),
			num(m, r.Orders, false)})
	}
	return salesOverviewBlock(v), nil
}

// rangeText writes r as "12월 1일 (화) ~ 12월 7일 (월)", or the one day.
func rangeText(m *messages, r stats.Range) string {
	if r.From == r.To {
		return dayText(m, r.From)
	}
	return dayText(m, r.From) + " ~ " + dayText(m, r.To)
}

// dayText writes a day of the statistics (stats.DayLayout) as the tables
// of the dashboard do; a key that is not a day is shown as it is.
func dayText(m *messages, key string) string {
	d, err := time.ParseInLocation(stats.DayLayout, key, kst.Zone)
	if err != nil {
		return key
	}
	return m.Day(d)
}

// change is now against before as a signed percentage ("+12.5%"), or a
// dash when there was nothing before.
func change(m *messages, now, before int64) (string, bool, bool) {
	if before == 0 {
		return "–", false, false
	}
	// Tenths of a percent in integers: no floats with money.
	tenths := (now - before) * 1000 / before
	sign := ""
	if tenths > 0 {
		sign = "+"
	}
	neg := tenths < 0
	if neg {
		tenths = -tenths
		sign = "-"
	}
	return sign + grouped(tenths/10) + "." + string(rune('0'+tenths%10)) + "%", !neg && tenths > 0, neg
}
