package catalog_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// TestDeepPagesMatchOffsetPages: deep listing pages, which are read from
// seek points rather than by OFFSET, hold exactly the products an OFFSET
// read of the whole listing puts there, in every sort, for the whole shop,
// a subtree of several categories and a single category, with many equal
// sort keys (ties broken by id), visited in a shuffled order; and after a
// new product and a price change, the pages follow at once.
func TestDeepPagesMatchOffsetPages(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	f := catalogtest.Seed(t, s, 420)
	ctx := context.Background()
	// Few distinct review figures and sales, so most keys tie.
	for i, id := range f.Products {
		if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`UPDATE products SET rating_avg = ?, review_count = ?,
			sold_count = ? WHERE id = ?`), (i%3)*100, i%4, i%5, id); err != nil {
			t.Fatal(err)
		}
	}
	const perPage = 3 // 140 pages over the shop: seek points every 12 products
	listings := []catalog.ListQuery{
		{},
		{Category: f.Roots[0].Slug},
		{Category: f.Leaves[0].Slug},
		{InStock: true},
	}
	sorts := []catalog.Sort{catalog.SortNewest, catalog.SortPriceAsc, catalog.SortPriceDesc, catalog.SortName,
		catalog.SortRating, catalog.SortReviews, catalog.SortBest}
	rng := rand.New(rand.NewPCG(7, 8))
	check := func(t *testing.T, stage string) {
		for _, base := range listings {
			for _, sort := range sorts {
				q := base
				q.Sort = sort
				name := fmt.Sprintf("%s: category %q, in stock %v, sort %s", stage, q.Category, q.InStock, sort)
				want := wholeListing(t, s, q)
				pages := (len(want) + perPage - 1) / perPage
				got := make([]int64, len(want))
				for _, page := range rng.Perm(pages) {
					q.Page, q.PerPage = page+1, perPage
					res, err := s.List(ctx, q)
					if err != nil {
						t.Fatalf("%s, page %d: %v", name, page+1, err)
					}
					if res.Total != len(want) {
						t.Fatalf("%s, page %d: total %d, want %d", name, page+1, res.Total, len(want))
					}
					for i, p := range res.Products {
						got[page*perPage+i] = p.ID
					}
					if n := min(perPage, len(want)-page*perPage); len(res.Products) != n {
						t.Fatalf("%s, page %d: %d products, want %d", name, page+1, len(res.Products), n)
					}
				}
				if !slices.Equal(got, want) {
					t.Fatalf("%s: pages read one by one differ from the whole listing\n got %v\nwant %v", name, got, want)
				}
			}
		}
	}
	check(t, "seeded")

	// A new product sorts first among the newest and moves every page's
	// edge by one; a price change moves one product in the price sorts.
	if _, err := s.CreateProducts(ctx, []catalog.NewProduct{catalogtest.Product(420, f.Leaves[0].ID)}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Write().ExecContext(ctx, d.Write().Rebind(`UPDATE products SET price_minor = 1 WHERE id = ?`), f.Products[200]); err != nil {
		t.Fatal(err)
	}
	s.StockChanged() // a direct write, as a sale's: only the caches of pages are dropped
	check(t, "after a new product and a price change")
}

// wholeListing reads the ids of a whole listing in pages of the largest
// size, which never seek at this catalog's size.
func wholeListing(t *testing.T, s *catalog.Service, q catalog.ListQuery) []int64 {
	t.Helper()
	q.PerPage = catalog.MaxPerPage
	var ids []int64
	for q.Page = 1; ; q.Page++ {
		res, err := s.List(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Products {
			ids = append(ids, p.ID)
		}
		if q.Page >= res.Pages {
			return ids
		}
	}
}
