package web_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// TestSearchPage checks what the search page finds and shows for what
// people type: other spacing, English names, and close names when nothing
// matches.
func TestSearchPage(t *testing.T) {
	t.Parallel()
	a := newShop(t)
	ctx := context.Background()
	pid, err := a.cat.CreateProduct(ctx, catalog.NewProduct{
		CategoryID: a.f.Category(t, "chocolate").ID, Name: "헤이즐넛 프랄린", NameEN: "Hazelnut Praline",
		Variants:  []catalog.NewVariant{{SKU: "PRALINE", Price: 9900, Stock: 3, Active: true}},
		CreatedAt: catalogtest.Base,
	})
	if err != nil {
		t.Fatal(err)
	}
	card := `data-product-id="` + id(pid) + `"`
	tests := []struct {
		name, path string
		want, not  []string
	}{
		{"other spacing", "/search?q=" + url.QueryEscape("헤이즐넛프랄린"), []string{card, "헤이즐넛 프랄린"}, nil},
		{"English name", "/search?q=" + url.QueryEscape("hazelnut pra"), []string{card}, nil},
		{"English name shown in English", "/search?q=" + url.QueryEscape("프랄린") + "&lang=en",
			[]string{card, `data-testid="product-name">Hazelnut Praline<`}, []string{">헤이즐넛 프랄린<"}},
		{"Korean name shown in Korean", "/search?q=" + url.QueryEscape("프랄린"),
			[]string{`data-testid="product-name">헤이즐넛 프랄린<`}, []string{">Hazelnut Praline<"}},
		{"product page in English", "/products/" + id(pid) + "?lang=en", []string{"<h1 data-testid=\"product-name\">Hazelnut Praline</h1>"}, nil},
		{"suggestion when nothing matches", "/search?q=" + url.QueryEscape("헤이즐럿 프랄린"), []string{
			`data-testid="suggestions"`, "혹시 ‘<a href=\"/search?q=" + url.QueryEscape("헤이즐넛 프랄린") + "\"", "헤이즐넛 프랄린</a>’을 찾으셨나요?",
		}, nil},
		{"suggestion in English", "/search?q=" + url.QueryEscape("헤이즐럿 프랄린") + "&lang=en", []string{
			`data-testid="suggestions"`, "Did you mean ‘<a", "헤이즐넛 프랄린</a>’?",
		}, nil},
		{"no suggestion when nothing is close", "/search?q=zzzzqqq", nil, []string{`data-testid="suggestions"`}},
		{"no suggestion when something matches", "/search?q=" + url.QueryEscape("프랄린"), nil, []string{`data-testid="suggestions"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			res := a.get(t, tt.path)
			if res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(res.body, n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
}

// TestSearchPageBoundedCount checks that a search with more hits than the
// catalog counts says "more than".
func TestSearchPageBoundedCount(t *testing.T) {
	t.Parallel()
	a := newShop(t)
	ps := make([]catalog.NewProduct, catalog.MaxSearchTotal+1)
	for i := range ps {
		ps[i] = catalog.NewProduct{CategoryID: a.f.Category(t, "chocolate").ID, Name: "마카롱 " + strconv.Itoa(i),
			Variants: []catalog.NewVariant{{SKU: "MAC-" + strconv.Itoa(i), Price: 1000, Stock: 1, Active: true}}}
	}
	if _, err := a.cat.CreateProducts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	res := a.get(t, "/search?q="+url.QueryEscape("마카롱"))
	if !strings.Contains(res.body, "‘마카롱’ 검색 결과 1,000개 이상") {
		t.Errorf("Korean count missing")
	}
	res = a.get(t, "/search?q="+url.QueryEscape("마카롱")+"&lang=en")
	if !strings.Contains(res.body, "More than 1,000 results for ‘마카롱’") {
		t.Errorf("English count missing")
	}
}
