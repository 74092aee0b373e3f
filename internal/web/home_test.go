package web_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/seed"
)

// sectionIDs returns the ids of the product cards in the home section
// whose data-testid is testid, in order.
func sectionIDs(t *testing.T, body, testid string) []int64 {
	t.Helper()
	start := strings.Index(body, `data-testid="`+testid+`"`)
	if start < 0 {
		return nil
	}
	end := strings.Index(body[start:], `</section>`)
	if end < 0 {
		t.Fatalf("section %s is not closed", testid)
	}
	var ids []int64
	for _, m := range regexp.MustCompile(`data-product-id="(\d+)"`).FindAllStringSubmatch(body[start:start+end], -1) {
		id, _ := strconv.ParseInt(m[1], 10, 64)
		ids = append(ids, id)
	}
	return ids
}

// Over the demo catalog, with the two newest products featured and one of
// them sold out, the home page features products that can be bought, and
// no product shows in both sections.
func TestHomeSections(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	a := apptest.New(t, apptest.Options{})
	if _, err := seed.Run(ctx, a.Catalog, a.Media, seed.Options{Products: 120, Rand: 3, Now: a.Clock.Now()}, nil); err != nil {
		t.Fatal(err)
	}
	roots, err := a.Catalog.Categories(ctx)
	if err != nil || len(roots) == 0 || len(roots[0].Children) == 0 {
		t.Fatalf("categories = %v, %v", roots, err)
	}
	newest := func(sku string, stock int64) int64 {
		t.Helper()
		id, err := a.Catalog.CreateProduct(ctx, catalog.NewProduct{
			CategoryID: roots[0].Children[0].ID, Name: "새 상품 " + sku, Featured: true,
			Variants: []catalog.NewVariant{{SKU: sku, Price: 12900, Stock: stock, Active: true}},
		})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	soldOut := newest("HOME-SOLDOUT", 0)
	fresh := newest("HOME-FRESH", 5)

	body := serve(t, a.Handler(), "/").body
	featured, newer := sectionIDs(t, body, "featured"), sectionIDs(t, body, "new-products")
	if len(featured) < 2 || len(newer) != 8 {
		t.Fatalf("%d featured and %d new products, want at least 2 and 8", len(featured), len(newer))
	}
	if slices.Contains(featured, soldOut) {
		t.Errorf("the sold-out product %d is featured", soldOut)
	}
	if !slices.Contains(featured, fresh) {
		t.Errorf("the newest featured product %d is not featured: %v", fresh, featured)
	}
	for _, id := range featured {
		if slices.Contains(newer, id) {
			t.Errorf("product %d shows in both sections", id)
		}
		p, err := a.Catalog.Product(ctx, id)
		if err != nil || !p.InStock || !p.Featured {
			t.Errorf("featured product %d: in stock %v, featured %v, %v", id, p.InStock, p.Featured, err)
		}
	}
}
