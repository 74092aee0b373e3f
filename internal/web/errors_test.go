package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/a-h/templ"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/ratelimit"
)

// broken is a catalog whose every call fails, for the 500 page.
type broken struct{}

var errDown = errors.New("database is down")

func (broken) Categories(context.Context) ([]*catalog.Category, error) { return nil, errDown }
func (broken) CategoryBySlug(context.Context, string) (catalog.Category, error) {
	return catalog.Category{}, errDown
}
func (broken) List(context.Context, catalog.ListQuery) (catalog.ListResult, error) {
	return catalog.ListResult{}, errDown
}
func (broken) Product(context.Context, int64) (catalog.ProductDetail, error) {
	return catalog.ProductDetail{}, errDown
}
func (broken) SitemapProducts(context.Context, int, int, func(int64, time.Time) error) error {
	return errDown
}
func (broken) Suggest(context.Context, string) ([]string, error) { return nil, errDown }

// lockedBuffer collects log output from parallel requests.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServerError(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	mux := http.NewServeMux()
	New(Config{BaseURL: testBase, Now: testNow}, broken{}, slog.New(slog.NewTextHandler(&logs, nil))).Register(mux)
	s := &shop{mux: mux}
	for _, path := range []string{"/", "/categories/food", "/products/1", "/search?q=x", "/sitemap.xml"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			res := s.get(t, path)
			if res.status != http.StatusInternalServerError {
				t.Fatalf("GET %s = %d, want 500", path, res.status)
			}
			mustContain(t, res.body, `data-testid="server-error"`, "잠시 문제가 생겼습니다")
			mustNotContain(t, res.body, errDown.Error())
		})
	}
	t.Run("404 still works", func(t *testing.T) {
		t.Parallel()
		if res := s.get(t, "/nowhere"); res.status != http.StatusNotFound {
			t.Fatalf("GET /nowhere = %d, want 404", res.status)
		}
	})
	t.Cleanup(func() {
		if !strings.Contains(logs.String(), errDown.Error()) {
			t.Errorf("the error was not logged: %s", logs.String())
		}
	})
}

// calm is a catalog without categories or products, so that the error pages
// have nothing to fail on.
type calm struct{ broken }

func (calm) Categories(context.Context) ([]*catalog.Category, error) { return nil, nil }

func TestServeError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		method   string
		target   string
		lang     string
		err      error
		cancel   bool
		status   int
		contains []string
		location string
		header   [2]string // a header the answer must carry
		logged   bool
	}{
		{name: "not found", err: fmt.Errorf("load product 7: %w", fault.ErrNotFound),
			status: http.StatusNotFound, contains: []string{`data-testid="not-found"`, "페이지를 찾을 수 없습니다"}},
		{name: "forbidden", err: fmt.Errorf("order 7 of another customer: %w", fault.ErrForbidden),
			status: http.StatusForbidden, contains: []string{`data-testid="error-forbidden"`, "이 페이지를 볼 수 없습니다"}},
		{name: "forbidden in English", lang: "en", err: fault.ErrForbidden,
			status: http.StatusForbidden, contains: []string{`data-testid="error-forbidden"`, "You cannot open this page"}},
		{name: "blocked address", err: account.ErrBlocked,
			status: http.StatusForbidden, contains: []string{`data-testid="error-forbidden"`}},
		{name: "unauthenticated page", target: "/somewhere?tab=2", err: fmt.Errorf("session: %w", fault.ErrUnauthenticated),
			status: http.StatusSeeOther, location: "/login?next=%2Fsomewhere%3Ftab%3D2"},
		{name: "unauthenticated form", method: http.MethodPost, err: fault.ErrUnauthenticated,
			status: http.StatusSeeOther, location: "/login?next=%2Faccount"},
		{name: "conflict", err: fmt.Errorf("pay order 7: %w", fault.ErrConflict),
			status: http.StatusConflict, contains: []string{`data-testid="error-conflict"`, "그사이 상품이나 주문의 상태가 바뀌었습니다"}},
		{name: "invalid", err: fmt.Errorf("set quantity: %w", &fault.Invalid{Fields: map[string]string{"quantity": "must be a whole number"}}),
			status: http.StatusUnprocessableEntity, contains: []string{`data-testid="error-invalid"`, `data-testid="error-details"`, "숫자로 입력해 주세요."}},
		{name: "too many attempts", err: fmt.Errorf("log in: %w", &ratelimit.Error{Limit: "login", RetryAfter: 90 * time.Second}),
			status: http.StatusTooManyRequests, contains: []string{`data-testid="error-limited"`, "2분 뒤에 다시 시도해 주세요"},
			header: [2]string{"Retry-After", "90"}},
		{name: "a wait of 60 s", err: &ratelimit.Error{Limit: "login", RetryAfter: 60 * time.Second},
			status: http.StatusTooManyRequests, contains: []string{"1분 뒤에 다시 시도해 주세요"}, header: [2]string{"Retry-After", "60"}},
		{name: "a wait of 61 s", err: &ratelimit.Error{Limit: "login", RetryAfter: 61 * time.Second},
			status: http.StatusTooManyRequests, contains: []string{"2분 뒤에 다시 시도해 주세요"}, header: [2]string{"Retry-After", "61"}},
		{name: "a wait of 899 s", err: &ratelimit.Error{Limit: "login", RetryAfter: 899 * time.Second},
			status: http.StatusTooManyRequests, contains: []string{"15분 뒤에 다시 시도해 주세요"}, header: [2]string{"Retry-After", "899"}},
		{name: "a wait of 60.5 s", err: &ratelimit.Error{Limit: "login", RetryAfter: 60*time.Second + 500*time.Millisecond},
			status: http.StatusTooManyRequests, contains: []string{"2분 뒤에 다시 시도해 주세요"}, header: [2]string{"Retry-After", "61"}},
		{name: "not a form", method: http.MethodPost, err: fmt.Errorf("%w: %w", errBadForm, errors.New("invalid semicolon separator")),
			status: http.StatusBadRequest, contains: []string{`data-testid="bad-form"`}},
		{name: "form too large", method: http.MethodPost, err: fmt.Errorf("%w: %w", errBadForm, &http.MaxBytesError{Limit: 1 << 20}),
			status: http.StatusRequestEntityTooLarge, contains: []string{`data-testid="bad-form"`}},
		{name: "failure", err: fmt.Errorf("load cart: %w", errDown),
			status: http.StatusInternalServerError, contains: []string{`data-testid="server-error"`, "잠시 문제가 생겼습니다", "req-7"}, logged: true},
		{name: "cancelled by the client", err: fmt.Errorf("load cart: %w", context.Canceled), cancel: true,
			status: http.StatusOK},
		{name: "cancelled by the server", err: fmt.Errorf("load cart: %w", context.Canceled),
			status: http.StatusInternalServerError, contains: []string{`data-testid="server-error"`}, logged: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs lockedBuffer
			h := New(Config{BaseURL: testBase, Now: testNow}, calm{}, slog.New(observe.LogHandler(slog.NewTextHandler(&logs, nil))))
			method, target := tt.method, tt.target
			if method == "" {
				method = http.MethodGet
			}
			if target == "" {
				target = "/page"
			}
			req := httptest.NewRequest(method, target, nil)
			req.Header.Set("Accept-Language", "ko-KR")
			if tt.lang != "" {
				req.Header.Set("Accept-Language", tt.lang)
			}
			ctx := observe.WithRequestID(req.Context(), "req-7")
			if tt.cancel {
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				cancel()
			}
			req = req.WithContext(ctx)
			w := httptest.NewRecorder()
			h.serve(func(http.ResponseWriter, *http.Request, *locale) error { return tt.err }).ServeHTTP(w, req)

			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body:\n%.1500s", w.Code, tt.status, w.Body.String())
			}
			mustContain(t, w.Body.String(), tt.contains...)
			mustNotContain(t, w.Body.String(), errDown.Error(), "load cart", "log in:")
			if got := w.Header().Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if tt.header[0] != "" && w.Header().Get(tt.header[0]) != tt.header[1] {
				t.Errorf("%s %q, want %q", tt.header[0], w.Header().Get(tt.header[0]), tt.header[1])
			}
			if tt.cancel && w.Body.Len() > 0 {
				t.Errorf("a cancelled request got a page: %.200s", w.Body.String())
			}
			if n := strings.Count(logs.String(), "storefront page failed"); tt.logged && n != 1 || !tt.logged && logs.String() != "" {
				t.Errorf("logged %d times, want logged=%v:\n%s", n, tt.logged, logs.String())
			}
			if tt.logged && !strings.Contains(logs.String(), "request_id=req-7") {
				t.Errorf("the log line lacks the request id: %s", logs.String())
			}
		})
	}
}

// TestRenderWholePage checks that a page goes out whole, with its length,
// and that a component failing half way answers with the error page
// rather than the half it wrote.
func TestRenderWholePage(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	h := New(Config{BaseURL: testBase, Now: testNow}, broken{}, slog.New(slog.NewTextHandler(&logs, nil)))
	lc := h.locales[langKo]
	half := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		if _, err := io.WriteString(w, "<p>half of the page</p>"); err != nil {
			return err
		}
		return errors.New("a component failed")
	})
	whole := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, strings.Repeat("<p>상품</p>", 5000)) // 60 kB, more than any buffer of net/http
		return err
	})
	cases := []struct {
		name         string
		status       int
		c            templ.Component
		wantStatus   int
		want, reject string
	}{
		{"whole page", http.StatusOK, whole, http.StatusOK, "<p>상품</p><p>상품</p>", ""},
		{"failed page", http.StatusOK, half, http.StatusInternalServerError, `data-testid="server-error"`, "half of the page"},
		{"failed error page", http.StatusInternalServerError, half, http.StatusInternalServerError, lc.T("err.title"), "half of the page"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				h.render(w, r, lc, tc.status, tc.c)
			}))
			defer srv.Close()
			res, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.wantStatus {
				t.Fatalf("status %d, want %d", res.StatusCode, tc.wantStatus)
			}
			if len(res.TransferEncoding) > 0 || res.ContentLength != int64(len(body)) {
				t.Errorf("sent as %v with length %d for %d bytes, want the length of the whole page", res.TransferEncoding, res.ContentLength, len(body))
			}
			mustContain(t, string(body), tc.want)
			if tc.reject != "" {
				mustNotContain(t, string(body), tc.reject)
			}
		})
	}
	if !strings.Contains(logs.String(), "a component failed") {
		t.Errorf("the failure was not logged: %s", logs.String())
	}
}
