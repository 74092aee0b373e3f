package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fault"
)

var now0 = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

func fixedNow() time.Time { return now0 }

func newService(t testing.TB) *catalog.Service {
	t.Helper()
	return catalog.NewService(dbtest.New(t), fixedNow, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
}

// shop is a small catalog for listing tests:
//
//	food (식품)        → choco (초콜릿), coffee (커피)
//	fashion (패션)
type shop struct {
	s                            *catalog.Service
	food, choco, coffee, fashion catalog.Category
	ids                          map[string]int64 // by product name
}

func mustCategory(t *testing.T, s *catalog.Service, c catalog.NewCategory) catalog.Category {
	t.Helper()
	got, err := s.CreateCategory(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func newShop(t *testing.T) *shop {
	t.Helper()
	s := newService(t)
	sh := &shop{s: s, ids: map[string]int64{}}
	sh.food = mustCategory(t, s, catalog.NewCategory{Slug: "food", Name: "식품", NameEN: "Food", Position: 1})
	sh.fashion = mustCategory(t, s, catalog.NewCategory{Slug: "fashion", Name: "패션", Position: 2})
	sh.coffee = mustCategory(t, s, catalog.NewCategory{ParentID: sh.food.ID, Slug: "coffee", Name: "커피", Position: 2})
	sh.choco = mustCategory(t, s, catalog.NewCategory{ParentID: sh.food.ID, Slug: "choco", Name: "초콜릿", Position: 1})
	return sh
}

type item struct {
	name, desc string
	cat        catalog.Category
	price      int64
	sale       *int64
	stock      int64
	featured   bool
	status     catalog.Status
	minute     int // created now0 + minute
}

func (sh *shop) add(t *testing.T, items ...item) {
	t.Helper()
	ps := make([]catalog.NewProduct, len(items))
	for i, it := range items {
		ps[i] = catalog.NewProduct{
			CategoryID: it.cat.ID, Name: it.name, Description: it.desc, Featured: it.featured, Status: it.status,
			CreatedAt: now0.Add(time.Duration(it.minute) * time.Minute),
			Variants:  []catalog.NewVariant{{SKU: "SKU-" + it.name, Price: it.price, SalePrice: it.sale, Stock: it.stock, Active: true}},
		}
	}
	ids, err := sh.s.CreateProducts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	for i, it := range items {
		sh.ids[it.name] = ids[i]
	}
}

func names(ps []catalog.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Name
	}
	return out
}

func listShop(t *testing.T) *shop {
	sh := newShop(t)
	sh.add(t,
		item{name: "다크초콜릿세트", desc: "<p>진한 카카오</p>", cat: sh.choco, price: 12900, stock: 5, featured: true, minute: 1},
		item{name: "밀크초콜릿", cat: sh.choco, price: 3000, sale: ptr[int64](2500), stock: 0, minute: 2},
		item{name: "원두커피", desc: "에티오피아 원두", cat: sh.coffee, price: 15000, stock: 3, minute: 3},
		item{name: "드립백커피", cat: sh.coffee, price: 9000, stock: 10, featured: true, minute: 4},
		item{name: "면 티셔츠", cat: sh.fashion, price: 19000, stock: 2, minute: 5},
		item{name: "초안 상품", cat: sh.choco, price: 100, stock: 1, status: catalog.Draft, minute: 6},
		item{name: "보관 상품", cat: sh.coffee, price: 100, stock: 1, status: catalog.Archived, minute: 7},
	)
	return sh
}

func TestList(t *testing.T) {
	t.Parallel()
	sh := listShop(t)
	tests := []struct {
		name  string
		q     catalog.ListQuery
		want  []string
		total int
	}{
		{"all newest", catalog.ListQuery{}, []string{"면 티셔츠", "드립백커피", "원두커피", "밀크초콜릿", "다크초콜릿세트"}, 5},
		{"price asc uses sale price", catalog.ListQuery{Sort: catalog.SortPriceAsc}, []string{"밀크초콜릿", "드립백커피", "다크초콜릿세트", "원두커피", "면 티셔츠"}, 5},
		{"price desc", catalog.ListQuery{Sort: catalog.SortPriceDesc}, []string{"면 티셔츠", "원두커피", "다크초콜릿세트", "드립백커피", "밀크초콜릿"}, 5},
		{"name", catalog.ListQuery{Sort: catalog.SortName}, []string{"다크초콜릿세트", "드립백커피", "면 티셔츠", "밀크초콜릿", "원두커피"}, 5},
		{"subtree", catalog.ListQuery{Category: "food"}, []string{"드립백커피", "원두커피", "밀크초콜릿", "다크초콜릿세트"}, 4},
		{"subtree by price", catalog.ListQuery{Category: "food", Sort: catalog.SortPriceAsc}, []string{"밀크초콜릿", "드립백커피", "다크초콜릿세트", "원두커피"}, 4},
		{"subtree by name", catalog.ListQuery{Category: "food", Sort: catalog.SortName}, []string{"다크초콜릿세트", "드립백커피", "밀크초콜릿", "원두커피"}, 4},
		{"leaf", catalog.ListQuery{Category: "coffee"}, []string{"드립백커피", "원두커피"}, 2},
		{"leaf without products", catalog.ListQuery{Category: "fashion"}, []string{"면 티셔츠"}, 1},
		{"in stock", catalog.ListQuery{Category: "choco", InStock: true}, []string{"다크초콜릿세트"}, 1},
		{"price range", catalog.ListQuery{MinPrice: ptr[int64](2500), MaxPrice: ptr[int64](12900), Sort: catalog.SortPriceAsc}, []string{"밀크초콜릿", "드립백커피", "다크초콜릿세트"}, 3},
		{"min only", catalog.ListQuery{MinPrice: ptr[int64](15000)}, []string{"면 티셔츠", "원두커피"}, 2},
		{"max only in subtree", catalog.ListQuery{Category: "food", MaxPrice: ptr[int64](9000)}, []string{"드립백커피", "밀크초콜릿"}, 2},
		{"featured", catalog.ListQuery{Featured: true}, []string{"드립백커피", "다크초콜릿세트"}, 2},
		{"featured in subtree", catalog.ListQuery{Featured: true, Category: "food", Sort: catalog.SortName}, []string{"다크초콜릿세트", "드립백커피"}, 2},
		{"empty range", catalog.ListQuery{MinPrice: ptr[int64](5), MaxPrice: ptr[int64](6)}, []string{}, 0},
		{"out of range paging normalised", catalog.ListQuery{Page: -3, PerPage: 1000, Sort: "bogus"}, []string{"면 티셔츠", "드립백커피", "원두커피", "밀크초콜릿", "다크초콜릿세트"}, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := sh.s.List(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res.Products); !slices.Equal(got, tt.want) {
				t.Errorf("products = %q, want %q", got, tt.want)
			}
			if res.Total != tt.total || res.Pages != 1 || res.Page != 1 {
				t.Errorf("total %d pages %d page %d, want %d, 1, 1", res.Total, res.Pages, res.Page, tt.total)
			}
		})
	}
	t.Run("fields", func(t *testing.T) {
		t.Parallel()
		res, err := sh.s.List(context.Background(), catalog.ListQuery{Category: "choco", Sort: catalog.SortPriceAsc})
		if err != nil {
			t.Fatal(err)
		}
		p := res.Products[0]
		if p.Name != "밀크초콜릿" || p.Price.Minor != 2500 || p.ListPrice.Minor != 3000 || !p.OnSale() ||
			p.InStock || p.SellerName != "말랑 직영" || p.SellerID == 0 ||
			p.CategoryID != sh.choco.ID || p.Image != nil || p.Price.Currency != "KRW" ||
			!p.CreatedAt.Equal(now0.Add(2*time.Minute)) || p.Status != catalog.Active || p.Type != catalog.Physical {
			t.Errorf("product = %+v", p)
		}
	})
	t.Run("unknown category", func(t *testing.T) {
		t.Parallel()
		_, err := sh.s.List(context.Background(), catalog.ListQuery{Category: "nope"})
		inv, ok := fault.AsInvalid(err)
		if !ok || inv.Fields["category"] != "unknown category" {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	// Seven products with the same date and price: only the id orders them.
	var items []item
	for i := range 7 {
		items = append(items, item{name: fmt.Sprintf("같은 상품 %d", i), cat: sh.coffee, price: 1000, stock: 1})
	}
	items = append(items, item{name: "다른 상품", cat: sh.choco, price: 1000, stock: 1})
	sh.add(t, items...)
	for _, sort := range []catalog.Sort{catalog.SortNewest, catalog.SortPriceAsc, catalog.SortPriceDesc} {
		for _, cat := range []string{"", "food", "coffee"} {
			t.Run(string(sort)+"/"+cat, func(t *testing.T) {
				t.Parallel()
				ctx := context.Background()
				all, err := sh.s.List(ctx, catalog.ListQuery{Sort: sort, Category: cat, PerPage: 100})
				if err != nil {
					t.Fatal(err)
				}
				var paged []string
				for page := 1; page <= (all.Total+2)/3+1; page++ {
					res, err := sh.s.List(ctx, catalog.ListQuery{Sort: sort, Category: cat, Page: page, PerPage: 3})
					if err != nil {
						t.Fatal(err)
					}
					wantPages := (all.Total + 2) / 3
					if res.Total != all.Total || res.Pages != wantPages || res.Page != page || res.PerPage != 3 {
						t.Fatalf("page %d: total %d pages %d, want %d, %d", page, res.Total, res.Pages, all.Total, wantPages)
					}
					if page > wantPages && len(res.Products) != 0 {
						t.Fatalf("page %d past the end has %d products", page, len(res.Products))
					}
					paged = append(paged, names(res.Products)...)
				}
				if !slices.Equal(paged, names(all.Products)) {
					t.Errorf("pages give %q, one page gives %q", paged, names(all.Products))
				}
				// Ties are broken by id, the same way in each direction.
				ids := make([]int64, len(all.Products))
				for i, p := range all.Products {
					ids[i] = p.ID
				}
				if sort == catalog.SortPriceAsc {
					if !slices.IsSorted(ids) {
						t.Errorf("ids %v not ascending", ids)
					}
				} else if !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) {
					t.Errorf("ids %v not descending", ids)
				}
			})
		}
	}
	t.Run("empty shop past the end", func(t *testing.T) {
		t.Parallel()
		s := newService(t)
		res, err := s.List(context.Background(), catalog.ListQuery{Page: 5})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Products) != 0 || res.Products == nil || res.Total != 0 || res.Pages != 1 || res.Page != 5 {
			t.Fatalf("result = %+v", res)
		}
	})
}

func TestSearch(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	sh.add(t,
		item{name: "다크초콜릿세트", cat: sh.choco, price: 12900, stock: 5, minute: 1},
		item{name: "밀크 초콜릿", desc: "<p>부드러운 <b>우유</b>맛</p>", cat: sh.choco, price: 3000, stock: 0, minute: 2},
		item{name: "Ethiopia Coffee Beans", desc: "산미가 좋은 원두", cat: sh.coffee, price: 15000, stock: 3, minute: 3},
		item{name: "할인 100% 쿠폰_세트", cat: sh.fashion, price: 500, stock: 3, minute: 4},
		item{name: "100 쿠폰 세트", cat: sh.fashion, price: 600, stock: 3, minute: 5},
		item{name: "숨은 초콜릿", cat: sh.choco, price: 1, stock: 1, status: catalog.Draft, minute: 6},
	)
	tests := []struct {
		name string
		q    catalog.ListQuery
		want []string
	}{
		{"substring in the middle of a word", catalog.ListQuery{Query: "초콜릿"}, []string{"밀크 초콜릿", "다크초콜릿세트"}},
		{"longer substring", catalog.ListQuery{Query: "크초콜릿세"}, []string{"다크초콜릿세트"}},
		{"two characters fall back", catalog.ListQuery{Query: "콜릿"}, []string{"밀크 초콜릿", "다크초콜릿세트"}},
		{"one character", catalog.ListQuery{Query: "크"}, []string{"밀크 초콜릿", "다크초콜릿세트"}},
		{"description text", catalog.ListQuery{Query: "우유맛"}, []string{"밀크 초콜릿"}},
		{"description three characters", catalog.ListQuery{Query: "산미가"}, []string{"Ethiopia Coffee Beans"}},
		{"two characters match names only", catalog.ListQuery{Query: "산미"}, []string{}},
		{"not the tags", catalog.ListQuery{Query: "<b>"}, []string{}},
		{"Latin ignores case", catalog.ListQuery{Query: "COFFEE beans"}, []string{"Ethiopia Coffee Beans"}},
		{"Latin short ignores case", catalog.ListQuery{Query: "eT"}, []string{"Ethiopia Coffee Beans", "할인 100% 쿠폰_세트", "100 쿠폰 세트"}[:1]},
		{"percent is literal", catalog.ListQuery{Query: "100%"}, []string{"할인 100% 쿠폰_세트"}},
		{"percent short", catalog.ListQuery{Query: "0%"}, []string{"할인 100% 쿠폰_세트"}},
		{"underscore is literal", catalog.ListQuery{Query: "폰_세"}, []string{"할인 100% 쿠폰_세트"}},
		{"underscore short", catalog.ListQuery{Query: "_세"}, []string{"할인 100% 쿠폰_세트"}},
		{"quote", catalog.ListQuery{Query: `"초콜릿"`}, []string{}},
		{"nothing matches", catalog.ListQuery{Query: "바나나우유"}, []string{}},
		{"with category", catalog.ListQuery{Query: "초콜릿", Category: "food", InStock: true}, []string{"다크초콜릿세트"}},
		{"with price sort", catalog.ListQuery{Query: "초콜릿", Sort: catalog.SortPriceAsc}, []string{"밀크 초콜릿", "다크초콜릿세트"}},
		{"with price range", catalog.ListQuery{Query: "세트", MaxPrice: ptr[int64](1000), Sort: catalog.SortName}, []string{"100 쿠폰 세트", "할인 100% 쿠폰_세트"}},
		{"with other category", catalog.ListQuery{Query: "초콜릿", Category: "coffee"}, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res, err := sh.s.List(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(res.Products); !slices.Equal(got, tt.want) {
				t.Errorf("products = %q, want %q", got, tt.want)
			}
			if res.Total != len(tt.want) {
				t.Errorf("total = %d, want %d", res.Total, len(tt.want))
			}
		})
	}
}

func TestSearchSeesUpdates(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	// Enough products that the totals are counted (and cached), not derived
	// from a short page.
	var items []item
	for i := range 5 {
		items = append(items, item{name: fmt.Sprintf("바닐라 라떼 %d", i), cat: sh.coffee, price: 1000, stock: 1, minute: i})
	}
	sh.add(t, items...)
	ctx := context.Background()
	id := sh.ids["바닐라 라떼 0"]
	total := func(q string) int {
		t.Helper()
		res, err := sh.s.List(ctx, catalog.ListQuery{Query: q, PerPage: 2})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	if n := total("바닐라"); n != 5 {
		t.Fatalf("before: %d hits, want 5", n)
	}
	if n := total("라떼"); n != 5 {
		t.Fatalf("before: %d hits, want 5", n)
	}
	if err := sh.s.UpdateProduct(ctx, id, catalog.ProductUpdate{Name: ptr("헤이즐넛 아메리카노")}); err != nil {
		t.Fatal(err)
	}
	if n := total("바닐라"); n != 4 {
		t.Errorf("old name: %d hits, want 4", n)
	}
	if n := total("라떼"); n != 4 {
		t.Errorf("old name, short query: %d hits, want 4", n)
	}
	res, err := sh.s.List(ctx, catalog.ListQuery{Query: "헤이즐넛"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Products) != 1 || res.Products[0].ID != id {
		t.Errorf("new name: %q", names(res.Products))
	}
	if err := sh.s.UpdateProduct(ctx, id, catalog.ProductUpdate{Description: ptr("<p>고소한 <i>마카다미아</i></p><script>x</script>")}); err != nil {
		t.Fatal(err)
	}
	res, err = sh.s.List(ctx, catalog.ListQuery{Query: "마카다미아"})
	if err != nil || len(res.Products) != 1 {
		t.Fatalf("new description: %v, %v", res.Products, err)
	}
	if n := total("헤이즐넛"); n != 1 {
		t.Errorf("name after description change: %d hits, want 1", n)
	}
	p, err := sh.s.Product(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if p.Description != "<p>고소한 <i>마카다미아</i></p>" {
		t.Errorf("description not sanitised: %q", p.Description)
	}
	// Hiding a product takes it out of listings and search at once.
	if err := sh.s.UpdateProduct(ctx, id, catalog.ProductUpdate{Status: ptr(catalog.Draft)}); err != nil {
		t.Fatal(err)
	}
	if n := total("헤이즐넛"); n != 0 {
		t.Errorf("draft found: %d", n)
	}
}

func TestUpdateProductErrors(t *testing.T) {
	t.Parallel()
	sh := listShop(t)
	ctx := context.Background()
	tests := []struct {
		name  string
		id    int64
		u     catalog.ProductUpdate
		field string
		want  error
	}{
		{"unknown id", 999999, catalog.ProductUpdate{Name: ptr("x")}, "", fault.ErrNotFound},
		{"empty name", sh.ids["원두커피"], catalog.ProductUpdate{Name: ptr("  ")}, "name", nil},
		{"bad status", sh.ids["원두커피"], catalog.ProductUpdate{Status: ptr(catalog.Status("gone"))}, "status", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := sh.s.UpdateProduct(ctx, tt.id, tt.u)
			if tt.want != nil {
				if !errors.Is(err, tt.want) {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				return
			}
			inv, ok := fault.AsInvalid(err)
			if !ok || inv.Fields[tt.field] == "" {
				t.Fatalf("err = %v, want invalid %s", err, tt.field)
			}
		})
	}
}
