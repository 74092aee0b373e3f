package backoffice

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/sheet"
	"github.com/mallang/mallang/internal/stats"
)

// The statistics section (통계, account.PermStats): sales over time, by
// dimension and by product, SKU or category, each a chart over a table
// (the chart drawn from the table) with CSV and .xlsx export of the table.
// Everything is read from the daily summaries (internal/stats).

// Stats is what the back office needs of the statistics; *stats.Service
// implements it.
type Stats interface {
	Sales(ctx context.Context, r stats.Range, by stats.Period) ([]stats.Row, error)
	Split(ctx context.Context, r stats.Range, dim stats.Dimension) ([]stats.Row, error)
	Items(ctx context.Context, r stats.Range, by stats.Level) ([]stats.ItemRow, error)
	Members(ctx context.Context, r stats.Range, by stats.Period) ([]stats.Count, error)
	Total(ctx context.Context, r stats.Range) (stats.Figures, error)
}

// statsReports are the sub-pages in menu order.
var statsReports = []string{"sales", "category", "product", "sku", "channel", "method", "grade", "customer", "members"}

// registerStats adds the statistics section.
func (h *Handler) registerStats(mux Router) {
	p, s := h.cfg.Path, h.withSession
	perm := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermStats, next))) }
	mux.Handle("GET "+p+"/stats", perm(h.statsPage))
	mux.Handle("GET "+p+"/stats/{report}", perm(h.statsPage))
}

// statsSections adds the statistics section to the menu for u.
func (h *Handler) statsSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermStats) {
		add("stats", "/stats", "dash.stats")
	}
}

// statTable is a report's table: headers (the first is the x axis) and
// rows of cells; Kind and Unit say how the chart draws it.
type statTable struct {
	ID, Kind, Unit string
	Headers        []statHeader
	Rows           [][]statCell
}

type statHeader struct {
	Label string
	Off   bool // not drawn in the chart
}

// statCell is a cell: the text shown and, for numbers, the raw value.
type statCell struct {
	Text, Value string
	Num         bool
}

// statsView is a statistics page.
type statsView struct {
	Base, Report string
	From, To     string
	Period       string
	Tabs         []option
	Presets      []statPreset
	Periods      []option
	Table        statTable
	CSV, XLSX    string
	Error        string
}

type statPreset struct{ Label, URL string }

// statsRange reads from, to (Korean days) of the request: the last 30
// days by default; a malformed or reversed range falls back to it, with
// a message.
func (h *Handler) statsRange(r *http.Request, m *messages) (stats.Range, string) {
	today := time.Now()
	if h.deps.Now != nil {
		today = h.deps.Now()
	}
	t := today.In(kst.Zone)
	def := stats.Range{From: t.AddDate(0, 0, -29).Format(stats.DayLayout), To: t.Format(stats.DayLayout)}
	q := r.URL.Query()
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		return def, ""
	}
	f, err1 := time.ParseInLocation(stats.DayLayout, from, kst.Zone)
	e, err2 := time.ParseInLocation(stats.DayLayout, to, kst.Zone)
	switch {
	case err1 != nil || err2 != nil:
		return def, m.T("stats.bad_date")
	case e.Before(f):
		return def, m.T("stats.bad_order")
	case e.Sub(f) > 3*366*24*time.Hour:
		return def, m.T("stats.too_long")
	}
	return stats.Range{From: from, To: to}, ""
}

// presets are the ranges offered as links: today, this week, this month,
// last month, this year.
func presets(now time.Time) []struct{ Key, From, To string } {
	t := now.In(kst.Zone)
	d := func(x time.Time) string { return x.Format(stats.DayLayout) }
	monday := t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, kst.Zone)
	return []struct{ Key, From, To string }{
		{"today", d(t), d(t)},
		{"week", d(monday), d(t)},
		{"month", d(first), d(t)},
		{"last_month", d(first.AddDate(0, -1, 0)), d(first.AddDate(0, 0, -1))},
		{"year", d(time.Date(t.Year(), 1, 1, 0, 0, 0, 0, kst.Zone)), d(t)},
	}
}

func (h *Handler) statsPage(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	report := r.PathValue("report")
	if report == "" {
		report = "sales"
	}
	known := false
	for _, k := range statsReports {
		known = known || k == report
	}
	if !known {
		http.NotFound(w, r)
		return nil
	}
	rg, msg := h.statsRange(r, m)
	period := stats.Period(r.URL.Query().Get("period"))
	if period != stats.Weekly && period != stats.Monthly {
		period = stats.Daily
	}
	table, err := h.statsTable(r.Context(), m, report, rg, period)
	if err != nil {
		return err
	}
	base := h.url("/stats/" + report)
	query := "?from=" + rg.From + "&to=" + rg.To + "&period=" + string(period)
	switch r.URL.Query().Get("format") {
	case "csv":
		return writeStatsSheet(w, sheet.CSV, report, rg, table)
	case "xlsx":
		return writeStatsSheet(w, sheet.XLSX, report, rg, table)
	}
	v := statsView{Base: base, Report: report, From: rg.From, To: rg.To, Period: string(period), Table: table,
		CSV: base + query + "&format=csv", XLSX: base + query + "&format=xlsx", Error: msg}
	for _, k := range statsReports {
		v.Tabs = append(v.Tabs, option{Value: h.url("/stats/"+k) + query, Label: m.T("stats.report." + k), Selected: k == report})
	}
	for _, p := range presets(h.deps.Now()) {
		v.Presets = append(v.Presets, statPreset{Label: m.T("stats.preset." + p.Key),
			URL: base + "?from=" + p.From + "&to=" + p.To + "&period=" + string(period)})
	}
	for _, p := range []stats.Period{stats.Daily, stats.Weekly, stats.Monthly} {
		v.Periods = append(v.Periods, option{Value: string(p), Label: m.T("stats.period." + string(p)), Selected: p == period})
	}
	pg := h.page(r, m, u, m.T("stats.title")+" · "+m.T("stats.report."+report), "stats")
	h.render(w, r, http.StatusOK, statsPageView(pg, v))
	return nil
}

// num is a cell of n formatted as won or a count.
func num(m *messages, n int64, won bool) statCell {
	c := statCell{Value: strconv.FormatInt(n, 10), Num: true}
	if won {
		c.Text = m.Won(n)
	} else {
		c.Text = grouped(n)
	}
	return c
}

// salesHeaders are the columns of a sales table after its first.
func salesHeaders(m *messages, first string) []statHeader {
	hs := []statHeader{{Label: first}}
	for _, k := range []string{"orders", "items", "gross", "grade_discount", "coupon", "points", "shipping", "paid", "refunds", "net"} {
		hs = append(hs, statHeader{Label: m.T("stats.col." + k), Off: k != "paid" && k != "net" && k != "refunds"})
	}
	return hs
}

func salesCells(m *messages, f stats.Figures) []statCell {
	return []statCell{num(m, f.Orders, false), num(m, f.Items, false), num(m, f.Gross, true), num(m, f.GradeDiscount, true), num(m, f.Coupon, true),
		num(m, f.Points, true), num(m, f.Shipping, true), num(m, f.Paid, true), num(m, f.Refunds, true), num(m, f.Net(), true)}
}

// statsTable builds report's table over rg.
func (h *Handler) statsTable(ctx context.Context, m *messages, report string, rg stats.Range, period stats.Period) (statTable, error) {
	t := statTable{ID: "stats-" + report, Kind: "bar", Unit: "won"}
	switch report {
	case "sales":
		rows, err := h.deps.Stats.Sales(ctx, rg, period)
		if err != nil {
			return t, err
		}
		t.Kind = "line"
		t.Headers = salesHeaders(m, m.T("stats.period."+string(period)))
		for _, r := range rows {
			t.Rows = append(t.Rows, append([]statCell{{Text: r.Key, Value: r.Key}}, salesCells(m, r.Figures)...))
		}
	case "channel", "method", "grade", "customer":
		rows, err := h.deps.Stats.Split(ctx, rg, stats.Dimension(report))
		if err != nil {
			return t, err
		}
		t.Headers = salesHeaders(m, m.T("stats.report."+report))
		for _, r := range rows {
			label := r.Label
			if key := "stats." + report + "." + r.Key; label == "" && m.T(key) != key {
				label = m.T(key)
			} else if label == "" {
				label = r.Key // a way to pay added later: its code, as staff configured it
			}
			t.Rows = append(t.Rows, append([]statCell{{Text: label, Value: r.Key}}, salesCells(m, r.Figures)...))
		}
	case "product", "sku", "category":
		rows, err := h.deps.Stats.Items(ctx, rg, stats.Level(report))
		if err != nil {
			return t, err
		}
		t.Headers = []statHeader{{Label: m.T("stats.report." + report)}}
		if report == "sku" {
			t.Headers = append(t.Headers, statHeader{Label: m.T("stats.col.name"), Off: true})
		}
		for _, k := range []string{"items", "gross", "discount", "refunded_items", "refunds", "net"} {
			t.Headers = append(t.Headers, statHeader{Label: m.T("stats.col." + k), Off: k != "net"})
		}
		for _, r := range rows {
			first := statCell{Text: r.Name, Value: r.Name}
			var cells []statCell
			if report == "sku" {
				first = statCell{Text: r.SKU, Value: r.SKU}
				cells = append(cells, statCell{Text: r.Name})
			}
			cells = append(cells, num(m, r.Items, false), num(m, r.Gross, true), num(m, r.Discount, true),
				num(m, r.RefundedItems, false), num(m, r.Refunds, true), num(m, r.Net(), true))
			t.Rows = append(t.Rows, append([]statCell{first}, cells...))
		}
	case "members":
		rows, err := h.deps.Stats.Members(ctx, rg, period)
		if err != nil {
			return t, err
		}
		t.Kind, t.Unit = "bar", "count"
		t.Headers = []statHeader{{Label: m.T("stats.period." + string(period))}, {Label: m.T("stats.col.members")}}
		for _, r := range rows {
			t.Rows = append(t.Rows, []statCell{{Text: r.Key, Value: r.Key}, num(m, r.N, false)})
		}
	}
	return t, nil
}

// exportName is the file name of report's export over rg.
func exportName(report string, rg stats.Range, ext string) string {
	return fmt.Sprintf("stats-%s-%s-%s.%s", report, rg.From, rg.To, ext)
}

// writeStatsSheet sends the table as a CSV or .xlsx file (format), numbers
// as numbers.
func writeStatsSheet(w http.ResponseWriter, format sheet.Format, report string, rg stats.Range, t statTable) error {
	head := make([]string, len(t.Headers))
	for i, hd := range t.Headers {
		head[i] = hd.Label
	}
	privateHeaders(w)
	w.Header().Set("Content-Type", sheet.ContentType(format))
	w.Header().Set("Content-Disposition", `attachment; filename="`+exportName(report, rg, string(format))+`"`)
	sh, err := sheet.New(w, format, sheet.Layout{Headers: head})
	if err != nil {
		return fmt.Errorf("export statistics: %w", err)
	}
	cells := make([]any, len(t.Headers))
	for _, row := range t.Rows {
		for i, c := range row {
			cells[i] = c.Text
			if c.Num {
				v, _ := strconv.ParseInt(c.Value, 10, 64)
				cells[i] = v
			}
		}
		if err := sh.Row(cells[:len(row)]...); err != nil {
			sh.Abort()
			return fmt.Errorf("export statistics: %w", err)
		}
	}
	return sh.Close()
}

// grouped writes n with thousands separators (1,234).
func grouped(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	out := []byte{}
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
