package seed

import (
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/media"
)

// TestPictures gives a catalog seeded without images its pictures, leaves
// the thumbnails to the thumbnail job, and adds nothing when run again, on
// a catalog pictured halfway or wholly.
func TestPictures(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// before pictures this many products (in id order) by hand first,
		// as a load stopped halfway would have left them.
		before int
	}{
		{"none yet", 0},
		{"stopped halfway", 37},
		{"all done", DefaultProducts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			d, cat, store := newCatalog(t)
			thumbs := &catalogtest.Thumbs{}
			cat = catalog.NewService(d, func() time.Time { return now }, slog.New(slog.DiscardHandler), thumbs)
			if _, err := Run(ctx, cat, store, Options{Rand: 1, Now: now}, nil); err != nil {
				t.Fatalf("Run: %v", err)
			}
			if n := count(t, d, `SELECT count(*) FROM product_images`); n != 0 {
				t.Fatalf("Run without Images attached %d images", n)
			}
			if tt.before > 0 {
				var progress strings.Builder
				if _, err := Pictures(ctx, cat, store, PictureOptions{Rand: 1, Pool: 2}, &progress); err != nil {
					t.Fatal(err)
				}
				// Take the pictures off all but the first tt.before products.
				if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`DELETE FROM product_images WHERE product_id NOT IN
					(SELECT id FROM products ORDER BY id LIMIT ?)`), tt.before); err != nil {
					t.Fatal(err)
				}
			}
			keysBefore := count(t, d, `SELECT count(DISTINCT blob_key) FROM product_images`)
			n, err := Pictures(ctx, cat, store, PictureOptions{Rand: 1, Pool: 2}, nil)
			if err != nil {
				t.Fatalf("Pictures: %v", err)
			}
			if want := DefaultProducts - tt.before; n != want {
				t.Errorf("Pictures attached %d, want %d", n, want)
			}
			if got := count(t, d, `SELECT count(*) FROM product_images`); got != DefaultProducts {
				t.Errorf("%d images, want one for each of %d products", got, DefaultProducts)
			}
			if got := count(t, d, `SELECT count(*) FROM products p WHERE (SELECT count(*) FROM product_images i WHERE i.product_id = p.id) != 1`); got != 0 {
				t.Errorf("%d products without exactly one image", got)
			}
			if got := count(t, d, `SELECT count(*) FROM product_images WHERE thumbs_ready`); got != 0 {
				t.Errorf("%d images marked with thumbnails; the thumbnail job makes them", got)
			}
			// Each kind of a leaf has min(2, its products) pictures: the
			// j-th product of a leaf is of kind j mod kinds.
			leaves, ids, err := categories(ctx, cat)
			if err != nil {
				t.Fatal(err)
			}
			want := 0
			for li, l := range leaves {
				m := count(t, d, `SELECT count(*) FROM products WHERE category_id = `+strconv.FormatInt(ids[li], 10))
				for ki := range len(l.kinds) {
					want += min(2, m/len(l.kinds)+btoi(ki < m%len(l.kinds)))
				}
			}
			if got := count(t, d, `SELECT count(DISTINCT blob_key) FROM product_images`); got != want || keysBefore > got {
				t.Errorf("%d distinct pictures (%d before), want %d: two for each kind of product", got, keysBefore, want)
			}
			if tt.before == 0 && len(thumbs.Asked()) != DefaultProducts {
				t.Errorf("thumbnails asked for %d images, want %d", len(thumbs.Asked()), DefaultProducts)
			}
			var keys []string
			if err := d.Read().SelectContext(ctx, &keys, `SELECT DISTINCT blob_key FROM product_images`); err != nil {
				t.Fatal(err)
			}
			for _, k := range keys {
				if ok, err := store.Exists(ctx, k); err != nil || !ok {
					t.Errorf("picture %s stored = %v, %v", k, ok, err)
				}
				if ok, _ := store.Exists(ctx, media.ThumbKey(k, media.Small)); ok {
					t.Errorf("picture %s has thumbnails already; they are the job's", k)
				}
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
