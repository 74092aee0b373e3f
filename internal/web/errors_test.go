package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
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
	New(Config{BaseURL: testBase}, broken{}, slog.New(slog.NewTextHandler(&logs, nil))).Register(mux)
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
