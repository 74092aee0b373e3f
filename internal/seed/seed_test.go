package seed

import (
	"bytes"
	"context"
	"image/jpeg"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/media"
)

var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func newCatalog(t testing.TB) (*db.DB, *catalog.Service, *media.Store) {
	t.Helper()
	d := dbtest.New(t)
	cat := catalog.NewService(d, func() time.Time { return now }, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	store, err := media.Open(t.Context(), "mem://")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	return d, cat, store
}

func count(t *testing.T, d *db.DB, query string) int {
	t.Helper()
	var n int
	if err := d.Read().GetContext(t.Context(), &n, query); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestRunDemo(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d, cat, store := newCatalog(t)
	var progress strings.Builder
	st, err := Run(ctx, cat, store, Options{Images: true, Rand: 1, Now: now, pool: 1}, &progress)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st.Products != DefaultProducts || st.Images != DefaultProducts || st.Categories < 8 || st.Variants <= st.Products {
		t.Errorf("Stats = %+v", st)
	}
	if !strings.Contains(progress.String(), "상품 200 / 200 (100%)") {
		t.Errorf("progress = %q", progress.String())
	}
	roots, err := cat.Categories(ctx)
	if err != nil {
		t.Fatal(err)
	}
	leaves := 0
	for _, r := range roots {
		leaves += len(r.Children)
		if r.NameEN == "" {
			t.Errorf("category %s has no English name", r.Slug)
		}
	}
	if len(roots)+leaves < 8 || leaves == 0 {
		t.Errorf("%d top-level and %d second-level categories", len(roots), leaves)
	}
	// Each query counts products that have what the demo must show.
	atLeast := []struct {
		what  string
		query string
		min   int
	}{
		{"products", `SELECT count(*) FROM products`, 200},
		{"products with options", `SELECT count(DISTINCT product_id) FROM product_options`, 10},
		{"products with a size and a colour", `SELECT count(*) FROM products p WHERE (SELECT count(*) FROM product_options o WHERE o.product_id = p.id) = 2`, 3},
		{"sold out", `SELECT count(*) FROM products WHERE NOT in_stock`, 3},
		{"on sale", `SELECT count(*) FROM products WHERE list_price_minor > price_minor`, 10},
		{"featured", `SELECT count(*) FROM products WHERE featured`, 3},
		{"digital", `SELECT count(*) FROM products WHERE product_type = 'digital'`, 3},
		{"subscription", `SELECT count(*) FROM products WHERE product_type = 'subscription'`, 1},
		{"Korean descriptions", `SELECT count(*) FROM products WHERE description LIKE '<p>%' AND description LIKE '%니다.%'`, 200},
		{"prices in hundreds of won", `SELECT count(*) FROM variants WHERE price_minor % 100 = 0 AND (sale_price_minor IS NULL OR sale_price_minor % 100 = 0)`, st.Variants},
		{"created in the last 90 days", `SELECT count(*) FROM products WHERE created_at > '2025-03-02' AND created_at <= '2025-06-01 12:00:00'`, 200},
	}
	for _, c := range atLeast {
		if got := count(t, d, c.query); got < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, got, c.min)
		}
	}
	if n := count(t, d, `SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_images i WHERE i.product_id = p.id AND i.thumbs_ready)`); n != 0 {
		t.Errorf("%d products without an image with thumbnails", n)
	}
	var keys []string
	if err := d.Read().SelectContext(ctx, &keys, `SELECT DISTINCT blob_key FROM product_images`); err != nil {
		t.Fatal(err)
	}
	if len(keys) != kinds() {
		t.Errorf("%d distinct images, want one for each of the %d kinds", len(keys), kinds())
	}
	// A picture shows one kind of product.
	var pictured []struct {
		Name string `db:"name"`
		Key  string `db:"blob_key"`
	}
	if err := d.Read().SelectContext(ctx, &pictured, `SELECT p.name, i.blob_key FROM products p JOIN product_images i ON i.product_id = p.id`); err != nil {
		t.Fatal(err)
	}
	shows := map[string]string{}
	for _, p := range pictured {
		k := kindOfName(p.Name)
		if k == "" {
			t.Errorf("%s: of no kind", p.Name)
		}
		if prev, ok := shows[p.Key]; ok && prev != k {
			t.Errorf("one picture shows %s and %s", prev, k)
		}
		shows[p.Key] = k
	}
	for _, k := range keys {
		for _, s := range append([]media.Size{""}, media.Sizes...) {
			key := k
			if s != "" {
				key = media.ThumbKey(k, s)
			}
			if ok, err := store.Exists(ctx, key); err != nil || !ok {
				t.Fatalf("%s stored = %v, %v", key, ok, err)
			}
		}
	}
}

// kinds counts the kinds of product of the demo tree.
func kinds() int {
	n := 0
	for _, t := range tree {
		for _, l := range t.leaves {
			n += len(l.kinds)
		}
	}
	return n
}

// kindOfName is the noun of the kind whose noun is the longest in name.
func kindOfName(name string) string {
	best := ""
	for _, t := range tree {
		for _, l := range t.leaves {
			for _, k := range l.kinds {
				if strings.Contains(name, k.ko) && len(k.ko) > len(best) {
					best = k.ko
				}
			}
		}
	}
	return best
}

// Every kind's picture is drawn the same from the same seed, and differs
// from the picture of the kind before it when that is drawn in another
// shape.
func TestCards(t *testing.T) {
	t.Parallel()
	var prev []byte
	var prevShape uintptr
	for _, tp := range tree {
		for _, l := range tp.leaves {
			for _, k := range l.kinds {
				a := card(rand.New(rand.NewPCG(5, 9)), l.hue, &k)
				b := card(rand.New(rand.NewPCG(5, 9)), l.hue, &k)
				if !bytes.Equal(a, b) {
					t.Errorf("%s: the same seed drew different pictures", k.ko)
				}
				sh := reflect.ValueOf(k.shape).Pointer()
				if sh != prevShape && bytes.Equal(a, prev) {
					t.Errorf("%s: the same picture as the kind before", k.ko)
				}
				prevShape = sh
				if _, err := jpeg.Decode(bytes.NewReader(a)); err != nil {
					t.Errorf("%s: %v", k.ko, err)
				}
				prev = a
			}
		}
	}
}

// TestRunDeterministic seeds twice with one seed and once with another.
func TestRunDeterministic(t *testing.T) {
	t.Parallel()
	const q = `SELECT p.name || '|' || p.price_minor || '|' || p.list_price_minor || '|' || p.in_stock || '|' ||
		p.product_type || '|' || i.blob_key || '|' || p.description FROM products p JOIN product_images i ON i.product_id = p.id ORDER BY p.id`
	run := func(seed int64) []string {
		d, cat, store := newCatalog(t)
		if _, err := Run(t.Context(), cat, store, Options{Products: 30, Images: true, Rand: seed, Now: now, pool: 2}, nil); err != nil {
			t.Fatal(err)
		}
		var rows []string
		if err := d.Read().SelectContext(t.Context(), &rows, q); err != nil {
			t.Fatal(err)
		}
		return rows
	}
	a, b, c := run(7), run(7), run(8)
	if strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Error("the same seed gave different catalogs")
	}
	if strings.Join(a, "\n") == strings.Join(c, "\n") {
		t.Error("different seeds gave the same catalog")
	}
}

// TestRunLarge seeds 2,000 products, which reuse a few images per category,
// and then seeds again on top.
func TestRunLarge(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	d, cat, store := newCatalog(t)
	st, err := Run(ctx, cat, store, Options{Products: 2000, Images: true, Now: now, pool: 1}, nil)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if st.Products != 2000 || st.Images != 2000 {
		t.Errorf("Stats = %+v", st)
	}
	if n := count(t, d, `SELECT count(DISTINCT blob_key) FROM product_images`); n != kinds() {
		t.Errorf("%d distinct images, want one for each of the %d kinds", n, kinds())
	}
	if _, err := Run(ctx, cat, store, Options{Products: 10, Now: now}, nil); err != nil {
		t.Fatalf("second Run: %v", err)
	}
	if n, err := cat.CountProducts(ctx); err != nil || n != 2010 {
		t.Errorf("CountProducts after a second run = %d, %v; want 2010", n, err)
	}
	if n := count(t, d, `SELECT count(*) FROM categories`); n != st.Categories {
		t.Errorf("%d categories after a second run, want %d (reused)", n, st.Categories)
	}
}

func TestRunNegative(t *testing.T) {
	t.Parallel()
	_, cat, store := newCatalog(t)
	if _, err := Run(context.Background(), cat, store, Options{Products: -1}, nil); err == nil {
		t.Fatal("Run with -1 products: no error")
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	tests := []struct {
		n    int
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {12500, "12,500"}, {100000, "100,000"}, {1234567, "1,234,567"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := thousands(tt.n); got != tt.want {
				t.Errorf("thousands(%d) = %q", tt.n, got)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	jeans := &kind{colours: []string{"연청", "중청", "흑청"}}
	tests := []struct {
		name      string
		opts      optionKind
		k         *kind
		wantNames []string
		minCombos int
		values    string // every value of the last axis is one of these
	}{
		{"none", noOptions, &kind{}, nil, 1, ""},
		{"clothing", clothing, &kind{}, []string{"사이즈", "색상"}, 8, " 블랙 화이트 네이비 베이지 차콜 "},
		{"jeans", clothing, jeans, []string{"사이즈", "색상"}, 8, " 연청 중청 흑청 "},
		{"shoes", shoes, &kind{}, []string{"사이즈"}, 6, " 230 240 250 260 270 280 "},
		{"colours", colours, jeans, []string{"색상"}, 2, " 연청 중청 흑청 "},
		{"subscription", deliveryCycle, &kind{}, []string{"배송 주기"}, 2, " 2주마다 4주마다 "},
	}
	for _, tt := range tests {
		names, combos := options(rng, tt.opts, tt.k)
		if !slices.Equal(names, tt.wantNames) || len(combos) < tt.minCombos {
			t.Errorf("%s: options = %v, %d combinations", tt.name, names, len(combos))
		}
		seen := map[[3]string]bool{}
		for _, c := range combos {
			if seen[c] {
				t.Errorf("%s: repeats %v", tt.name, c)
			}
			seen[c] = true
			if len(names) > 0 && !strings.Contains(tt.values, " "+c[len(names)-1]+" ") {
				t.Errorf("%s: value %q", tt.name, c[len(names)-1])
			}
		}
	}
}
