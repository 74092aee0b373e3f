package backoffice

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/dashboard"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/stats"
)

// Dashboard counts what the first page shows; *dashboard.Service
// implements it.
type Dashboard interface {
	Todo(ctx context.Context, w dashboard.Want, stuckDays int) (dashboard.Todo, error)
}

// Days the dashboard looks at.
const (
	// StuckDays is how long an order may stay in 배송준비 before the
	// dashboard counts it as stuck.
	StuckDays = 3
	// memberDays is how many days the new members chart shows.
	memberDays = 30
)

// registerDashboard serves the chart files every page with a chart loads;
// the dashboard itself is the back office's first page (Register).
func (h *Handler) registerDashboard(mux Router) {
	mux.HandleFunc("GET "+h.cfg.Path+"/static/charts/{file}", h.chartStatic)
}

// chartFiles are the charts' files (static/charts): uPlot, vendored at the
// version in static/charts/VERSION, and our charts.js and charts.css.
var chartFiles = map[string]string{
	"uPlot.iife.min.js": "text/javascript; charset=utf-8",
	"uPlot.min.css":     "text/css; charset=utf-8",
	"charts.js":         "text/javascript; charset=utf-8",
	"charts.css":        "text/css; charset=utf-8",
}

func (h *Handler) chartStatic(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	ct, ok := chartFiles[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	serveFile(w, "static/charts/"+name, ct)
}

// dashboardView is the first page: the sales overview (nil until the
// statistics fill it), what needs doing, new members and the sections.
type dashboardView struct {
	Sales   templ.Component
	Todo    []todoItem
	Members templ.Component
}

// todoItem is one kind of work waiting, with the list that shows it; Sub
// is a part of it that needs doing first (the deposits due today).
type todoItem struct {
	Key   string
	Label string
	Count string
	Zero  bool
	URL   string
	Sub   *todoItem
}

// dashboard shows what needs doing that u may do, the new members to staff
// who may see customers, and the sections u may use.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	ctx := r.Context()
	want := dashboard.Want{Orders: u.Can(account.PermOrders), Returns: u.Can(account.PermOrders),
		Inquiries: u.Can(account.PermCustomers), Stock: u.Can(account.PermCatalog), Jobs: u.Can(account.PermSecurity)}
	t, err := h.deps.Dashboard.Todo(ctx, want, StuckDays)
	if err != nil {
		return err
	}
	v := dashboardView{Todo: h.todoItems(m, want, t)}
	// Sales, the statistics' overview of today and this month, for staff
	// who may see the statistics.
	if u.Can(account.PermStats) {
		if v.Sales, err = h.salesOverview(ctx, m); err != nil {
			return err
		}
	}
	if u.Can(account.PermCustomers) {
		today := h.deps.Now().In(kst.Zone)
		last := stats.Range{From: today.AddDate(0, 0, 1-memberDays).Format(stats.DayLayout), To: today.Format(stats.DayLayout)}
		days, err := h.deps.Stats.Members(ctx, last, stats.Daily)
		if err != nil {
			return err
		}
		v.Members = membersTable(m, days)
	}
	h.render(w, r, http.StatusOK, dashboardPage(h.page(r, m, u, m.T("dash.title"), "dashboard"), v))
	return nil
}

// todoItems are the counts of t that want asked for, in the order staff
// work through them.
func (h *Handler) todoItems(m *messages, want dashboard.Want, t dashboard.Todo) []todoItem {
	var out []todoItem
	item := func(key string, n int64, unit string, link string) todoItem {
		return todoItem{Key: key, Label: m.T("todo." + key), Count: m.F(unit, n), Zero: n == 0, URL: link}
	}
	// The orders list's filters (status, due, stuck) as its URL takes them.
	orders := func(query string) string { return h.url("/orders?" + query) }
	if want.Orders {
		dep := item("deposit", t.AwaitingDeposit, "todo.n", orders("status=awaiting_deposit"))
		due := item("due", t.DueToday, "todo.n", orders("status=awaiting_deposit&due=today"))
		dep.Sub = &due
		stuck := item("stuck", t.Stuck, "todo.n", orders("status=preparing&stuck="+strconv.Itoa(StuckDays)))
		stuck.Label = m.F("todo.stuck", StuckDays)
		out = append(out, dep, item("paid", t.Paid, "todo.n", orders("status=paid")), stuck)
	}
	if want.Returns {
		out = append(out, item("returns", t.ReturnRequests, "todo.n", h.url("/returns?status=requested")))
	}
	if want.Inquiries {
		out = append(out, item("inquiries", t.OpenInquiries, "todo.n", h.url("/inquiries?status=open")))
		out = append(out, item("questions", t.OpenQuestions, "todo.n", h.url("/questions")))
	}
	if want.Stock {
		out = append(out, item("lowstock", t.LowStock, "todo.variants", h.url("/catalog/low-stock")))
	}
	if want.Jobs {
		out = append(out, item("jobs", t.FailedJobs, "todo.n", ""))
	}
	return out
}

// membersTable is the new members chart: one row per Korean day.
func membersTable(m *messages, days []stats.Count) templ.Component {
	rows := make([]chartRow, len(days))
	for i, d := range days {
		rows[i] = chartRow{X: d.Key, Label: dayText(m, d.Key),
			Cells: []chartCell{{Value: d.N, Text: m.F("dash.members.n", d.N)}}}
	}
	return chartFolded("new-members", "bar", "count", m.T("chart.table"),
		chartTable([]chartColumn{{Name: m.T("dash.members.day")}, {Name: m.T("dash.members.count")}}, rows))
}

// Day is a Korean calendar day as a table's row names it: 12월 7일 (월),
// or Mon 7 Dec in English.
func (m *messages) Day(t time.Time) string {
	k := t.In(kst.Zone)
	if m.Code() == "en" {
		return k.Format("Mon 2 Jan")
	}
	return fmt.Sprintf("%d월 %d일 (%s)", int(k.Month()), k.Day(), koreanWeekdays[k.Weekday()])
}

var koreanWeekdays = [7]string{"일", "월", "화", "수", "목", "금", "토"}

// dashboardTexts are the dashboard's texts, {Korean, English}.
var dashboardTexts = map[string][2]string{
	"todo.title":         {"할 일", "To do"},
	"todo.deposit":       {"입금 대기", "Awaiting deposit"},
	"todo.due":           {"오늘 마감", "Due today"},
	"todo.paid":          {"결제완료 (배송준비 전)", "Paid, not yet being prepared"},
	"todo.stuck":         {"%d일 넘게 배송준비 중", "Preparing for over %d days"},
	"todo.returns":       {"반품·교환 요청", "Return and exchange requests"},
	"todo.inquiries":     {"답변을 기다리는 1:1 문의", "Unanswered inquiries"},
	"todo.lowstock":      {"재고 부족 옵션", "Variants low on stock"},
	"todo.jobs":          {"실패한 백그라운드 작업", "Failed background jobs"},
	"todo.n":             {"%d건", "%d"},
	"todo.variants":      {"%d개", "%d"},
	"dash.members":       {"최근 30일 신규 회원", "New members, last 30 days"},
	"dash.members.day":   {"날짜", "Day"},
	"dash.members.count": {"신규 회원", "New members"},
	"dash.members.n":     {"%d명", "%d"},
	"dash.sections":      {"메뉴", "Sections"},
}
