package app

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// preparingKo and preparingEn are what the home page says while the demo
// catalog loads.
const (
	preparingKo = "상점을 준비하고 있습니다"
	preparingEn = "The shop is being prepared"
)

// server is one `mallang serve` run by a test.
type server struct {
	url    string
	lines  chan string // serve's output, line by line, closed when it exits
	cancel context.CancelFunc
	done   chan int
}

// startServe runs serve on dir and dbURL with opts and waits for the line
// with its address.
func startServe(t *testing.T, dir, dbURL string, opts Options, extra map[string]string) *server {
	t.Helper()
	vars := map[string]string{
		"MALLANG_DATA_DIR":     dir,
		"MALLANG_DATABASE_URL": dbURL,
		"MALLANG_ADDR":         "127.0.0.1:0",
		"MALLANG_LOG_LEVEL":    "error",
	}
	for k, v := range extra {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	s := &server{lines: make(chan string, 1000), cancel: cancel, done: make(chan int, 1)}
	go func() {
		s.done <- RunWith(ctx, nil, env(vars), nil, outW, io.Discard, "test", opts)
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			select {
			case s.lines <- sc.Text():
			default: // nobody waits for more than a thousand lines
			}
		}
		close(s.lines)
	}()
	t.Cleanup(func() { s.stop(t) })
	if m := s.waitFor(t, regexp.MustCompile(`Mallang is running: (http://\S+)`)); m != nil {
		s.url = m[1]
	} else {
		t.Fatal("serve did not print its address")
	}
	return s
}

// waitFor reads serve's output up to a line matching re; nil when serve
// stopped first.
func (s *server) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	for line := range s.lines {
		if m := re.FindStringSubmatch(line); m != nil {
			return m
		}
	}
	return nil
}

// stop cancels serve and waits for it to exit cleanly; a second call does
// nothing.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	select {
	case code := <-s.done:
		if code != 0 {
			t.Errorf("serve exited with %d after cancel", code)
		}
	case <-time.After(60 * time.Second):
		t.Error("serve did not stop within a minute of cancel")
	}
}

func (s *server) get(t *testing.T, path string) string {
	t.Helper()
	res, err := (&http.Client{Timeout: 10 * time.Second}).Get(s.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d", path, res.StatusCode)
	}
	return string(body)
}

var loginLine = regexp.MustCompile(`demo staff login: (\S+@\S+) / (\S+)`)

// TestServeFirstStart runs `mallang serve` as a newcomer would: an empty
// data directory; the shop answers while the demo catalog is still loading
// (the load is held at its first step until the first page has been
// served) and says it is being prepared, in Korean and in English; then
// the products appear, the demo staff login is printed, and the process
// stops cleanly on cancel.
func TestServeFirstStart(t *testing.T) {
	t.Parallel()
	reached, release := make(chan struct{}), make(chan struct{})
	opts := Options{DemoPool: 1, DemoStep: func(ctx context.Context, step string) error {
		if step == "products" {
			close(reached)
			select {
			case <-release:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}}
	s := startServe(t, t.TempDir(), dbtest.URL(t), opts, nil)
	<-reached
	home := s.get(t, "/")
	if !strings.Contains(home, preparingKo) || strings.Contains(home, `data-testid="product-card"`) {
		t.Errorf("home page while loading lacks %q or shows products:\n%s", preparingKo, home)
	}
	if en := s.get(t, "/?lang=en"); !strings.Contains(en, preparingEn) {
		t.Errorf("English home page while loading lacks %q", preparingEn)
	}
	if body := s.get(t, "/readyz"); !strings.Contains(body, "ready") {
		t.Errorf("/readyz while loading = %q", body)
	}
	close(release)
	if s.waitFor(t, loginLine) == nil {
		t.Fatal("serve did not print the demo login once the demo was loaded")
	}
	home = s.get(t, "/")
	if strings.Contains(home, preparingKo) || !strings.Contains(home, `data-testid="product-card"`) ||
		!strings.Contains(home, `data-testid="home-categories"`) {
		t.Errorf("home page after loading still preparing or without products or categories")
	}
	for _, tt := range []struct{ path, want string }{
		{"/api/v1/products?per_page=1", `"total":200`},
		{"/sitemap.xml", "<urlset"},
	} {
		if body := s.get(t, tt.path); !strings.Contains(body, tt.want) {
			t.Errorf("GET %s lacks %q", tt.path, tt.want)
		}
	}
}

// errStopped stands for a process stopped in the middle of the demo load.
var errStopped = errors.New("stopped")

// TestServeDemoResumes stops the demo load at each of its steps, as a
// process killed there would, and starts again on the same directory and
// database: the second start finishes the load and never duplicates it.
func TestServeDemoResumes(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"products", "shop", "staff", "pictures", "done"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			dir, url := t.TempDir(), dbtest.URL(t)
			stopped := make(chan struct{})
			first := startServe(t, dir, url, Options{DemoPool: 1, DemoStep: func(_ context.Context, s string) error {
				if s == step {
					close(stopped)
					return errStopped
				}
				return nil
			}}, nil)
			<-stopped
			first.stop(t)
			if _, err := os.Stat(filepath.Join(dir, demoMarker)); err != nil {
				t.Fatalf("after a stop at %s the marker of an unfinished demo load is gone: %v", step, err)
			}

			second := startServe(t, dir, url, Options{DemoPool: 1}, nil)
			if second.waitFor(t, loginLine) == nil {
				t.Fatal("the second start did not finish the demo load")
			}
			d := openDB(t, url)
			for _, c := range []struct {
				what  string
				query string
				want  int
			}{
				{"products", `SELECT count(*) FROM products`, 200},
				{"categories", `SELECT count(*) FROM categories`, 14},
				{"products without exactly one image", `SELECT count(*) FROM products p WHERE (SELECT count(*) FROM product_images i WHERE i.product_id = p.id) != 1`, 0},
				{"demo staff", `SELECT count(*) FROM users WHERE email = 'staff@mallang.example'`, 1},
				{"legal documents", `SELECT count(*) FROM legal_versions`, 2},
			} {
				var n int
				if err := d.Read().GetContext(t.Context(), &n, c.query); err != nil {
					t.Fatal(err)
				}
				if n != c.want {
					t.Errorf("%s: %d, want %d", c.what, n, c.want)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, demoMarker)); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("marker after the finished load: %v", err)
			}
			if home := second.get(t, "/"); strings.Contains(home, preparingKo) {
				t.Error("home page still says the shop is being prepared")
			}
			second.stop(t)

			// A third start has nothing to load.
			third := startServe(t, dir, url, Options{DemoStep: func(context.Context, string) error {
				t.Error("a finished demo load ran again")
				return nil
			}}, nil)
			if home := third.get(t, "/"); strings.Contains(home, preparingKo) {
				t.Error("third start says the shop is being prepared")
			}
		})
	}
}

// TestServeNoDemo starts an empty shop with MALLANG_DEMO=false, as
// production does: nothing is loaded and nothing says it is.
func TestServeNoDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := startServe(t, dir, dbtest.URL(t), Options{DemoStep: func(context.Context, string) error {
		t.Error("the demo load ran with MALLANG_DEMO=false")
		return nil
	}}, map[string]string{"MALLANG_DEMO": "false"})
	home := s.get(t, "/")
	if strings.Contains(home, preparingKo) || strings.Contains(home, `data-testid="product-card"`) {
		t.Error("home page of a shop without demo says it is being prepared or shows products")
	}
	s.stop(t)
	if _, err := os.Stat(filepath.Join(dir, demoMarker)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("marker without a demo load: %v", err)
	}
}

// openDB opens the database at url for the test's queries.
func openDB(t *testing.T, url string) *db.DB {
	t.Helper()
	d, err := db.Open(t.Context(), url, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
