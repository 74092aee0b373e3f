//go:build e2e

package e2e

import (
	"bufio"
	"context"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app"
	"github.com/mallang/mallang/internal/db/dbtest"
)

const selPreparing = `[data-testid="preparing"]`

// demoHold holds serve's demo load before one of its steps until the test
// releases it.
type demoHold struct{ reached, release chan struct{} }

// waitReached waits until the demo load has come to the held step.
func (h *demoHold) waitReached(t *testing.T, step string) {
	t.Helper()
	select {
	case <-h.reached:
	case <-time.After(seedTimeout):
		t.Fatalf("the demo load did not come to its %s step within %v", step, seedTimeout)
	}
}

// TestFirstStart starts the shop as a newcomer does, with `mallang serve`
// on an empty data directory and the demo load on (MALLANG_DEMO's
// default): the home page answers while the load is held before its first
// step and says, in Korean and in English, that the shop is being
// prepared; once the products are in, a reload shows them while the notice
// stays until the pictures are drawn; when the load is done the notice is
// gone and the products show with their pictures.
func TestFirstStart(t *testing.T) {
	browser := startBrowser(t)
	holds := map[string]*demoHold{}
	for _, step := range []string{"products", "pictures"} {
		holds[step] = &demoHold{reached: make(chan struct{}), release: make(chan struct{})}
	}
	started := time.Now()
	base, lines := serveFresh(t, app.Options{DemoPool: 1, DemoStep: func(ctx context.Context, step string) error {
		h, ok := holds[step]
		if !ok {
			return nil
		}
		close(h.reached)
		select {
		case <-h.release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}})
	b := newTab(t, browser, base, "first-start")

	// Held before the products: the shop answers and says it is being
	// prepared, with no product yet.
	holds["products"].waitReached(t, "products")
	b.open("/")
	t.Logf("%s: first page %v after the start", engine(), time.Since(started).Round(time.Millisecond))
	if msg := strings.Join(b.texts(selPreparing), " "); !strings.Contains(msg, "상점을 준비하고 있습니다") || !strings.Contains(msg, "새로고침") {
		b.fatalf("the home page of a shop loading its demo says %q, want that the shop is being prepared", msg)
	}
	if n := b.count(selCard); n != 0 {
		b.fatalf("the home page shows %d products before any was loaded", n)
	}
	b.screenshot("preparing")
	b.open("/?lang=en")
	if msg := strings.Join(b.texts(selPreparing), " "); !strings.Contains(msg, "The shop is being prepared") {
		b.fatalf("the English home page says %q, want that the shop is being prepared", msg)
	}
	b.open("/?lang=ko")

	// Held before the pictures: the products are in and show on a
	// reload; the shop still says it is being prepared.
	close(holds["products"].release)
	holds["pictures"].waitReached(t, "pictures")
	b.open("/")
	b.waitVisible(selNew + " " + selCard)
	if b.count(selPreparing) != 1 {
		b.fatalf("the home page no longer says the shop is being prepared while the pictures are drawn")
	}
	b.screenshot("loading")

	// Done: serve prints the demo staff login last; a reload shows the
	// products with their pictures and no notice.
	close(holds["pictures"].release)
	if !waitLine(lines, "demo staff login") {
		t.Fatal("serve stopped before it finished the demo load")
	}
	b.open("/")
	b.waitVisible(selNew + " " + selCard)
	if n := b.count(selPreparing); n != 0 {
		b.fatalf("the home page still says the shop is being prepared after the demo load: %q", b.text(selPreparing))
	}
	if n := b.count(selNew + " " + selCard + " img"); n == 0 {
		b.fatalf("the new products show no picture after the demo load")
	}
	b.screenshot("ready")
	b.checkHealthy()
}

// serveFresh runs `mallang serve` (app.RunWith with opts) on an empty data
// directory and a fresh database, with the demo load on, until the test
// ends; it returns the shop's address and serve's output, line by line.
func serveFresh(t *testing.T, opts app.Options) (string, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	addr := ln.Addr().String()
	ln.Close() // serve listens on it itself
	env := map[string]string{
		"MALLANG_DATA_DIR":     t.TempDir(),
		"MALLANG_DATABASE_URL": dbtest.URL(t),
		"MALLANG_ADDR":         addr,
		"MALLANG_BASE_URL":     "http://" + addr,
		"MALLANG_LOG_LEVEL":    "warn",
	}
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	lines := make(chan string, 1000)
	done := make(chan int, 1)
	go func() {
		done <- app.RunWith(ctx, []string{"serve"}, func(k string) (string, bool) { v, ok := env[k]; return v, ok },
			strings.NewReader(""), outW, os.Stderr, "e2e", opts)
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody waits for more than a thousand lines
			}
		}
		close(lines)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited with %d", code)
			}
		case <-time.After(time.Minute):
			t.Error("serve did not stop within a minute")
		}
	})
	if !waitLine(lines, "Mallang is running") {
		t.Fatal("serve stopped before it printed its address")
	}
	return "http://" + addr, lines
}

// waitLine reads serve's output up to a line containing s; false when
// serve stopped first.
func waitLine(lines <-chan string, s string) bool {
	for l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
