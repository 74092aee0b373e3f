package catalog_test

import (
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
)

func ptr[T any](v T) *T { return &v }

func TestParseListQuery(t *testing.T) {
	t.Parallel()
	def := catalog.ListQuery{Sort: catalog.SortNewest, Page: 1, PerPage: catalog.DefaultPerPage}
	with := func(f func(q *catalog.ListQuery)) catalog.ListQuery {
		q := def
		f(&q)
		return q
	}
	long := strings.Repeat("가", 10000)
	tests := []struct {
		name    string
		query   string
		want    catalog.ListQuery
		invalid []string // fields named in *fault.Invalid; nil means no error
	}{
		{"empty", "", def, nil},
		{"everything", "q=+초콜릿+&category=food&min_price=1000&max_price=5000&in_stock=1&featured=true&sort=price_desc&page=3&per_page=50",
			catalog.ListQuery{Query: "초콜릿", Category: "food", MinPrice: ptr[int64](1000), MaxPrice: ptr[int64](5000),
				InStock: true, Featured: true, Sort: catalog.SortPriceDesc, Page: 3, PerPage: 50}, nil},
		{"page -1", "page=-1", def, []string{"page"}},
		{"page abc", "page=abc", def, []string{"page"}},
		{"page 0", "page=0", def, []string{"page"}},
		{"page huge", "page=99999999999999999999", def, []string{"page"}},
		{"page too large", "page=1000001", def, []string{"page"}},
		{"per_page above max", "per_page=101", def, []string{"per_page"}},
		{"per_page 0", "per_page=0", def, []string{"per_page"}},
		{"per_page abc", "per_page=x", def, []string{"per_page"}},
		{"per_page max", "per_page=100", with(func(q *catalog.ListQuery) { q.PerPage = 100 }), nil},
		{"unknown sort", "sort=popular", def, []string{"sort"}},
		{"sort name", "sort=name", with(func(q *catalog.ListQuery) { q.Sort = catalog.SortName }), nil},
		{"min above max", "min_price=5000&max_price=1000", def, []string{"min_price"}},
		{"min equals max", "min_price=1000&max_price=1000",
			with(func(q *catalog.ListQuery) { q.MinPrice, q.MaxPrice = ptr[int64](1000), ptr[int64](1000) }), nil},
		{"negative min", "min_price=-5", def, []string{"min_price"}},
		{"bad max", "max_price=1e3", def, []string{"max_price"}},
		{"bad min keeps good max", "min_price=x&max_price=10", with(func(q *catalog.ListQuery) { q.MaxPrice = ptr[int64](10) }), []string{"min_price"}},
		{"in_stock true", "in_stock=true", with(func(q *catalog.ListQuery) { q.InStock = true }), nil},
		{"in_stock on", "in_stock=on", with(func(q *catalog.ListQuery) { q.InStock = true }), nil},
		{"in_stock 0", "in_stock=0", def, nil},
		{"in_stock false", "in_stock=false", def, nil},
		{"in_stock empty", "in_stock=", def, nil},
		{"in_stock bad", "in_stock=maybe", def, []string{"in_stock"}},
		{"long q", "q=" + long, with(func(q *catalog.ListQuery) { q.Query = strings.Repeat("가", catalog.MaxQueryRunes) }), []string{"q"}},
		{"q with control characters", "q=%00a%01b%0A", with(func(q *catalog.ListQuery) { q.Query = "a b" }), nil},
		{"q invalid utf-8", "q=%ff%fe초콜릿", with(func(q *catalog.ListQuery) { q.Query = "초콜릿" }), nil},
		{"several bad", "page=abc&sort=x&per_page=1000&min_price=9&max_price=1",
			def, []string{"min_price", "page", "per_page", "sort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := catalog.ParseListQuery(v)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("query = %+v, want %+v", got, tt.want)
			}
			if tt.invalid == nil {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			var inv *fault.Invalid
			if !errors.As(err, &inv) {
				t.Fatalf("err = %v, want *fault.Invalid", err)
			}
			if len(inv.Fields) != len(tt.invalid) {
				t.Errorf("invalid fields = %v, want %v", inv.Fields, tt.invalid)
			}
			for _, f := range tt.invalid {
				if inv.Fields[f] == "" {
					t.Errorf("no message for %q in %v", f, inv.Fields)
				}
			}
		})
	}
	t.Run("min above max message", func(t *testing.T) {
		t.Parallel()
		_, err := catalog.ParseListQuery(url.Values{"min_price": {"5"}, "max_price": {"1"}})
		inv, _ := fault.AsInvalid(err)
		if inv == nil || inv.Fields["min_price"] != "must not be above max_price" {
			t.Fatalf("err = %v", err)
		}
	})
}
