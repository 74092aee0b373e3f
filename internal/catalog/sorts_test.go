package catalog_test

import (
	"context"
	"log/slog"
	"slices"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// TestReviewAndSalesSorts: the listing sorts by average rating, by review
// count and by quantity sold, highest first with the newest product first
// among equals, over the shop and within a category subtree, and each
// product carries its review figures.
func TestReviewAndSalesSorts(t *testing.T) {
	t.Parallel()
	d := dbtest.New(t)
	s := catalog.NewService(d, fixedNow, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	sh := &shop{s: s, ids: map[string]int64{}}
	sh.food = mustCategory(t, s, catalog.NewCategory{Slug: "food", Name: "식품", Position: 1})
	sh.choco = mustCategory(t, s, catalog.NewCategory{ParentID: sh.food.ID, Slug: "choco", Name: "초콜릿", Position: 1})
	sh.coffee = mustCategory(t, s, catalog.NewCategory{ParentID: sh.food.ID, Slug: "coffee", Name: "커피", Position: 2})
	sh.fashion = mustCategory(t, s, catalog.NewCategory{Slug: "fashion", Name: "패션", Position: 2})
	sh.add(t,
		item{name: "가", cat: sh.choco, price: 1000, stock: 1, minute: 1},
		item{name: "나", cat: sh.coffee, price: 1000, stock: 1, minute: 2},
		item{name: "다", cat: sh.fashion, price: 1000, stock: 1, minute: 3},
		item{name: "라", cat: sh.coffee, price: 1000, stock: 1, minute: 4},
	)
	for name, f := range map[string][3]int64{"가": {3, 450, 10}, "나": {10, 380, 2}, "다": {1, 500, 0}, "라": {0, 0, 40}} {
		if _, err := d.Write().ExecContext(context.Background(), d.Write().Rebind(`UPDATE products SET review_count = ?, rating_avg = ?,
			sold_count = ? WHERE id = ?`), f[0], f[1], f[2], sh.ids[name]); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		q    catalog.ListQuery
		want []string
	}{
		{"rating", catalog.ListQuery{Sort: catalog.SortRating}, []string{"다", "가", "나", "라"}},
		{"reviews", catalog.ListQuery{Sort: catalog.SortReviews}, []string{"나", "가", "다", "라"}},
		{"best-selling", catalog.ListQuery{Sort: catalog.SortBest}, []string{"라", "가", "나", "다"}},
		{"best-selling in a subtree", catalog.ListQuery{Category: "food", Sort: catalog.SortBest}, []string{"라", "가", "나"}},
		{"rating in a subtree", catalog.ListQuery{Category: "food", Sort: catalog.SortRating}, []string{"가", "나", "라"}},
		{"best-selling, search", catalog.ListQuery{Query: "나", Sort: catalog.SortBest}, []string{"나"}},
	}
	for _, tt := range tests {
		res, err := s.List(context.Background(), tt.q)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := names(res.Products); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
		for _, p := range res.Products {
			if p.Name == "가" && (p.Reviews != 3 || p.Rating != 450) {
				t.Errorf("%s: 가 has %d reviews at %d", tt.name, p.Reviews, p.Rating)
			}
		}
	}
	if q, err := catalog.ParseListQuery(map[string][]string{"sort": {"best"}}); err != nil || q.Sort != catalog.SortBest {
		t.Fatalf("sort=best parses as %q, %v", q.Sort, err)
	}
}
