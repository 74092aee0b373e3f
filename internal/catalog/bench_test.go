package catalog_test

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// BenchmarkList measures the listing queries over a catalog of 10,000
// products (MALLANG_BENCH_PRODUCTS sets another size, such as 100000 for the
// search target): about 4,300 in the "food" subtree of three categories,
// 1,430 in each leaf; "초콜릿" is in one product of seven, all in the
// "chocolate" leaf, and "zq" in none (a short text no index can serve).
// Totals are cached, so the figures are those of the page query. Queries run in
// parallel as on a busy server, after ANALYZE, as autovacuum would have run
// on PostgreSQL by then.
func BenchmarkList(b *testing.B) {
	n := 10000
	if v, err := strconv.Atoi(os.Getenv("MALLANG_BENCH_PRODUCTS")); err == nil && v > 0 {
		n = v
	}
	d := dbtest.New(b)
	s := catalog.NewService(d, time.Now, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	start := time.Now()
	catalogtest.Seed(b, s, n)
	b.Logf("seeded %d products in %v", n, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	if _, err := d.Write().ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name string
		q    catalog.ListQuery
	}{
		{"all_page1", catalog.ListQuery{}},
		{"subtree_page1", catalog.ListQuery{Category: "food"}},
		{"subtree_page1_price", catalog.ListQuery{Category: "food", Sort: catalog.SortPriceAsc}},
		{"subtree_deep_page", catalog.ListQuery{Category: "food", Page: n * 3 / 7 / 24 / 2}},
		{"leaf_page1", catalog.ListQuery{Category: "coffee"}},
		{"leaf_deep_page", catalog.ListQuery{Category: "coffee", Page: n / 7 / 24 / 2}},
		{"search_common", catalog.ListQuery{Query: "초콜릿"}},
		{"search_rare", catalog.ListQuery{Query: "다크초콜릿세트 " + strconv.Itoa(n-7)}},
		{"search_short", catalog.ListQuery{Query: "칩"}},
		{"search_in_category", catalog.ListQuery{Query: "커피", Category: "food", Sort: catalog.SortPriceAsc}},
		{"search_common_price", catalog.ListQuery{Query: "초콜릿", Sort: catalog.SortPriceAsc}},
		{"search_common_page3", catalog.ListQuery{Query: "초콜릿", Page: 3}},
		{"search_common_elsewhere", catalog.ListQuery{Query: "초콜릿", Category: "fashion"}},
		{"search_short_rare", catalog.ListQuery{Query: "zq"}},
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
