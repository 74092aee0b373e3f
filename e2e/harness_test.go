//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/app"
	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/seed"
)

// Harness limits. A scenario that needs longer than scenarioTimeout is
// stuck, not slow: every wait in it ends at that deadline with the page URL
// and a screenshot.
const (
	scenarioTimeout = 3 * time.Minute
	seedTimeout     = 10 * time.Minute
	screenshotDir   = "screenshots"
	viewportWidth   = 1280
	viewportHeight  = 900
)

// envChromium names the variable that points the tests at another browser
// binary than Debian's /usr/bin/chromium.
const envChromium = "CHROMIUM_PATH"

// engine names the database the shop runs on, as dbtest chooses it; it
// prefixes every screenshot.
func engine() string {
	if os.Getenv(dbtest.EnvPostgres) != "" {
		return "postgres"
	}
	return "sqlite"
}

// shop is a running, seeded storefront.
type shop struct {
	App  *app.App
	Base string // http://127.0.0.1:port, no trailing slash
}

// startShop opens a fresh database (SQLite, or PostgreSQL when
// MALLANG_TEST_POSTGRES_URL is set), wires the app, seeds the demo catalog
// with images and serves it, with its background jobs, on a loopback port
// until the test ends.
func startShop(t *testing.T) *shop {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	base := "http://" + ln.Addr().String()
	env := map[string]string{
		"MALLANG_DATA_DIR":     t.TempDir(),
		"MALLANG_DATABASE_URL": dbtest.URL(t),
		"MALLANG_ADDR":         ln.Addr().String(),
		"MALLANG_BASE_URL":     base,
		"MALLANG_LOG_LEVEL":    "warn",
		"MALLANG_DEMO":         "false",
		// Offline payments: the test provider and a bank account.
		"MALLANG_TESTPAY":          "true",
		"MALLANG_BANK_NAME":        "말랑은행",
		"MALLANG_BANK_ACCOUNT":     "100-200-300400",
		"MALLANG_BANK_HOLDER":      "(주)말랑",
		"MALLANG_BUYER_PROTECTION": "구매안전서비스: 말랑은행 에스크로 (제2026-001호)",
	}
	cfg, err := config.Load(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		ln.Close()
		t.Fatalf("config: %v", err)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	ctx, cancel := context.WithTimeout(context.Background(), seedTimeout)
	defer cancel()
	a, err := app.New(ctx, cfg, log, "e2e")
	if err != nil {
		ln.Close()
		t.Fatalf("app.New: %v", err)
	}
	t.Cleanup(func() {
		if err := a.Close(); err != nil {
			t.Errorf("close app: %v", err)
		}
	})
	start := time.Now()
	st, err := seed.Run(ctx, a.Catalog, a.Media, seed.Options{Products: 200, Images: true, Rand: 1}, io.Discard)
	if err != nil {
		ln.Close()
		t.Fatalf("seed: %v", err)
	}
	t.Logf("%s: seeded %+v in %v; serving %s", engine(), st, time.Since(start).Round(time.Millisecond), base)

	serveCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(serveCtx, ln) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return &shop{App: a, Base: base}
}

// lockedBuffer collects the browser's output for failure reports.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *lockedBuffer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.b.Len() > 1<<20 {
		w.b.Reset()
	}
	return w.b.Write(p)
}

// tail returns the last n bytes written, without the lines about D-Bus,
// which a headless browser in a container always prints and which never
// explain a failure.
func (w *lockedBuffer) tail(n int) string {
	w.mu.Lock()
	lines := strings.Split(w.b.String(), "\n")
	w.mu.Unlock()
	lines = slices.DeleteFunc(lines, func(l string) bool {
		return strings.TrimSpace(l) == "" || strings.Contains(l, "dbus") || strings.Contains(l, "D-Bus")
	})
	s := strings.Join(lines, "\n")
	if len(s) > n {
		s = s[len(s)-n:]
	}
	return s
}

// startBrowser starts one headless Chromium for the test, with a fresh
// profile, and returns its chromedp context; the browser stops and its
// profile is removed when the test ends.
func startBrowser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv(envChromium)
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("no browser at %s (%v): install it with "+
			"`apt-get install -y chromium fonts-noto-cjk`, or set %s", path, err, envChromium)
	}
	profile, err := os.MkdirTemp("", "mallang-e2e-chromium-")
	if err != nil {
		t.Fatalf("browser profile: %v", err)
	}
	out := &lockedBuffer{}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(profile),
		chromedp.CombinedOutput(out),
		chromedp.WindowSize(viewportWidth, viewportHeight),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI containers
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("force-color-profile", "srgb"),
		// A Korean shopper's browser: the shop picks Korean by itself and
		// the English switch is the shopper's choice.
		chromedp.Flag("lang", "ko-KR"),
		chromedp.Flag("accept-lang", "ko-KR,ko"),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser process to exit
		if err := os.RemoveAll(profile); err != nil {
			t.Logf("remove browser profile: %v", err)
		}
		if t.Failed() {
			t.Logf("browser output (last 4 KiB):\n%s", out.tail(4096))
		}
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start %s: %v\n%s", path, err, out.tail(4096))
	}
	return ctx
}

// tab is one scenario's browser tab, in its own browser context (its own
// cookies), with the scenario's deadline. Its methods fail the test with
// the page URL and a screenshot when a step or an assertion fails.
type tab struct {
	t    *testing.T
	ctx  context.Context // the tab, with the scenario's deadline
	tabC context.Context // the tab without a deadline, for failure reports
	base string
	name string // scenario, in screenshot names

	mu       sync.Mutex        // guards problems and urls
	problems []string          // failed requests and script errors seen so far
	urls     map[string]string // request id → URL, to name failed requests
}

// optionalHosts serve scripts a page can do without: the Kakao postcode
// widget of the address form, which the form replaces with plain fields
// when it cannot load (as on a machine without internet).
var optionalHosts = []string{"daumcdn.net", "daum.net"}

// newTab opens a tab for the scenario name; it closes when the test ends.
func newTab(t *testing.T, browser context.Context, base, name string) *tab {
	t.Helper()
	tabC, cancelTab := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancelTab)
	if err := chromedp.Do(tabC); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	ctx, cancel := context.WithTimeout(tabC, scenarioTimeout)
	t.Cleanup(cancel)
	b := &tab{t: t, ctx: ctx, tabC: tabC, base: base, name: name, urls: map[string]string{}}
	if err := chromedp.Listen(tabC, b.watch); err != nil {
		t.Fatalf("listen to tab: %v", err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		t.Fatalf("screenshot directory: %v", err)
	}
	_ = os.Remove(b.shotPath("failed"))
	return b
}

// watch records what a shopper would notice as broken: a request of the
// page (image, stylesheet, document) that failed or got an error status,
// and an uncaught script error. It runs in chromedp's event loop, so it
// only appends.
func (b *tab) watch(ev any) {
	var p string
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Request != nil {
			b.mu.Lock()
			b.urls[string(ev.RequestID)] = ev.Request.URL
			b.mu.Unlock()
		}
	case *network.EventResponseReceived:
		if ev.Response != nil && ev.Response.Status >= 400 {
			p = fmt.Sprintf("%s %s: HTTP %d", ev.Type, ev.Response.URL, ev.Response.Status)
		}
	case *network.EventLoadingFailed:
		b.mu.Lock()
		u := b.urls[string(ev.RequestID)]
		b.mu.Unlock()
		if !ev.Canceled && !optional(u) {
			p = fmt.Sprintf("%s request %s (%s) failed: %s", ev.Type, ev.RequestID, u, ev.ErrorText)
		}
	case *runtime.EventExceptionThrown:
		if ev.ExceptionDetails != nil {
			p = "script error: " + ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
				p += ": " + ex.Description
			}
		}
	}
	if p != "" {
		b.mu.Lock()
		b.problems = append(b.problems, p)
		b.mu.Unlock()
	}
}

// optional reports whether rawURL is on one of optionalHosts.
func optional(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil {
		return false
	}
	for _, h := range optionalHosts {
		if u.Hostname() == h || strings.HasSuffix(u.Hostname(), "."+h) {
			return true
		}
	}
	return false
}

// shotPath is the screenshot file of this scenario, with an optional step.
func (b *tab) shotPath(step string) string {
	n := engine() + "-" + b.name
	if step != "" {
		n += "-" + step
	}
	return filepath.Join(screenshotDir, n+".png")
}

// url returns the address of the page the tab shows, or a note why not.
func (b *tab) url() string {
	ctx, cancel := context.WithTimeout(b.tabC, 5*time.Second)
	defer cancel()
	u, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		return "(unknown: " + err.Error() + ")"
	}
	return u
}

// fatalf fails the scenario, naming the page and keeping a screenshot of it.
func (b *tab) fatalf(format string, args ...any) {
	b.t.Helper()
	msg := fmt.Sprintf(format, args...)
	u := b.url()
	shot := b.shotPath("failed")
	if abs, err := filepath.Abs(shot); err == nil {
		shot = abs
	}
	ctx, cancel := context.WithTimeout(b.tabC, 15*time.Second)
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil {
		shot = "(none: " + err.Error() + ")"
	} else if err := os.WriteFile(shot, png, 0o644); err != nil {
		shot = "(none: " + err.Error() + ")"
	}
	b.t.Fatalf("%s\n\tpage: %s\n\tscreenshot: %s", msg, u, shot)
}

// do runs the steps, failing the scenario with what it was doing.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// get runs one action that returns a value.
func get[T any](b *tab, what string, a chromedp.Action[T]) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, a)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return v
}

// open loads path (under the shop's address) as if typed into the address
// bar, and requires a 200.
func (b *tab) open(path string) {
	b.t.Helper()
	resp, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.fatalf("open %s: %v", path, err)
	}
	b.checkResponse("open "+path, resp)
}

// follow runs trigger (a click, a submit) and waits until the page it leads
// to has loaded, which must answer 200.
func (b *tab) follow(what string, trigger ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, trigger...)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	b.checkResponse(what, resp)
}

func (b *tab) checkResponse(what string, resp *network.Response) {
	b.t.Helper()
	if resp == nil {
		b.fatalf("%s: no page was loaded", what)
	}
	if resp.Status != http.StatusOK {
		b.fatalf("%s: %s answered %d %s, want 200", what, resp.URL, resp.Status, resp.StatusText)
	}
}

// waitVisible waits until the element is shown.
func (b *tab) waitVisible(sel string) {
	b.t.Helper()
	b.do("wait for "+sel+" to be visible", chromedp.WaitVisible(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	return get(b, "evaluate "+expr, chromedp.Evaluate[T](expr))
}

// texts returns the trimmed text of every element matching sel, in
// document order (none is not an error).
func (b *tab) texts(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s), e => e.textContent.replace(/\s+/g, " ").trim())`, jsString(sel)))
}

// attrs returns the attribute name of every element matching sel.
func (b *tab) attrs(sel, name string) []string {
	b.t.Helper()
	return eval[[]string](b, fmt.Sprintf(
		`Array.from(document.querySelectorAll(%s), e => e.getAttribute(%s) || "")`, jsString(sel), jsString(name)))
}

// text returns the text of the first element matching sel, waiting for it
// to be visible first.
func (b *tab) text(sel string) string {
	b.t.Helper()
	b.waitVisible(sel)
	ts := b.texts(sel)
	if len(ts) == 0 {
		b.fatalf("%s vanished", sel)
	}
	return ts[0]
}

// count returns the number of elements matching sel.
func (b *tab) count(sel string) int {
	b.t.Helper()
	return eval[int](b, fmt.Sprintf(`document.querySelectorAll(%s).length`, jsString(sel)))
}

// htmlLang is the lang attribute of the page's html element.
func (b *tab) htmlLang() string {
	b.t.Helper()
	return eval[string](b, `document.documentElement.lang`)
}

// screenshot keeps a full-page PNG of what the tab shows as
// screenshots/<engine>-<scenario>[-step].png. It first loads the images
// that wait for scrolling (loading=lazy), since a full-page capture does
// not scroll, and requires every image on the page to have loaded.
func (b *tab) screenshot(step string) {
	b.t.Helper()
	b.do("load lazy images", chromedp.Evaluate[chromedp.Void](
		`document.querySelectorAll('img[loading="lazy"]').forEach(i => { i.loading = "eager"; })`))
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](
		`Array.from(document.images).every(i => i.complete)`,
		chromedp.WithPollingTimeout(time.Minute))); err != nil {
		b.fatalf("images did not finish loading: %v", err)
	}
	broken := eval[[]string](b, `Array.from(document.images).filter(i => i.naturalWidth === 0).map(i => i.currentSrc || i.src)`)
	if len(broken) > 0 {
		b.fatalf("%d image(s) did not load, for example %s", len(broken), broken[0])
	}
	// Images marked decoding="async" may load before they are painted; wait
	// for every one to be decoded so the capture shows them.
	b.do("decode images", chromedp.Evaluate[chromedp.Void](
		`Promise.all(Array.from(document.images, i => i.decode().catch(() => null))).then(() => null)`,
		chromedp.EvalAwaitPromise))
	// A full-page capture resizes the viewport for a moment; with the caret
	// still in a text field or the rich-text editor, Chromium then shifts the
	// page under the pointer on the next click, which lands elsewhere (the
	// press on a button, the release on its fieldset). People never see that
	// state, so the capture is taken with nothing focused, as a page at rest.
	b.do("leave the focused field", chromedp.Evaluate[chromedp.Void](
		`document.activeElement && document.activeElement !== document.body && document.activeElement.blur()`))
	png := get(b, "take screenshot", chromedp.FullScreenshot(100))
	path := b.shotPath(step)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatalf("write %s: %v", path, err)
	}
}

// checkHealthy fails the scenario if any request of its pages failed or a
// script threw.
func (b *tab) checkHealthy() {
	b.t.Helper()
	b.mu.Lock()
	ps := append([]string(nil), b.problems...)
	b.mu.Unlock()
	if len(ps) > 0 {
		b.fatalf("the pages had %d problem(s):\n\t\t%s", len(ps), strings.Join(ps, "\n\t\t"))
	}
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, err := json.Marshal(s)
	if err != nil {
		panic(err) // a string always marshals
	}
	return string(q)
}
