package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// What staff set in the back office reaches the storefront: a product's
// own title and description for search engines, a product sold out by hand
// (shown, not buyable), and a hidden category (gone, with its products).
func TestStaffSettingsOnTheStorefront(t *testing.T) {
	t.Parallel()
	a := apptest.New(t, apptest.Options{Env: map[string]string{"MALLANG_BASE_URL": testBase}})
	f := catalogtest.Categories(t, a.Catalog)
	ctx := t.Context()
	by := audit.Actor{Email: "staff@example.com"}
	save := func(name, sku string, cat int64, st catalog.SaleState, seoTitle, seoDesc string) int64 {
		t.Helper()
		id, err := a.Catalog.SaveProduct(ctx, by, 0, catalog.ProductInput{CategoryID: cat, Name: name, Summary: "요약 " + name,
			State: st, Ships: true, Price: 10000, SEOTitle: seoTitle, SEODescription: seoDesc,
			Variants: []catalog.VariantInput{{SKU: sku, Stock: 5, Active: true}}})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	choco, coffee := f.Category(t, "chocolate"), f.Category(t, "coffee")
	seo := save("초콜릿 상자", "SEO-1", choco.ID, catalog.StateOnSale, "선물용 초콜릿 상자", "손으로 만든 초콜릿 24개")
	plain := save("밀크초콜릿", "SEO-2", choco.ID, catalog.StateOnSale, "", "")
	soldOut := save("품절 초콜릿", "SO-1", choco.ID, catalog.StateSoldOut, "", "")
	beans := save("원두", "BEAN-1", coffee.ID, catalog.StateOnSale, "", "")

	tests := []struct {
		name       string
		path       string
		want, lack []string
	}{
		{"own SEO title and description", "/products/" + id(seo), []string{
			"<title>선물용 초콜릿 상자 — " + shopName + "</title>",
			`<meta name="description" content="손으로 만든 초콜릿 24개">`,
		}, []string{"<title>초콜릿 상자 — "}},
		{"name and summary without them", "/products/" + id(plain), []string{
			"<title>밀크초콜릿 — " + shopName + "</title>", `<meta name="description" content="요약 밀크초콜릿">`,
		}, nil},
		{"sold out by hand is shown, not buyable", "/products/" + id(soldOut), []string{"품절 초콜릿", `data-testid="availability"`, "품절"},
			[]string{`data-testid="add-to-cart"`}},
		{"sold out by hand is listed", "/categories/chocolate", []string{"품절 초콜릿"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(t, a.Handler(), tt.path)
			if res.status != 200 {
				t.Fatalf("GET %s = %d", tt.path, res.status)
			}
			mustContain(t, res.body, tt.want...)
			for _, s := range tt.lack {
				if strings.Contains(res.body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}

	if err := a.Catalog.HideCategory(ctx, by, coffee.ID, true); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/categories/coffee", "/products/" + id(beans)} {
		if res := serve(t, a.Handler(), path); res.status != 404 {
			t.Errorf("GET %s with coffee hidden = %d, want 404", path, res.status)
		}
	}
	// The navigation's tree is cached for a minute (CategoryTTL).
	a.Clock.Advance(time.Minute + time.Second)
	home := serve(t, a.Handler(), "/")
	if strings.Contains(home.body, `/categories/coffee"`) {
		t.Error("the navigation links the hidden category")
	}
	if res := serve(t, a.Handler(), "/search?q=원두"); strings.Contains(res.body, "/products/"+id(beans)) {
		t.Error("search finds a product of the hidden category")
	}
}
