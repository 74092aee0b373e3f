//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/security"
)

// TestDashboardChart: an operator signs in and lands on the dashboard,
// whose new members chart is drawn (a canvas of real size, with its legend)
// over the table it is drawn from, which stays visible; the page breaks no
// Content-Security-Policy rule and logs no error to the console.
func TestDashboardChart(t *testing.T) {
	s := startShopWith(t, nil)
	ctx := context.Background()
	w := s.App.DB.Write()
	for i, daysAgo := range []int{0, 0, 1, 3, 3, 3, 7, 12, 29} {
		at := time.Now().UTC().Add(-time.Duration(daysAgo) * 24 * time.Hour)
		if _, err := w.ExecContext(ctx, w.Rebind(`INSERT INTO users (email, created_at, updated_at) VALUES (?, ?, ?)`),
			fmt.Sprintf("member%d@example.com", i), at, at); err != nil {
			t.Fatal(err)
		}
	}

	browser := startBrowser(t)
	b := newTab(t, browser, s.Base, "dashboard")
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	var (
		mu     sync.Mutex
		errors []string
	)
	if err := chromedp.Listen(b.tabC, func(ev any) {
		var msg string
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				msg = "console.error: " + strings.Join(parts, " ")
			}
		case *log.EventEntryAdded:
			if ev.Entry != nil && ev.Entry.Level == log.EntryLevelError {
				msg = "console: " + ev.Entry.Text + " " + ev.Entry.URL
			}
		}
		if msg != "" {
			mu.Lock()
			errors = append(errors, msg)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}

	newStaff(b, s, "owner@example.com", "대시보드를 보는 사장님의 비밀번호")
	b.waitVisible(`[data-testid="todo"]`)
	b.waitVisible(`figure.chart.chart-ready canvas`)
	size := eval[[]float64](b, `(() => { const c = document.querySelector('[data-chart-for="new-members"] canvas');
		const r = c.getBoundingClientRect(); return [r.width, r.height, c.width, c.height]; })()`)
	if len(size) != 4 || size[0] < 200 || size[1] < 100 || size[2] == 0 || size[3] == 0 {
		b.fatalf("the chart's canvas is %v (CSS width, height; pixels width, height)", size)
	}
	if n := b.count(`[data-chart-for="new-members"] .u-legend`); n != 1 {
		b.fatalf("%d legends on the chart", n)
	}
	if got := b.texts(`[data-chart-for="new-members"] .u-legend .u-label`); len(got) < 2 || got[1] != "신규 회원" {
		b.fatalf("the legend names %v", got)
	}
	// Away from the cursor the legend reads the last row: today's sign-ups.
	if got := b.texts(`[data-chart-for="new-members"] .u-legend .u-value`); len(got) < 2 || got[1] != "2명" {
		b.fatalf("the legend reads %v, want today's 2명", got)
	}
	// The table is folded under the chart: 표로 보기 opens it.
	b.do("open the table", chromedp.Click(chromedp.CSS(`[data-testid="chart-new-members"] summary`)))
	b.waitVisible(`table#new-members`)
	if n := b.count(`table#new-members tbody tr`); n != 30 {
		b.fatalf("%d days in the table under the chart, want 30", n)
	}
	b.screenshot("")

	// Narrower: the chart follows the width of the page.
	b.do("narrow the window", chromedp.EmulateViewport(600, 900))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`(() => { const c = document.querySelector('[data-chart-for="new-members"] canvas');
		return c.getBoundingClientRect().width <= 600; })()`, chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		b.fatalf("the chart kept its width in a narrower window: %v", err)
	}
	b.screenshot("narrow")

	if v := eval[[]string](b, `window.__csp`); len(v) > 0 {
		b.fatalf("the dashboard broke the Content-Security-Policy: %v", v)
	}
	mu.Lock()
	got := append([]string(nil), errors...)
	mu.Unlock()
	if len(got) > 0 {
		b.fatalf("the dashboard logged errors:\n\t%s", strings.Join(got, "\n\t"))
	}
	b.checkHealthy()
}

// chartsPage has two charts as the statistics pages write them: won over
// days as lines, with a column the chart leaves out, and counts by a label
// that is not a day as bars.
const chartsPage = `<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8"><title>차트</title>
<script src="/static/charts/charts.js" defer></script></head><body>
<figure class="chart"><div class="chart-canvas" data-chart-for="sales" aria-hidden="true"></div>
<table id="sales" data-chart="line" data-unit="won"><thead><tr><th>날짜</th><th>매출</th><th>환불</th><th data-series="off">비중</th></tr></thead>
<tbody><tr><th data-x="2026-12-05">12월 5일 (토)</th><td data-value="980000">980,000원</td><td data-value="0">0원</td><td data-value="9">9%</td></tr>
<tr><th data-x="2026-12-06">12월 6일 (일)</th><td data-value="1250000">1,250,000원</td><td data-value="30000">30,000원</td><td data-value="12">12%</td></tr>
<tr><th data-x="2026-12-07">12월 7일 (월)</th><td data-value="2400000">2,400,000원</td><td data-value="0">0원</td><td data-value="20">20%</td></tr></tbody></table></figure>
<figure class="chart"><div class="chart-canvas" data-chart-for="channels" aria-hidden="true"></div>
<table id="channels" data-chart="bar" data-unit="count"><thead><tr><th>경로</th><th>주문</th><th>신규 고객 주문</th></tr></thead>
<tbody><tr><th>PC 웹</th><td data-value="120">120건</td><td data-value="30">30건</td></tr>
<tr><th>모바일 웹</th><td data-value="340">340건</td><td data-value="95">95건</td></tr>
<tr><th>API</th><td data-value="12">12건</td><td data-value="1">1건</td></tr></tbody></table></figure>
</body></html>`

// TestChartsFromTables loads the chart files, as the binary serves them,
// into a page of two charts under the back office's CSP: both draw, the
// legend names the drawn series only and reads the table's own text.
func TestChartsFromTables(t *testing.T) {
	s := startShopWith(t, nil)
	shop, err := url.Parse(s.Base)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(shop)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/charts/{file}", func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = s.App.AdminPath() + "/static/charts/" + r.PathValue("file")
		proxy.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /charts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(chartsPage))
	})
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	srv := httptest.NewServer(security.Headers(mux, false))
	t.Cleanup(srv.Close)

	browser := startBrowser(t)
	b := newTab(t, browser, srv.URL, "charts")
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspWatch}); err != nil {
		t.Fatal(err)
	}
	b.open("/charts")
	b.waitVisible(`figure.chart.chart-ready [data-chart-for="sales"] canvas`)
	b.waitVisible(`figure.chart.chart-ready [data-chart-for="channels"] canvas`)
	tests := []struct {
		chart          string
		labels, values []string
	}{
		{"sales", []string{"날짜", "매출", "환불"}, []string{"12월 7일 (월)", "2,400,000원", "0원"}},
		{"channels", []string{"경로", "주문", "신규 고객 주문"}, []string{"API", "12건", "1건"}},
	}
	for _, tt := range tests {
		sel := `[data-chart-for="` + tt.chart + `"] .u-legend `
		if got := b.texts(sel + ".u-label"); strings.Join(got, "|") != strings.Join(tt.labels, "|") {
			b.fatalf("%s: the legend names %q, want %q", tt.chart, got, tt.labels)
		}
		if got := b.texts(sel + ".u-value"); strings.Join(got, "|") != strings.Join(tt.values, "|") {
			b.fatalf("%s: the legend reads %q, want %q", tt.chart, got, tt.values)
		}
	}
	b.screenshot("")
	if v := eval[[]string](b, `window.__csp`); len(v) > 0 {
		b.fatalf("the charts broke the Content-Security-Policy: %v", v)
	}
	b.checkHealthy()
}
