package stats

import (
	"context"
	"fmt"
	"sort"
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
	COALESCE(SUM(coupon), 0) AS coupon, COALESCE(SUM(points), 0) AS points, COALESCE(SUM(shipping), 0) AS shipping,
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
	var rows []struct {
		Key string `db:"k"`
		Figures
	}
	q := s.d.Read()
	if err := q.SelectContext(ctx, &rows, q.Rebind(`SELECT `+col+` AS k, `+sumColumns+` FROM stats_sales
		WHERE day >= ? AND day <= ? GROUP BY `+col), r.From, r.To); err != nil {
		return nil, fmt.Errorf("sales %s..%s by %s: %w", r.From, r.To, dim, err)
	}
	names := map[string]string{}
	if dim == ByGrade {
		var err error
		if names, err = gradeNames(ctx, q); err != nil {
			return nil, err
		}
	}
	out := make([]Row, 0, len(rows))
	for _, x := range rows {
		out = append(out, Row{Key: x.Key, Label: names[x.Key], Figures: x.Figures})
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
// r, oldest first. It reads the users' sign-up times by an index on
// created_at, not the orders.
func (s *Service) Members(ctx context.Context, r Range, by Period) ([]Count, error) {
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
	byDay := map[string]int64{}
	for _, d := range days {
		byDay[d.Day] = d.N
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

// Total returns the figures of r together.
func (s *Service) Total(ctx context.Context, r Range) (Figures, error) {
	if _, _, err := dayRange(r.From, r.To); err != nil {
		return Figures{}, err
	}
	var f Figures
	q := s.d.Read()
	if err := q.GetContext(ctx, &f, q.Rebind(`SELECT `+sumColumns+` FROM stats_sales WHERE day >= ? AND day <= ?`), r.From, r.To); err != nil {
		return Figures{}, fmt.Errorf("sales %s..%s: %w", r.From, r.To, err)
	}
	return f, nil
}
