package backoffice_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/payment/testpay"
	"github.com/mallang/mallang/internal/returns"
)

var todoCountRE = regexp.MustCompile(`data-testid="todo-([a-z]+)-count">([^<]*)<`)

// todoCounts reads the dashboard's to-do counts by key.
func todoCounts(body string) map[string]string {
	out := map[string]string{}
	for _, m := range todoCountRE.FindAllStringSubmatch(body, -1) {
		out[m[1]] = m[2]
	}
	return out
}

// The dashboard says what needs doing, each count a link to the list that
// shows it, and only what the staff member's permissions open; staff who
// may see customers see the last 30 days' new members as a chart drawn
// from its table.
func TestDashboard(t *testing.T) {
	t.Parallel()
	e := newPayEnv(t)
	ctx := context.Background()
	w := e.d.Write()
	exec := func(query string, args ...any) {
		t.Helper()
		if _, err := w.ExecContext(ctx, w.Rebind(query), args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	now := e.clock.Now()
	staff := order.Staff(audit.Actor{UserID: e.boss.ID})

	// Two deposits awaited, one of them past its deadline today.
	due := e.placeTransfer(t, nil, 12000)
	e.placeTransfer(t, nil, 13000)
	exec(`UPDATE orders SET pay_by = ? WHERE id = ?`, now.Add(-time.Minute).UTC(), due.ID)
	// Three paid: one stays paid, two are being prepared, one of them for
	// four days.
	var paid []order.Order
	for range 3 {
		o := e.placeLines(t, "card", 20000)
		e.pay(t, o, testpay.Name)
		paid = append(paid, o)
	}
	for _, o := range paid[1:] {
		if _, err := e.orders.Transition(ctx, o.ID, order.Preparing, staff, ""); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE orders SET updated_at = ? WHERE id = ?`, now.Add(-4*24*time.Hour).UTC(), paid[2].ID)
	// A return request, an unanswered inquiry, a variant under its threshold.
	o := e.deliveredCard(t, 30000)
	if _, err := e.shop.Returns().Request(ctx, returns.RequestInput{UserID: o.UserID, OrderID: o.ID, Kind: returns.KindReturn,
		LineIDs: []int64{o.Lines[0].ID}, Reason: returns.Defect}); err != nil {
		t.Fatal(err)
	}
	exec(`INSERT INTO inquiries (user_id, kind, title, body, status) VALUES (?, 'other', '배송 문의', '언제 오나요?', 'open')`, o.UserID)
	exec(`UPDATE variants SET low_stock = 500 WHERE id = ?`, o.Lines[0].VariantID)

	e.user(t, "catalog@example.com", account.Staff, account.PermCatalog)
	e.user(t, "cs@example.com", account.Staff, account.PermCustomers)
	e.user(t, "mail@example.com", account.Staff, account.PermMail)
	orders := bo + "/orders?status="
	all := map[string]string{"deposit": "2건", "due": "1건", "paid": "1건", "stuck": "1건", "returns": "1건",
		"inquiries": "1건", "questions": "0건", "lowstock": "1개", "jobs": "0건"}
	links := map[string]string{"deposit": orders + "awaiting_deposit", "due": orders + "awaiting_deposit&amp;due=today",
		"paid": orders + "paid", "stuck": orders + "preparing&amp;stuck=3", "returns": bo + "/returns?status=requested",
		"inquiries": bo + "/inquiries?status=open", "questions": bo + "/questions", "lowstock": bo + "/catalog/low-stock"}
	pick := func(keys ...string) map[string]string {
		out := map[string]string{}
		for _, k := range keys {
			out[k] = all[k]
		}
		return out
	}
	tests := []struct {
		name    string
		email   string
		counts  map[string]string
		members bool
	}{
		{"superuser", e.boss.Email, all, true},
		{"catalog", "catalog@example.com", pick("lowstock"), false},
		{"customers", "cs@example.com", pick("inquiries", "questions"), true},
		{"mail", "mail@example.com", map[string]string{}, false},
	}
	browsers := map[string]*browser{}
	for _, tt := range tests {
		browsers[tt.email], _ = e.staffIn(tt.email)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := browsers[tt.email].get(bo + "/")
			must(t, st, http.StatusOK, body)
			got := todoCounts(body)
			if len(got) != len(tt.counts) {
				t.Errorf("to-do counts %v, want %v", got, tt.counts)
			}
			for k, want := range tt.counts {
				if got[k] != want {
					t.Errorf("%s = %q, want %q", k, got[k], want)
				}
				if l, ok := links[k]; ok {
					contains(t, body, `href="`+l+`" data-testid="todo-`+k+`"`)
				}
			}
			// The sales overview is for staff with the statistics
			// permission: here the superuser only.
			if tt.email == e.boss.Email {
				contains(t, body, `data-testid="sales-overview"`)
			} else {
				lacks(t, body, `data-testid="sales-overview"`)
			}
			if len(tt.counts) == 0 {
				lacks(t, body, `data-testid="todo"`)
			} else {
				contains(t, body, `data-testid="todo"`, "할 일")
			}
			if !tt.members {
				lacks(t, body, `data-testid="chart-new-members"`)
				return
			}
			today := now.In(kst.Zone).Format(time.DateOnly)
			contains(t, body, `data-testid="chart-new-members"`, `data-chart-for="new-members"`,
				`<table id="new-members" data-chart="bar" data-unit="count">`, "최근 30일 신규 회원",
				`data-x="`+today+`"`, "static/charts/charts.js")
			if n := strings.Count(body, `<th scope="row" class="nowrap" data-x="`); n != 30 {
				t.Errorf("%d days in the new members table, want 30", n)
			}
			// Every payer signed up today: the last row counts them.
			last := body[strings.LastIndex(body, `data-x="`+today+`"`):]
			want := strconv.Itoa(e.n)
			contains(t, last[:200], `data-value="`+want+`">`+want+`명</td>`)
		})
	}

	// In English the same counts read as numbers.
	st, body := browsers[e.boss.Email].get(bo + "/?lang=en")
	must(t, st, http.StatusOK, body)
	contains(t, body, "To do", "Awaiting deposit", "New members, last 30 days")
	if got := todoCounts(body); got["deposit"] != "2" || got["due"] != "1" || got["lowstock"] != "1" {
		t.Errorf("English counts %v", got)
	}
}

// The chart library and its script are served from the binary, cached, and
// nothing else under static/charts.
func TestChartFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	b, _ := e.staffIn(e.boss.Email)
	tests := []struct {
		file, contentType, want string
		status                  int
	}{
		{"charts.js", "text/javascript; charset=utf-8", "figure.chart", http.StatusOK},
		{"uPlot.iife.min.js", "text/javascript; charset=utf-8", "uPlot", http.StatusOK},
		{"uPlot.min.css", "text/css; charset=utf-8", ".uplot", http.StatusOK},
		{"charts.css", "text/css; charset=utf-8", ".chart-canvas", http.StatusOK},
		{"VERSION", "", "", http.StatusNotFound},
		{"LICENSE.uplot", "", "", http.StatusNotFound},
		{"..%2fstyle.css", "", "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			st, body := b.get(bo + "/static/charts/" + tt.file)
			if st != tt.status {
				t.Fatalf("status %d, want %d", st, tt.status)
			}
			if tt.status != http.StatusOK {
				return
			}
			if ct := b.last.Header.Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type %q", ct)
			}
			if cc := b.last.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age") {
				t.Errorf("Cache-Control %q", cc)
			}
			contains(t, body, tt.want)
		})
	}
}
