package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// discard is a ResponseWriter that throws the body away, so the benchmarks
// measure the handler rather than a recorder's buffer.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}

var _ io.Writer = (*discard)(nil)

// BenchmarkCategoryPage serves the first page of a category (24 products
// out of about 430, 3,000 in the catalog) through the mux, with the real
// catalog service: one catalog.List call and the cached category tree.
func BenchmarkCategoryPage(b *testing.B) {
	d := dbtest.New(b)
	cat := catalog.NewService(d, time.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	catalogtest.Seed(b, cat, 3000)
	mux := http.NewServeMux()
	New(Config{BaseURL: testBase, Now: testNow}, cat, slog.New(slog.DiscardHandler)).Register(mux)
	r := httptest.NewRequest(http.MethodGet, "/categories/chocolate", nil)
	w := &discard{h: http.Header{}}
	mux.ServeHTTP(w, r) // warm the caches
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		mux.ServeHTTP(w, r)
	}
}

// BenchmarkCategoryRender renders a category page of 24 products from
// memory: the cost of the templates alone.
func BenchmarkCategoryRender(b *testing.B) {
	h := New(Config{BaseURL: testBase, Now: testNow}, nil, slog.New(slog.DiscardHandler))
	roots := []*catalog.Category{{ID: 1, Slug: "food", Name: "식품", NameEN: "Food"}}
	roots[0].Children = []*catalog.Category{{ID: 2, ParentID: 1, Slug: "chocolate", Name: "초콜릿"}}
	tree := newCategoryTree(roots, testNow(), h.locales)
	res := catalog.ListResult{Total: 430, Page: 1, PerPage: 24, Pages: 18}
	for i := range 24 {
		p := catalog.Product{ID: int64(i + 1), Name: "말랑 다크초콜릿세트", Summary: "초콜릿", SellerName: "말랑 직영", InStock: i%7 != 6}
		p.Price.Minor, p.Price.Currency = int64(9000+i*100), "KRW"
		p.ListPrice = p.Price
		if i%5 == 4 {
			p.ListPrice.Minor += 1000
		}
		p.Image = &catalog.Image{Key: "products/x.png", Width: 800, Height: 800, ThumbsReady: true}
		res.Products = append(res.Products, p)
	}
	r := httptest.NewRequest(http.MethodGet, "/categories/chocolate", nil)
	w := &discard{h: http.Header{}}
	c := tree.bySlug["chocolate"]
	lc := h.locales[langKo]
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p := h.newPage(r, lc, tree, c.Name, categoryURL(c.Slug), nil)
		l := &listing{Heading: c.Name, Result: res, Count: lc.F("list.count", res.Total)}
		q := catalog.ListQuery{Category: c.Slug, Sort: catalog.SortNewest, Page: 1, PerPage: 24}
		h.fillListing(lc, l, categoryURL(c.Slug), q, r.URL.Query(), nil)
		if err := listingPage(p, l).Render(ctx, w); err != nil {
			b.Fatal(err)
		}
	}
}
