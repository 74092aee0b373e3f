package content_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/content"
)

// The uploads' sweep asks content which uploaded keys its bodies and
// banners use: an image in a notice body or on a banner is kept, one that
// nothing names is not.
func TestMediaInUse(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	if _, err := e.s.CreateNotice(ctx, staff, content.NoticeInput{Title: "사진 공지",
		Body: `<p>새 매장</p><img src="/media/editor/ab/abcd01.png" alt="매장">`}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.CreateBanner(ctx, staff, content.BannerInput{Title: "겨울", ImageURL: "/media/editor/cd/cdef02.webp",
		AltText: "겨울 세일", Published: true, StartsAt: start}); err != nil {
		t.Fatal(err)
	}
	keys := []string{"editor/ab/abcd01.png", "editor/cd/cdef02.webp", "editor/ef/ef0303.png"}
	used, err := e.s.InUse(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(used)
	if want := keys[:2]; !slices.Equal(used, want) {
		t.Errorf("in use = %v, want %v", used, want)
	}
}
