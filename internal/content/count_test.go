package content_test

import (
	"context"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/content"
)

// Each staff list counts what it lists, published or not, so the API can
// say how many pages there are.
func TestStaffCounts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for i := range 3 {
		e.notice(t, "공지", i == 0)
		e.event(t, "행사")
		e.page(t, "page-"+string(rune('a'+i)))
		e.banner(t, "배너")
	}
	tests := []struct {
		name  string
		list  func(ctx context.Context, limit, offset int) (int, error)
		count func(ctx context.Context) (int, error)
	}{
		{"notices", func(ctx context.Context, l, o int) (int, error) {
			xs, err := e.s.Notices(ctx, l, o)
			return len(xs), err
		}, e.s.CountNotices},
		{"events", func(ctx context.Context, l, o int) (int, error) {
			xs, err := e.s.Events(ctx, l, o)
			return len(xs), err
		}, e.s.CountEvents},
		{"pages", func(ctx context.Context, l, o int) (int, error) { xs, err := e.s.Pages(ctx, l, o); return len(xs), err }, e.s.CountPages},
		{"banners", func(ctx context.Context, l, o int) (int, error) {
			xs, err := e.s.Banners(ctx, l, o)
			return len(xs), err
		}, e.s.CountBanners},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := tt.count(ctx)
			if err != nil || n != 3 {
				t.Fatalf("count = %d, %v; want 3", n, err)
			}
			if listed, err := tt.list(ctx, 2, 2); err != nil || listed != 1 {
				t.Errorf("the last page of 2 = %d items, %v; want 1", listed, err)
			}
		})
	}
}

// notice, event, page and banner each store one of their kind.
func (e *env) notice(t *testing.T, title string, published bool) {
	t.Helper()
	if _, err := e.s.CreateNotice(t.Context(), staff, content.NoticeInput{Title: title, Body: "<p>본문</p>", Published: published}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) event(t *testing.T, title string) {
	t.Helper()
	if _, err := e.s.CreateEvent(t.Context(), staff, content.EventInput{Title: title, Body: "<p>할인</p>",
		StartsAt: start, EndsAt: start.Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) page(t *testing.T, slug string) {
	t.Helper()
	if _, err := e.s.CreatePage(t.Context(), staff, content.PageInput{Slug: slug, Title: "안내", Body: "<p>안내</p>"}); err != nil {
		t.Fatal(err)
	}
}

func (e *env) banner(t *testing.T, title string) {
	t.Helper()
	if _, err := e.s.CreateBanner(t.Context(), staff, content.BannerInput{Title: title, ImageURL: "/media/banners/a.jpg",
		AltText: "겨울 세일", StartsAt: start}); err != nil {
		t.Fatal(err)
	}
}
