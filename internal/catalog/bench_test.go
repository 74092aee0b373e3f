package catalog_test

import (
	"context"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// BenchmarkList measures the listing queries over a catalog of 10,000
// products (about 4,300 in the "food" subtree of three categories, 1,430 in
// each leaf), in parallel as a busy server runs them.
func BenchmarkList(b *testing.B) {
	d := dbtest.New(b)
	s := catalog.NewService(d, fixedNow, nil, nil)
	catalogtest.Seed(b, s, 10000)
	ctx := context.Background()
	cases := []struct {
		name string
		q    catalog.ListQuery
	}{
		{"all_page1", catalog.ListQuery{}},
		{"subtree_page1", catalog.ListQuery{Category: "food"}},
		{"subtree_page1_price", catalog.ListQuery{Category: "food", Sort: catalog.SortPriceAsc}},
		{"subtree_deep_page", catalog.ListQuery{Category: "food", Page: 150}},
		{"leaf_page1", catalog.ListQuery{Category: "coffee"}},
		{"leaf_deep_page", catalog.ListQuery{Category: "coffee", Page: 50}},
		{"search_common", catalog.ListQuery{Query: "초콜릿"}},
		{"search_rare", catalog.ListQuery{Query: "초콜릿세트 9987"}},
		{"search_short", catalog.ListQuery{Query: "칩"}},
		{"search_in_category", catalog.ListQuery{Query: "커피", Category: "food", Sort: catalog.SortPriceAsc}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if _, err := s.List(ctx, c.q); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := s.List(ctx, c.q); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
