package stats

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/kst"
)

// Range is a span of Korean calendar days, both ends included
// ("2006-01-02").
type Range struct {
	From, To string
}

// Period is the bucket of a report over time.
type Period string

// The periods: a day, a week starting on Monday, a calendar month.
const (
	Daily   Period = "day"
	Weekly  Period = "week"
	Monthly Period = "month"
)

// Dimension is what a report splits sales by.
type Dimension string

// The dimensions of stats_sales.
const (
	ByChannel  Dimension = "channel"
	ByMethod   Dimension = "method"
	ByGrade    Dimension = "grade"
	ByCustomer Dimension = "customer"
)

// Row is one line of a report: its key (a day, the Monday of a week, the
// first of a month, a channel, …), a label when the key is a code, and
// its figures.
type Row struct {
	Key   string
	Label string
	Figures
}

const sumColumns = `COALESCE(SUM(orders), 0) AS orders, COALESCE(SUM(items), 0) AS items, COALESCE(SUM(gross), 0) AS gross,
	COALESCE(SUM(coupon), 0) AS coupon, COALESCE(SUM(grade_discount), 0) AS grade_discount, COALESCE(SUM(points), 0) AS points, COALESCE(SUM(shipping), 0) AS shipping,
	COALESCE(SUM(paid), 0) AS paid, COALESCE(SUM(refunds), 0) AS refunds, COALESCE(SUM(refund_count), 0) AS refund_count`

// Sales returns the figures of every day, week or month of r, oldest
// first, with zeros for a bucket without sales. A week's key is its
// Monday, a month's its first day; the first and last buckets hold only
// the days of r.
func (s *Service) Sales(ctx context.Context, r Range, by Period) ([]Row, error) {
	if _, _, err := dayRange(r.From, r.To); err != nil {
		return nil, err
	}
	var days []struct {
		Day string `db:"day"`
		Figures
	}
	q := s.d.Read()
	if err := q.SelectContext(ctx, &days, q.Rebind(`SELECT day, `+sumColumns+` FROM stats_sales
		WHERE day >= ? AND day <= ? GROUP BY day`), r.From, r.To); err != nil {
		return nil, fmt.Errorf("sales %s..%s by %s: %w", r.From, r.To, by, err)
	}
	byDay := make(map[string]Figures, len(days))
	for _, d := range days {
		byDay[d.Day] = d.Figures
	}
	var rows []Row
	index := map[string]int{}
	for _, d := range Days(r) {
		k := Bucket(d, by)
		i, ok := index[k]
		if !ok {
			i = len(rows)
			index[k] = i
			rows = append(rows, Row{Key: k})
		}
		rows[i].Add(byDay[d])
	}
	return rows, nil
}

// Days lists the days of r, oldest first.
func Days(r Range) []string {
	f, err1 := time.ParseInLocation(DayLayout, r.From, kst.Zone)
	t, err2 := time.ParseInLocation(DayLayout, r.To, kst.Zone)
	if err1 != nil || err2 != nil {
		return nil
	}
	var days []string
	for d := f; !d.After(t); d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format(DayLayout))
	}
	return days
}

// Bucket returns the key of day's bucket: the day, its week's Monday or its
// month's first day.
func Bucket(day string, by Period) string {
	d, err := time.ParseInLocation(DayLayout, day, kst.Zone)
	if err != nil {
		return day
	}
	switch by {
	case Weekly:
		back := (int(d.Weekday()) + 6) % 7 // Monday 0 … Sunday 6
		return d.AddDate(0, 0, -back).Format(DayLayout)
	case Monthly:
		return d.Format("2006-01") + "-01"
	}
	return day
}

// Split returns the figures of r split by dim, biggest paid first. A
// grade's label is its name.
func (s *Service) Split(ctx context.Context, r Range, dim Dimension) ([]Row, error) {
	if _, _, err := dayRange(r.From, r.To); err != nil {
		return nil, err
	}
	col := map[Dimension]string{ByChannel: "channel", ByMethod: "method", ByGrade: "grade", ByCustomer: "customer"}[dim]
	if col == "" {
		return nil, fmt.Errorf("sales by %q: no such dimension", dim)
	}
	q := s.d.Read()
	byKey := map[string]Figures{}
	for _, sp := range spans(r) {
		table, key := sp.table("stats_sales")
		var part []struct {
			Key string `db:"k"`
			Figures
		}
		if err := q.SelectContext(ctx, &part, q.Rebind(`SELECT `+col+` AS k, `+sumColumns+` FROM `+table+`
			WHERE `+key+` >= ? AND `+key+` <= ? GROUP BY `+col), sp.from, sp.to); err != nil {
			return nil, fmt.Errorf("sales %s..%s by %s: %w", r.From, r.To, dim, err)
		}
		for _, x := range part {
			f := byKey[x.Key]
			f.Add(x.Figures)
			byKey[x.Key] = f
		}
	}
	names := map[string]string{}
	if dim == ByGrade {
		var err error
		if names, err = gradeNames(ctx, q); err != nil {
			return nil, err
		}
	}
	out := make([]Row, 0, len(byKey))
	for k, f := range byKey {
		out = append(out, Row{Key: k, Label: names[k], Figures: f})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Paid != out[j].Paid {
			return out[i].Paid > out[j].Paid
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

// gradeNames maps grade codes to names.
func gradeNames(ctx context.Context, q db.Querier) (map[string]string, error) {
	var gs []struct {
		Code string `db:"code"`
		Name string `db:"name"`
	}
	if err := q.SelectContext(ctx, &gs, `SELECT code, name FROM member_grades`); err != nil {
		return nil, fmt.Errorf("grade names: %w", err)
	}
	m := make(map[string]string, len(gs))
	for _, g := range gs {
		m[g.Code] = g.Name
	}
	return m, nil
}

// Count is how many of something a bucket holds.
type Count struct {
	Key string
	N   int64
}

// Members returns how many customers joined in each day, week or month of
// r, oldest first. Days that are over are read from stats_members, each
// counted from the users' sign-up times (by the index on created_at) the
// first time a report needs it; today is counted live.
func (s *Service) Members(ctx context.Context, r Range, by Period) ([]Count, error) {
	if _, _, err := dayRange(r.From, r.To); err != nil {
		return nil, err
	}
	today := Day(s.now())
	q := s.d.Read()
	var kept []struct {
		Day string `db:"day"`
		N   int64  `db:"members"`
	}
	if err := q.SelectContext(ctx, &kept, q.Rebind(`SELECT day, members FROM stats_members WHERE day >= ? AND day <= ?`),
		r.From, r.To); err != nil {
		return nil, fmt.Errorf("members %s..%s: %w", r.From, r.To, err)
	}
	byDay := make(map[string]int64, len(kept))
	for _, k := range kept {
		byDay[k.Day] = k.N
	}
	var missing []string // past days not counted yet, oldest first
	for _, d := range Days(r) {
		if _, ok := byDay[d]; !ok && d < today {
			missing = append(missing, d)
		}
	}
	if len(missing) > 0 {
		counted, err := s.countMembers(ctx, Range{From: missing[0], To: missing[len(missing)-1]})
		if err != nil {
			return nil, err
		}
		if err := s.keepMembers(ctx, missing, counted); err != nil {
			return nil, err
		}
		for _, d := range missing {
			byDay[d] = counted[d]
		}
	}
	if today >= r.From && today <= r.To {
		counted, err := s.countMembers(ctx, Range{From: today, To: today})
		if err != nil {
			return nil, err
		}
		byDay[today] = counted[today]
	}
	var rows []Count
	for _, d := range Days(r) {
		k := Bucket(d, by)
		if len(rows) == 0 || rows[len(rows)-1].Key != k {
			rows = append(rows, Count{Key: k})
		}
		rows[len(rows)-1].N += byDay[d]
	}
	return rows, nil
}

// countMembers counts the customers who joined on each day of r.
func (s *Service) countMembers(ctx context.Context, r Range) (map[string]int64, error) {
	lo, hi, err := dayRange(r.From, r.To)
	if err != nil {
		return nil, err
	}
	q := s.d.Read()
	var days []struct {
		Day string `db:"day"`
		N   int64  `db:"n"`
	}
	day := s.d.Dialect.KSTDay("created_at")
	if err := q.SelectContext(ctx, &days, q.Rebind(`SELECT `+day+` AS day, COUNT(*) AS n FROM users
		WHERE created_at >= ? AND created_at < ? AND role = 'customer' GROUP BY `+day), lo, hi); err != nil {
		return nil, fmt.Errorf("members %s..%s: %w", r.From, r.To, err)
	}
	m := make(map[string]int64, len(days))
	for _, d := range days {
		m[d.Day] = d.N
	}
	return m, nil
}

// keepMembers records the counts of days, which are over; a day recorded
// meanwhile by another report is left as it is.
func (s *Service) keepMembers(ctx context.Context, days []string, counted map[string]int64) error {
	now := s.now().UTC()
	return s.d.InTx(ctx, func(q db.Querier) error {
		for start := 0; start < len(days); start += 200 {
			chunk := days[start:min(len(days), start+200)]
			args := make([]any, 0, 4*len(chunk))
			for _, d := range chunk {
				args = append(args, d, counted[d], now, now)
			}
			if _, err := q.ExecContext(ctx, q.Rebind(`INSERT INTO stats_members (day, members, created_at, updated_at) VALUES `+
				strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", len(chunk)), ", ")+` ON CONFLICT (day) DO NOTHING`), args...); err != nil {
				return fmt.Errorf("keep members of %s..: %w", chunk[0], err)
			}
		}
		return nil
	})
}

// Total returns the figures of r together.
func (s *Service) Total(ctx context.Context, r Range) (Figures, error) {
	if _, _, err := dayRange(r.From, r.To); err != nil {
		return Figures{}, err
	}
	var total Figures
	q := s.d.Read()
	for _, sp := range spans(r) {
		table, key := sp.table("stats_sales")
		var f Figures
		if err := q.GetContext(ctx, &f, q.Rebind(`SELECT `+sumColumns+` FROM `+table+` WHERE `+key+` >= ? AND `+key+` <= ?`),
			sp.from, sp.to); err != nil {
			return Figures{}, fmt.Errorf("sales %s..%s: %w", r.From, r.To, err)
		}
		total.Add(f)
	}
	return total, nil
}
