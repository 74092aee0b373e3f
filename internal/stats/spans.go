package stats

import (
	"time"

	"github.com/mallang/mallang/internal/kst"
)

// span is a part of a range read from one table: whole months
// ("2006-01") from the monthly summaries, or days from the daily ones.
type span struct {
	monthly  bool
	from, to string
}

// table, key are the summary table of sp among base's daily and monthly
// tables, and its key column.
func (sp span) table(base string) (string, string) {
	if sp.monthly {
		return base + "_monthly", "month"
	}
	return base, "day"
}

// spans splits r (valid) into the whole months it covers and the days at
// its ends: 2026-01-15..2026-04-10 is 01-15..01-31, months 02..03, and
// 04-01..04-10.
func spans(r Range) []span {
	f, _ := time.ParseInLocation(DayLayout, r.From, kst.Zone)
	t, _ := time.ParseInLocation(DayLayout, r.To, kst.Zone)
	first := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, kst.Zone)
	if !first.Equal(f) {
		first = first.AddDate(0, 1, 0) // the first whole month
	}
	end := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, kst.Zone).AddDate(0, 1, 0) // after to's month
	if !end.AddDate(0, 0, -1).Equal(t) {
		end = end.AddDate(0, -1, 0) // to's month is not whole
	}
	if !first.Before(end) {
		return []span{{from: r.From, to: r.To}}
	}
	var out []span
	if f.Before(first) {
		out = append(out, span{from: r.From, to: first.AddDate(0, 0, -1).Format(DayLayout)})
	}
	out = append(out, span{monthly: true, from: first.Format("2006-01"), to: end.AddDate(0, -1, 0).Format("2006-01")})
	if end.Before(t) || end.Equal(t) {
		out = append(out, span{from: end.Format(DayLayout), to: r.To})
	}
	return out
}
