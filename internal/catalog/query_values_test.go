package catalog_test

import (
	"reflect"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
)

// Values is the inverse of ParseListQuery: parsing what it gives back
// yields the same query, and it names only the parameters that differ from
// the defaults.
func TestListQueryValues(t *testing.T) {
	t.Parallel()
	price := func(n int64) *int64 { return &n }
	tests := []struct {
		name string
		q    catalog.ListQuery
		want string
	}{
		{"defaults", catalog.ListQuery{Sort: catalog.SortNewest, Page: 1, PerPage: catalog.DefaultPerPage}, ""},
		{"zero value", catalog.ListQuery{}, ""},
		{"everything", catalog.ListQuery{Query: "다크 초콜릿", Category: "snacks", MinPrice: price(0), MaxPrice: price(50000),
			InStock: true, Featured: true, Sort: catalog.SortPriceDesc, Page: 3, PerPage: 7},
			"category=snacks&featured=true&in_stock=true&max_price=50000&min_price=0&page=3&per_page=7&q=%EB%8B%A4%ED%81%AC+%EC%B4%88%EC%BD%9C%EB%A6%BF&sort=price_desc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v := tt.q.Values()
			if got := v.Encode(); got != tt.want {
				t.Errorf("Values() = %s, want %s", got, tt.want)
			}
			back, err := catalog.ParseListQuery(v)
			if err != nil {
				t.Fatal(err)
			}
			want := tt.q
			if want.Sort == "" {
				want.Sort = catalog.SortNewest
			}
			if want.Page == 0 {
				want.Page = 1
			}
			if want.PerPage == 0 {
				want.PerPage = catalog.DefaultPerPage
			}
			if !reflect.DeepEqual(back, want) {
				t.Errorf("ParseListQuery(Values()) = %+v, want %+v", back, want)
			}
		})
	}
}
