package api_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// These tests run the catalog endpoints through the whole shop (apptest),
// its catalog seeded by catalogtest, and check what a client receives.

const seedProducts = 40

// How long the catalog endpoints let caches keep their answers.
const (
	cacheListing  = "public, max-age=60"
	cacheProduct  = "public, max-age=60"
	cacheCategory = "public, max-age=300"
)

// seeded returns the handler of a test shop whose catalog holds n
// catalogtest products, its catalog service and the fixture.
func seeded(t testing.TB, n int) (http.Handler, *catalog.Service, catalogtest.Fixture) {
	t.Helper()
	shop := apptest.New(t, apptest.Options{})
	f := catalogtest.Seed(t, shop.Catalog, n)
	return shop.Handler(), shop.Catalog, f
}

// model is catalogtest product i as the listing should show it.
type model struct {
	i        int
	name     string
	price    int64 // what a buyer pays
	leaf     int
	inStock  bool
	featured bool
}

func models(f catalogtest.Fixture, n int) []model {
	ms := make([]model, n)
	for i := range n {
		p := catalogtest.Product(i, 0)
		price := p.Variants[0].Price
		if sp := p.Variants[0].SalePrice; sp != nil {
			price = *sp
		}
		ms[i] = model{i: i, name: p.Name, price: price, leaf: i % len(f.Leaves), inStock: p.Variants[0].Stock > 0, featured: p.Featured}
	}
	return ms
}

// pageBody is a listing as a client decodes it.
type pageBody struct {
	Items []struct {
		ID        int64     `json:"id"`
		URL       string    `json:"url"`
		Name      string    `json:"name"`
		Price     api.Money `json:"price"`
		ListPrice api.Money `json:"list_price"`
		InStock   bool      `json:"in_stock"`
		Featured  bool      `json:"featured"`
	} `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Pages   int `json:"pages"`
}

func TestListProducts(t *testing.T) {
	t.Parallel()
	mux, _, f := seeded(t, seedProducts)
	all := models(f, seedProducts)
	index := map[int64]int{}
	for i, id := range f.Products {
		index[id] = i
	}
	food := map[int]bool{} // leaves under "food"
	for i, l := range f.Leaves {
		if l.ParentID == f.Category(t, "food").ID {
			food[i] = true
		}
	}
	newest := func(a, b model) int { return cmp.Compare(b.i, a.i) }
	byPrice := func(a, b model) int { return cmp.Or(cmp.Compare(a.price, b.price), cmp.Compare(a.i, b.i)) }

	tests := []struct {
		name  string
		query string
		keep  func(model) bool
		order func(a, b model) int
	}{
		{"default", "", nil, newest},
		{"search korean", "q=" + url.QueryEscape("초콜릿"), func(m model) bool { return strings.Contains(m.name, "초콜릿") }, newest},
		{"search short", "q=" + url.QueryEscape("쿠키"), func(m model) bool { return strings.Contains(m.name, "쿠키") }, newest},
		{"root category includes subtree", "category=food", func(m model) bool { return food[m.leaf] }, newest},
		{"leaf category", "category=coffee", func(m model) bool { return f.Leaves[m.leaf].Slug == "coffee" }, newest},
		{"empty category", "category=digital", func(model) bool { return false }, newest},
		{"min price", "min_price=15000", func(m model) bool { return m.price >= 15000 }, newest},
		{"max price", "max_price=5000", func(m model) bool { return m.price <= 5000 }, newest},
		{"price range", "min_price=5000&max_price=15000", func(m model) bool { return m.price >= 5000 && m.price <= 15000 }, newest},
		{"in stock", "in_stock=true", func(m model) bool { return m.inStock }, newest},
		{"featured", "featured=1", func(m model) bool { return m.featured }, newest},
		{"sort newest", "sort=newest", nil, newest},
		{"sort price asc", "sort=price_asc", nil, byPrice},
		{"sort price desc", "sort=price_desc", nil, func(a, b model) int { return byPrice(b, a) }},
		{"sort name", "sort=name", nil, func(a, b model) int { return strings.Compare(a.name, b.name) }},
		{"combined", "category=food&in_stock=yes&sort=price_asc&max_price=20000", func(m model) bool {
			return food[m.leaf] && m.inStock && m.price <= 20000
		}, byPrice},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var want []model
			for _, m := range all {
				if tt.keep == nil || tt.keep(m) {
					want = append(want, m)
				}
			}
			slices.SortStableFunc(want, tt.order)

			rec := get(t, mux, http.MethodGet, "/api/v1/products?per_page=100&"+tt.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := rec.Header().Get("Cache-Control"); cc != cacheListing {
				t.Errorf("Cache-Control = %q", cc)
			}
			var got pageBody
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got.Items == nil {
				t.Fatalf("items is null, want a list: %s", rec.Body)
			}
			var gotNames, wantNames []string
			for _, it := range got.Items {
				gotNames = append(gotNames, it.Name)
				m := all[index[it.ID]]
				if it.Price.Amount != m.price || it.Price.Currency != "KRW" || it.Price.Formatted != fmt.Sprintf("₩%s", thousands(m.price)) {
					t.Errorf("%s: price %+v, want %d", it.Name, it.Price, m.price)
				}
				if it.URL != fmt.Sprintf("%s/api/v1/products/%d", testBaseURL, it.ID) {
					t.Errorf("%s: url %q", it.Name, it.URL)
				}
			}
			for _, m := range want {
				wantNames = append(wantNames, m.name)
			}
			if !slices.Equal(gotNames, wantNames) {
				t.Errorf("items\n got %q\nwant %q", gotNames, wantNames)
			}
			if got.Total != len(want) || got.Page != 1 || got.PerPage != 100 || got.Pages != 1 {
				t.Errorf("total %d page %d per_page %d pages %d, want total %d on one page", got.Total, got.Page, got.PerPage, got.Pages, len(want))
			}
		})
	}
}

// thousands formats n with commas, independently of money.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func TestListPagination(t *testing.T) {
	t.Parallel()
	mux, _, _ := seeded(t, seedProducts) // 40 products: 6 pages of 7
	link := func(page int, rel string) string {
		return fmt.Sprintf(`<%s/api/v1/products?page=%d&per_page=7>; rel="%s"`, testBaseURL, page, rel)
	}
	tests := []struct {
		name      string
		query     string
		items     int
		page      int
		perPage   int
		links     []string
		firstName string
	}{
		{"defaults", "", 24, 1, catalog.DefaultPerPage, nil, catalogtest.Product(seedProducts-1, 0).Name},
		{"first", "per_page=7", 7, 1, 7, []string{link(1, "first"), link(2, "next"), link(6, "last")}, ""},
		{"middle", "per_page=7&page=3", 7, 3, 7, []string{link(1, "first"), link(2, "prev"), link(4, "next"), link(6, "last")}, ""},
		{"last, partial", "per_page=7&page=6", 5, 6, 7, []string{link(1, "first"), link(5, "prev"), link(6, "last")}, ""},
		{"past the end", "per_page=7&page=7", 0, 7, 7, []string{link(1, "first"), link(6, "last")}, ""},
		{"far past the end", "per_page=7&page=1000000", 0, 1000000, 7, []string{link(1, "first"), link(6, "last")}, ""},
		{"one per page", "per_page=1&page=40", 1, 40, 1, nil, catalogtest.Product(0, 0).Name},
		{"max per page", "per_page=100", seedProducts, 1, 100, nil, ""},
		{"padded numbers", "per_page=+7&page=%202", 7, 2, 7, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := get(t, mux, http.MethodGet, "/api/v1/products?"+tt.query)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got pageBody
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			pages := (seedProducts + tt.perPage - 1) / tt.perPage
			if got.Items == nil || len(got.Items) != tt.items || got.Total != seedProducts || got.Page != tt.page || got.PerPage != tt.perPage || got.Pages != pages {
				t.Errorf("%d items, total %d, page %d, per_page %d, pages %d; want %d, %d, %d, %d, %d",
					len(got.Items), got.Total, got.Page, got.PerPage, got.Pages, tt.items, seedProducts, tt.page, tt.perPage, pages)
			}
			if tc := rec.Header().Get("X-Total-Count"); tc != fmt.Sprint(seedProducts) {
				t.Errorf("X-Total-Count = %q", tc)
			}
			if tt.links != nil {
				if l := rec.Header().Get("Link"); l != strings.Join(tt.links, ", ") {
					t.Errorf("Link\n got %s\nwant %s", l, strings.Join(tt.links, ", "))
				}
			}
			if tt.firstName != "" && (len(got.Items) == 0 || got.Items[0].Name != tt.firstName) {
				t.Errorf("first item %+v, want %q", got.Items, tt.firstName)
			}
		})
	}
}

func TestListInvalid(t *testing.T) {
	t.Parallel()
	mux, _, _ := seeded(t, 3)
	tests := []struct {
		name  string
		query string
		want  []string // locations, sorted
	}{
		{"page -1", "page=-1", []string{"query.page"}},
		{"page 0", "page=0", []string{"query.page"}},
		{"page abc", "page=abc", []string{"query.page"}},
		{"page huge", "page=99999999999999999999", []string{"query.page"}},
		{"per_page 1000", "per_page=1000", []string{"query.per_page"}},
		{"per_page 0", "per_page=0", []string{"query.per_page"}},
		{"sort bogus", "sort=bogus", []string{"query.sort"}},
		{"min above max", "min_price=5000&max_price=1000", []string{"query.min_price"}},
		{"negative price", "max_price=-1", []string{"query.max_price"}},
		{"price not a number", "min_price=1e3", []string{"query.min_price"}},
		{"q of 2,000 characters", "q=" + strings.Repeat("가", 2000), []string{"query.q"}},
		{"in_stock maybe", "in_stock=maybe", []string{"query.in_stock"}},
		{"unknown category", "category=nope", []string{"query.category"}},
		{"several at once", "page=abc&per_page=1000&sort=bogus", []string{"query.page", "query.per_page", "query.sort"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := get(t, mux, http.MethodGet, "/api/v1/products?"+tt.query)
			p := decodeProblem(t, rec, http.StatusUnprocessableEntity)
			var got []string
			for _, e := range p.Errors {
				got = append(got, e.Location)
				if e.Message == "" {
					t.Errorf("%s has no message", e.Location)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("errors at %v, want %v: %s", got, tt.want, rec.Body)
			}
			if p.Instance != "/api/v1/products" {
				t.Errorf("instance = %q", p.Instance)
			}
			if len(rec.Body.String()) > 2000 {
				t.Errorf("problem echoes the input: %d bytes", rec.Body.Len())
			}
		})
	}
}

// detailBody is a product detail as a client decodes it.
type detailBody struct {
	ID              int64             `json:"id"`
	Name            string            `json:"name"`
	Description     string            `json:"description"`
	Type            string            `json:"type"`
	Price           api.Money         `json:"price"`
	ListPrice       api.Money         `json:"list_price"`
	OnSale          bool              `json:"on_sale"`
	DiscountPercent int64             `json:"discount_percent"`
	InStock         bool              `json:"in_stock"`
	Image           *json.RawMessage  `json:"image"`
	CategoryPath    []api.CategoryRef `json:"category_path"`
	Options         []api.Option      `json:"options"`
	Variants        []struct {
		SKU       string            `json:"sku"`
		Options   map[string]string `json:"options"`
		Price     api.Money         `json:"price"`
		SalePrice *api.Money        `json:"sale_price"`
		Stock     int64             `json:"stock"`
		Active    bool              `json:"active"`
		Buyable   bool              `json:"buyable"`
	} `json:"variants"`
	Images []api.Image `json:"images"`
}

func getDetail(t *testing.T, mux http.Handler, id int64) detailBody {
	t.Helper()
	rec := get(t, mux, http.MethodGet, fmt.Sprintf("/api/v1/products/%d", id))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if cc := rec.Header().Get("Cache-Control"); cc != cacheProduct {
		t.Errorf("Cache-Control = %q", cc)
	}
	var d detailBody
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestProductDetail(t *testing.T) {
	t.Parallel()
	mux, s, f := seeded(t, 8)
	ctx := context.Background()
	// Product 3 has a 사이즈 option and two images: one with thumbnails, one
	// still waiting for them.
	if _, err := s.AddImage(ctx, f.Products[3], catalog.NewImage{Key: "products/3/front side.png", ContentType: "image/png", Width: 1200, Height: 900, Alt: "앞면", ThumbsReady: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddImage(ctx, f.Products[3], catalog.NewImage{Key: "products/3/back.jpg", ContentType: "image/jpeg", Width: 800, Height: 800}); err != nil {
		t.Fatal(err)
	}

	t.Run("options, variants and images", func(t *testing.T) {
		t.Parallel()
		d := getDetail(t, mux, f.Products[3])
		if d.Name != "든든한 면 티셔츠 3" || d.Type != "physical" || !strings.Contains(d.Description, "<b>말랑</b>") {
			t.Errorf("name %q type %q description %q", d.Name, d.Type, d.Description)
		}
		if len(d.CategoryPath) != 2 || d.CategoryPath[0].Slug != "fashion" || d.CategoryPath[1].Slug != "tops" {
			t.Errorf("category_path = %+v", d.CategoryPath)
		}
		if len(d.Options) != 1 || d.Options[0].Name != "사이즈" || strings.Join(d.Options[0].Values, ",") != "S,M,L" {
			t.Errorf("options = %+v", d.Options)
		}
		if len(d.Variants) != 3 {
			t.Fatalf("variants = %+v", d.Variants)
		}
		for i, want := range []struct {
			sku, size string
			price     int64
		}{{"CT-3-1", "S", 6500}, {"CT-3-2", "M", 6500}, {"CT-3-3", "L", 7500}} {
			v := d.Variants[i]
			if v.SKU != want.sku || v.Options["사이즈"] != want.size || v.Price != (api.Money{want.price, "KRW", "₩" + thousands(want.price)}) ||
				v.SalePrice != nil || v.Stock != 10 || !v.Active || !v.Buyable {
				t.Errorf("variant %d = %+v, want %+v", i, v, want)
			}
		}
		if d.Price.Amount != 6500 || d.ListPrice.Amount != 6500 || d.OnSale || d.DiscountPercent != 0 || !d.InStock {
			t.Errorf("price %+v list %+v on_sale %v discount %d in_stock %v", d.Price, d.ListPrice, d.OnSale, d.DiscountPercent, d.InStock)
		}
		want := []api.Image{
			{
				URL: testBaseURL + "/media/products/3/front%20side.png", Width: 1200, Height: 900, Alt: "앞면", ThumbnailsReady: true,
				Thumbnails: map[string]string{
					"sm": testBaseURL + "/media/thumbs/sm/products/3/front%20side.jpg",
					"md": testBaseURL + "/media/thumbs/md/products/3/front%20side.jpg",
					"lg": testBaseURL + "/media/thumbs/lg/products/3/front%20side.jpg",
				},
			},
			{
				URL: testBaseURL + "/media/products/3/back.jpg", Width: 800, Height: 800,
				Thumbnails: map[string]string{
					"sm": testBaseURL + "/media/products/3/back.jpg",
					"md": testBaseURL + "/media/products/3/back.jpg",
					"lg": testBaseURL + "/media/products/3/back.jpg",
				},
			},
		}
		gotJSON, _ := json.Marshal(d.Images)
		wantJSON, _ := json.Marshal(want)
		if string(gotJSON) != string(wantJSON) {
			t.Errorf("images\n got %s\nwant %s", gotJSON, wantJSON)
		}
		if d.Image == nil || !strings.Contains(string(*d.Image), "front%20side.png") {
			t.Errorf("image = %v, want the first image", d.Image)
		}
	})

	t.Run("on sale", func(t *testing.T) {
		t.Parallel()
		d := getDetail(t, mux, f.Products[4]) // 25,000 won, 10 % off
		if d.Price != (api.Money{22500, "KRW", "₩22,500"}) || d.ListPrice != (api.Money{25000, "KRW", "₩25,000"}) || !d.OnSale || d.DiscountPercent != 10 {
			t.Errorf("price %+v list %+v on_sale %v discount %d", d.Price, d.ListPrice, d.OnSale, d.DiscountPercent)
		}
		if len(d.Variants) != 1 || d.Variants[0].SalePrice == nil || d.Variants[0].SalePrice.Amount != 22500 {
			t.Errorf("variants = %+v", d.Variants)
		}
		if d.Image != nil || d.Images == nil || len(d.Images) != 0 || d.Options == nil || len(d.Options) != 0 {
			t.Errorf("image %v images %v options %v, want none as empty lists", d.Image, d.Images, d.Options)
		}
	})

	t.Run("sold out", func(t *testing.T) {
		t.Parallel()
		d := getDetail(t, mux, f.Products[6])
		if d.InStock || d.Variants[0].Stock != 0 || d.Variants[0].Buyable || !d.Variants[0].Active {
			t.Errorf("in_stock %v variants %+v", d.InStock, d.Variants)
		}
	})

	for _, tt := range []struct {
		id     string
		status int
	}{
		{"999999", http.StatusNotFound},
		{"0", http.StatusNotFound},
		{"-1", http.StatusNotFound},
		{"abc", http.StatusUnprocessableEntity},
		{"1.5", http.StatusUnprocessableEntity},
		{"99999999999999999999", http.StatusUnprocessableEntity},
		{"%E2%82%A9", http.StatusUnprocessableEntity},
	} {
		t.Run("id "+tt.id, func(t *testing.T) {
			t.Parallel()
			p := decodeProblem(t, get(t, mux, http.MethodGet, "/api/v1/products/"+tt.id), tt.status)
			if tt.status == http.StatusUnprocessableEntity && (len(p.Errors) != 1 || p.Errors[0].Location != "path.id") {
				t.Errorf("errors = %+v, want one at path.id", p.Errors)
			}
		})
	}
}

func TestCategories(t *testing.T) {
	t.Parallel()
	mux, _, _ := seeded(t, 0)
	rec := get(t, mux, http.MethodGet, "/api/v1/categories")
	if rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != cacheCategory {
		t.Fatalf("status %d, Cache-Control %q: %s", rec.Code, rec.Header().Get("Cache-Control"), rec.Body)
	}
	var got api.CategoryTree
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	var lines []string
	var walk func(cs []api.Category, depth int)
	walk = func(cs []api.Category, depth int) {
		for _, c := range cs {
			lines = append(lines, fmt.Sprintf("%s%s %s %s", strings.Repeat("  ", depth), c.Slug, c.Name, c.NameEN))
			if c.ProductsURL != testBaseURL+"/api/v1/products?category="+c.Slug {
				t.Errorf("%s: products_url %q", c.Slug, c.ProductsURL)
			}
			if c.Children == nil {
				t.Errorf("%s: children is null, want a list", c.Slug)
			}
			walk(c.Children, depth+1)
		}
	}
	walk(got.Items, 0)
	want := []string{
		"food 식품 Food", "  chocolate 초콜릿 Chocolate", "  coffee 커피 Coffee", "  snack 과자 Snacks",
		"fashion 패션 Fashion", "  tops 상의 Tops", "  shoes 신발 Shoes",
		"living 리빙 Living", "  kitchen 주방 Kitchen", "  bath 욕실 Bath",
		"digital 디지털 Digital",
	}
	if !slices.Equal(lines, want) {
		t.Errorf("tree\n got %q\nwant %q", lines, want)
	}
}

// BenchmarkListProducts measures a listing through the whole API stack —
// parsing, the catalog query on the test engine, JSON — over 1,000 products:
// the second page of a category, cheapest first.
func BenchmarkListProducts(b *testing.B) {
	mux, _, _ := seeded(b, 1000)
	const target = "/api/v1/products?category=food&sort=price_asc&page=2&per_page=24"
	if rec := get(b, mux, http.MethodGet, target); rec.Code != http.StatusOK {
		b.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	b.ReportAllocs()
	for b.Loop() {
		if rec := get(b, mux, http.MethodGet, target); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}
