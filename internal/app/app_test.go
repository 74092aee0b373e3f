package app

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/config"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/security"
)

func env(m map[string]string) config.Lookup {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func newTestApp(t *testing.T) *App {
	t.Helper()
	cfg, err := config.Load(env(map[string]string{
		"MALLANG_DATA_DIR":     t.TempDir(),
		"MALLANG_DATABASE_URL": dbtest.URL(t),
		"MALLANG_LOG_LEVEL":    "warn",
	}))
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

func TestOperationalEndpoints(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	// One request first so the request metrics have a sample.
	if _, err := http.Get(srv.URL + "/healthz"); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path     string
		wantCode int
		want     string
	}{
		{"/healthz", 200, "ok"},
		{"/readyz", 200, "ready"},
		{"/metrics", 200, `mallang_http_requests_total{code="200",method="GET",route="GET /healthz"}`},
		{"/metrics", 200, "go_sql_open_connections"},
		{"/metrics", 200, "mallang_http_request_duration_seconds_bucket"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.want, func(t *testing.T) {
			res, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.wantCode || !strings.Contains(string(body), tt.want) {
				t.Fatalf("GET %s = %d, body lacks %q:\n%.2000s", tt.path, res.StatusCode, tt.want, body)
			}
			for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Request-Id"} {
				if res.Header.Get(h) == "" {
					t.Errorf("header %s missing", h)
				}
			}
		})
	}
}

func TestReadyzFailsWithoutDatabase(t *testing.T) {
	t.Parallel()
	a := newTestApp(t)
	srv := httptest.NewServer(a.Handler())
	defer srv.Close()
	a.DB.Close()
	res, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a closed database = %d, want 503", res.StatusCode)
	}
}

// A request in flight when the shutdown signal comes is answered in full
// before serveHTTP returns.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "finished")
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serveHTTP(ctx, ln, h, slog.New(slog.NewTextHandler(io.Discard, nil))) }()

	got := make(chan string, 1)
	go func() {
		res, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		got <- string(b)
	}()
	<-entered
	cancel()
	select {
	case err := <-served:
		t.Fatalf("server stopped before the request finished: %v", err)
	default:
	}
	close(release)
	if body := <-got; body != "finished" {
		t.Fatalf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Fatalf("serveHTTP = %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String() + "/slow"); err == nil {
		t.Fatal("the server still accepts requests after shutdown")
	}
}

func TestRunRejectsBadConfiguration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
		code int
	}{
		{"bad log level", map[string]string{"MALLANG_LOG_LEVEL": "chatty"}, []string{"migrate"}, "MALLANG_LOG_LEVEL", 2},
		{"bad database url", map[string]string{"MALLANG_DATABASE_URL": "mysql://x"}, []string{"migrate"}, "MALLANG_DATABASE_URL", 2},
		{"unknown command", nil, []string{"fly"}, `unknown command "fly"`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := map[string]string{"MALLANG_DATA_DIR": t.TempDir()}
			for k, v := range tt.env {
				e[k] = v
			}
			var out, errOut bytes.Buffer
			code := Run(context.Background(), tt.args, env(e), strings.NewReader(""), &out, &errOut, "test")
			if code != tt.code || !strings.Contains(errOut.String(), tt.want) {
				t.Fatalf("Run = %d, stderr %q; want %d and %q", code, errOut.String(), tt.code, tt.want)
			}
			if strings.Count(strings.TrimSpace(errOut.String()), "\n") > 0 && tt.name != "unknown command" {
				t.Fatalf("configuration error is more than one line: %q", errOut.String())
			}
		})
	}
}

func TestMigrateAndCreateAdmin(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := env(map[string]string{
		"MALLANG_DATA_DIR":       dir,
		"MALLANG_DATABASE_URL":   "sqlite:" + filepath.Join(dir, "shop.db"),
		"MALLANG_LOG_LEVEL":      "warn",
		"MALLANG_ADMIN_PASSWORD": "a long enough password",
	})
	var out, errOut bytes.Buffer
	if code := Run(context.Background(), []string{"migrate"}, e, nil, &out, &errOut, "test"); code != 0 {
		t.Fatalf("migrate = %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "schema version") {
		t.Fatalf("migrate printed %q", out.String())
	}
	out.Reset()
	if code := Run(context.Background(), []string{"createadmin", "--email", "boss@shop.kr"}, e, nil, &out, &errOut, "test"); code != 0 {
		t.Fatalf("createadmin = %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "boss@shop.kr") {
		t.Fatalf("createadmin printed %q", out.String())
	}
	errOut.Reset()
	if code := Run(context.Background(), []string{"createadmin", "--email", "not an address"}, e, nil, &out, &errOut, "test"); code != 2 || !strings.Contains(errOut.String(), "email") {
		t.Fatalf("createadmin with a bad address = %d: %s", code, errOut.String())
	}
}

func TestRotateKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	base := map[string]string{
		"MALLANG_DATA_DIR":     dir,
		"MALLANG_DATABASE_URL": "sqlite:" + filepath.Join(dir, "shop.db"),
		"MALLANG_LOG_LEVEL":    "warn",
	}
	cfg, err := config.Load(env(base))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a, err := New(ctx, cfg, slog.New(slog.DiscardHandler), "test")
	if err != nil {
		t.Fatal(err)
	}
	err = a.Accounts.SignUp(ctx, account.SignUp{Email: "minji@example.com", Password: "말랑한 봄날의 산책", Name: "김민지", Phone: "010-1234-5678", AgreeTerms: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.acc.addresses.Create(ctx, 1, address.Input{Recipient: "김민지", Phone: "010-1234-5678", Postcode: "04524", Line1: "서울 중구 세종대로 110"}); err != nil {
		t.Fatal(err)
	}
	a.Close()

	rotated := map[string]string{"MALLANG_ENCRYPTION_KEYS": "k1:" + strings.Repeat("ab", 32)}
	for k, v := range base {
		rotated[k] = v
	}
	var out, errOut bytes.Buffer
	if code := Run(ctx, []string{"rotate-keys"}, env(rotated), nil, &out, &errOut, "test"); code != 0 {
		t.Fatalf("rotate-keys = %d: %s", code, errOut.String())
	}
	if !strings.Contains(out.String(), "rotated 5 values") {
		t.Fatalf("rotate-keys printed %q / %q", out.String(), errOut.String())
	}
	cfg, err = config.Load(env(rotated))
	if err != nil {
		t.Fatal(err)
	}
	a, err = New(ctx, cfg, slog.New(slog.DiscardHandler), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	var phone string
	if err := a.DB.Read().GetContext(ctx, &phone, `SELECT phone_enc FROM users WHERE id = 1`); err != nil || !strings.HasPrefix(phone, "v1.k1.") {
		t.Fatalf("phone after rotation %q, %v", phone, err)
	}
	u, err := a.Accounts.User(ctx, 1)
	if err != nil || u.Phone != "+821012345678" {
		t.Fatalf("user after rotation %+v, %v", u, err)
	}
	ad, err := a.acc.addresses.List(ctx, 1)
	if err != nil || len(ad) != 1 || ad[0].Line1 != "서울 중구 세종대로 110" {
		t.Fatalf("addresses after rotation %+v, %v", ad, err)
	}
}

// The server reads at most security.ServerMaxHeaderBytes of a request's
// head; a larger one is refused with 431 before any handler runs.
func TestServerCapsRequestHead(t *testing.T) {
	t.Parallel()
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- serveHTTP(ctx, ln, h, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	t.Cleanup(func() {
		cancel()
		<-served
	})
	tests := []struct {
		name string
		pad  int
		want int
	}{
		{"small", 100, http.StatusNoContent},
		{"twice the cap", 2 * security.ServerMaxHeaderBytes, http.StatusRequestHeaderFieldsTooLarge},
	}
	for _, tt := range tests {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Pad", strings.Repeat("a", tt.pad))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		res.Body.Close()
		if res.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, res.StatusCode, tt.want)
		}
	}
}
