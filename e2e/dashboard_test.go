//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
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
