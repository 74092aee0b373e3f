//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/app"
	"github.com/mallang/mallang/internal/catalog"
)

// Selectors of the storefront (internal/web templates).
const (
	selLogo         = `[data-testid="logo"]`
	selNavCategory  = `[data-testid="nav-category"]`
	selLangSwitch   = `[data-testid="lang-switch"]`
	selSearchInput  = `#site-q`
	selSearchBtn    = `header form[role="search"] button[type="submit"]`
	selFeatured     = `[data-testid="featured"]`
	selNew          = `[data-testid="new-products"]`
	selCard         = `[data-testid="product-card"]`
	selCardName     = `[data-testid="product-card"] [data-testid="product-name"]`
	selCardPrice    = `[data-testid="product-card"] [data-testid="price"] .now`
	selCrumbs       = `[data-testid="breadcrumbs"]`
	selHitCount     = `[data-testid="hit-count"]`
	selPagination   = `[data-testid="pagination"]`
	selPageNext     = `[data-testid="page-next"]`
	selPageCurrent  = `[data-testid="pagination"] a[aria-current="page"]`
	selSort         = `[data-testid="sort"]`
	selFilterApply  = `[data-testid="filters"] button[type="submit"]`
	selEmpty        = `[data-testid="empty"]`
	selProduct      = `[data-testid="product"]`
	selProductName  = `[data-testid="product"] h1[data-testid="product-name"]`
	selProductPrice = `[data-testid="product"] .product-info [data-testid="price"] .now`
	selOptionForm   = `[data-testid="option-form"]`
)

// chocolate is the Korean search word; the demo catalog has chocolate
// products such as "…다크초콜릿…".
const chocolate = "초콜릿"

// TestStorefront walks through the shop as a shopper does, in one headless
// Chromium, on the engine dbtest picks. Each scenario runs in its own tab
// and browser context (no shared cookies) and keeps a screenshot.
func TestStorefront(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)

	scenarios := []struct {
		name string
		run  func(t *testing.T, b *tab, s *shop)
	}{
		{"home", testHome},
		{"category", testCategory},
		{"search", testSearch},
		{"product", testProduct},
		{"language", testLanguage},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			b := newTab(t, browser, s.Base, sc.name)
			sc.run(t, b, s)
			b.checkHealthy()
		})
	}
}

// testHome opens the home page: the shop's name, the featured and the new
// products are there, as cards with a name, a price and an image.
func testHome(t *testing.T, b *tab, s *shop) {
	b.open("/")
	if got := b.text(selLogo); got != app.ShopName {
		b.fatalf("header shows shop name %q, want %q", got, app.ShopName)
	}
	if title := get(b, "read title", chromedp.Title()); !strings.Contains(title, app.ShopName) {
		b.fatalf("title %q does not name the shop %q", title, app.ShopName)
	}
	if lang := b.htmlLang(); lang != "ko" {
		b.fatalf(`html lang = %q for a Korean browser, want "ko"`, lang)
	}
	for _, sec := range []struct{ sel, heading string }{
		{selFeatured, "추천 상품"},
		{selNew, "신상품"},
	} {
		b.waitVisible(sec.sel + " " + selCard)
		if h := b.text(sec.sel + " h2"); h != sec.heading {
			b.fatalf("section %s is headed %q, want %q", sec.sel, h, sec.heading)
		}
		names := b.texts(sec.sel + " " + selCardName)
		prices := b.texts(sec.sel + " " + selCardPrice)
		if len(names) == 0 || len(names) != len(prices) {
			b.fatalf("section %s has %d card names and %d prices, want the same number > 0", sec.sel, len(names), len(prices))
		}
		for i, n := range names {
			if n == "" {
				b.fatalf("card %d of %s has no name", i+1, sec.sel)
			}
			if _, ok := parsePrice(prices[i]); !ok {
				b.fatalf("card %d of %s (%s) shows price %q, want digits and 원", i+1, sec.sel, n, prices[i])
			}
		}
		if imgs := b.count(sec.sel + " " + selCard + " img"); imgs == 0 {
			b.fatalf("no card in %s has an image", sec.sel)
		}
	}

	// The featured section shows featured products, as the catalog says.
	ids := b.attrs(selFeatured+" "+selCard, "data-product-id")
	ctx := b.ctx
	for _, id := range ids {
		d := product(b, ctx, s, id)
		if !d.Featured {
			b.fatalf("product %s (%s) is in the featured section but is not featured", id, d.Name)
		}
	}
	// The new section starts with the newest product.
	newest, err := s.App.Catalog.List(ctx, catalog.ListQuery{Sort: catalog.SortNewest, PerPage: 1})
	if err != nil || len(newest.Products) == 0 {
		b.fatalf("list newest product: %v (%d products)", err, len(newest.Products))
	}
	if first := b.attrs(selNew+" "+selCard, "data-product-id")[0]; first != strconv.FormatInt(newest.Products[0].ID, 10) {
		b.fatalf("first new product is %s, want the newest, %d (%s)", first, newest.Products[0].ID, newest.Products[0].Name)
	}
	b.screenshot("")

	// On a phone the page fits the screen: nothing scrolls sideways.
	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
	b.open("/")
	b.waitVisible(selSearchInput)
	b.waitVisible(selNew + " " + selCard)
	if w := eval[[]int](b, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		b.fatalf("on a 390 px wide phone the home page is %d px wide and scrolls sideways", w[0])
	}
	b.screenshot("mobile")
}

// testCategory browses a category from the navigation: breadcrumbs, the
// category's products, page 2, and the price-up sort.
func testCategory(t *testing.T, b *tab, s *shop) {
	ctx := b.ctx
	cat, total := bigCategory(b, ctx, s)
	b.open("/")
	link := fmt.Sprintf(`%s[href=%s]`, selNavCategory, jsString("/categories/"+url.PathEscape(cat.Slug)))
	b.waitVisible(link)
	if got := b.text(link); got != cat.Name {
		b.fatalf("navigation link of %s says %q, want %q", cat.Slug, got, cat.Name)
	}
	b.follow("click category "+cat.Name+" in the navigation", chromedp.Click(chromedp.CSS(link)))

	if h := b.text("main h1"); h != cat.Name {
		b.fatalf("category page heading %q, want %q", h, cat.Name)
	}
	b.waitVisible(selCrumbs)
	crumbs := b.texts(selCrumbs + " li")
	if want := []string{"홈", cat.Name}; !slices.Equal(crumbs, want) {
		b.fatalf("breadcrumbs %q, want %q", crumbs, want)
	}
	if cur := b.texts(selCrumbs + ` a[aria-current="page"]`); !slices.Equal(cur, []string{cat.Name}) {
		b.fatalf("current breadcrumb %q, want %q", cur, cat.Name)
	}
	if n, ok := countIn(b.text(selHitCount)); !ok || n != total {
		b.fatalf("hit count %q, want %d products", b.text(selHitCount), total)
	}

	// Page 1 shows the category's first page, as the catalog lists it.
	b.waitVisible(selCard)
	page1 := b.attrs(selCard, "data-product-id")
	perPage := len(page1)
	if perPage == 0 || perPage >= total {
		b.fatalf("page 1 has %d cards of %d products, want a full first page and more pages", perPage, total)
	}
	want1 := listIDs(b, ctx, s, catalog.ListQuery{Category: cat.Slug, Page: 1, PerPage: perPage})
	if !slices.Equal(page1, want1) {
		b.fatalf("page 1 shows products %v, want %v", page1, want1)
	}
	b.waitVisible(selPagination)
	if cur := b.text(selPageCurrent); cur != "1" {
		b.fatalf("pagination marks page %q as current, want 1", cur)
	}

	// Go to page 2 with the pagination.
	b.follow("click the next page link", chromedp.Click(chromedp.CSS(selPageNext)))
	if u := b.url(); !strings.Contains(u, "page=2") {
		b.fatalf("next page link went to %s, want page=2", u)
	}
	if cur := b.text(selPageCurrent); cur != "2" {
		b.fatalf("pagination marks page %q as current, want 2", cur)
	}
	b.waitVisible(selCard)
	page2 := b.attrs(selCard, "data-product-id")
	want2 := listIDs(b, ctx, s, catalog.ListQuery{Category: cat.Slug, Page: 2, PerPage: perPage})
	if !slices.Equal(page2, want2) {
		b.fatalf("page 2 shows products %v, want %v", page2, want2)
	}
	for _, id := range page2 {
		if slices.Contains(page1, id) {
			b.fatalf("product %s is on page 1 and on page 2", id)
		}
	}
	b.screenshot("page2")

	// Sort by price, cheapest first.
	b.do("choose the price-up sort",
		chromedp.SetValue(chromedp.CSS(selSort), string(catalog.SortPriceAsc)))
	b.follow("apply the sort", chromedp.Click(chromedp.CSS(selFilterApply)))
	if u := b.url(); !strings.Contains(u, "sort="+string(catalog.SortPriceAsc)) {
		b.fatalf("sorting went to %s, want sort=%s", u, catalog.SortPriceAsc)
	}
	if v := get(b, "read the sort", chromedp.Value(chromedp.CSS(selSort))); v != string(catalog.SortPriceAsc) {
		b.fatalf("sort select shows %q after sorting, want %q", v, catalog.SortPriceAsc)
	}
	if h := b.text("main h1"); h != cat.Name {
		b.fatalf("sorted page heading %q, want %q (the sort left the category)", h, cat.Name)
	}
	b.waitVisible(selCard)
	prices := cardPrices(b)
	if len(prices) < 2 {
		b.fatalf("sorted page has %d priced cards, want at least 2", len(prices))
	}
	if prices[0] > prices[1] {
		b.fatalf("price-up sort: first card costs %d, second %d", prices[0], prices[1])
	}
	if !slices.IsSorted(prices) {
		b.fatalf("price-up sort: card prices %v are not in ascending order", prices)
	}
	cheapest, err := s.App.Catalog.List(ctx, catalog.ListQuery{Category: cat.Slug, Sort: catalog.SortPriceAsc, PerPage: 1})
	if err != nil || len(cheapest.Products) == 0 {
		b.fatalf("list cheapest product: %v", err)
	}
	if prices[0] != cheapest.Products[0].Price.Minor {
		b.fatalf("first sorted card costs %d, want the category's cheapest, %d", prices[0], cheapest.Products[0].Price.Minor)
	}
	b.screenshot("")
}

// testSearch searches in Korean from the header's search box, then for
// words nothing matches.
func testSearch(t *testing.T, b *tab, s *shop) {
	ctx := b.ctx
	want, err := s.App.Catalog.List(ctx, catalog.ListQuery{Query: chocolate, PerPage: 1})
	if err != nil {
		b.fatalf("catalog search %q: %v", chocolate, err)
	}
	if want.Total == 0 {
		b.fatalf("the demo catalog has no product with %q; the scenario needs some", chocolate)
	}
	// The search finds every product with the word, read one by one.
	if n := len(productsContaining(b, ctx, s, chocolate)); n != want.Total {
		b.fatalf("%d products have %q in their name or description, but the catalog search finds %d", n, chocolate, want.Total)
	}

	b.open("/")
	b.waitVisible(selSearchInput)
	b.do("type "+chocolate+" into the search box", chromedp.SendKeys(chromedp.CSS(selSearchInput), chocolate))
	b.follow("submit the search", chromedp.Click(chromedp.CSS(selSearchBtn)))

	if u := b.url(); !strings.HasPrefix(u, b.base+"/search?") || !strings.Contains(u, "q="+url.QueryEscape(chocolate)) {
		b.fatalf("search went to %s, want /search?q=%s", u, url.QueryEscape(chocolate))
	}
	if v := get(b, "read the search box", chromedp.Value(chromedp.CSS(selSearchInput))); v != chocolate {
		b.fatalf("search box shows %q after searching, want %q", v, chocolate)
	}
	count := b.text(selHitCount)
	if n, ok := countIn(count); !ok || n != want.Total || !strings.Contains(count, chocolate) {
		b.fatalf("hit count %q, want %d results for %q", count, want.Total, chocolate)
	}
	b.waitVisible(selCard)
	names := b.texts(selCardName)
	ids := b.attrs(selCard, "data-product-id")
	if len(names) == 0 || len(names) != len(ids) {
		b.fatalf("search shows %d names for %d cards", len(names), len(ids))
	}
	if !strings.Contains(names[0], chocolate) {
		b.fatalf("first result %q does not contain %q", names[0], chocolate)
	}
	for i, id := range ids {
		if strings.Contains(names[i], chocolate) {
			continue
		}
		d := product(b, ctx, s, id)
		if !strings.Contains(d.Description, chocolate) && !strings.Contains(d.Summary, chocolate) {
			b.fatalf("result %d, %q (product %s), has %q neither in its name nor in its description", i+1, names[i], id, chocolate)
		}
	}
	b.screenshot("")

	// Words nothing matches: an empty-result message, no cards.
	const nothing = "없는상품검색어"
	b.do("clear the search box", chromedp.Clear(chromedp.CSS(selSearchInput)))
	b.do("type "+nothing, chromedp.SendKeys(chromedp.CSS(selSearchInput), nothing))
	b.follow("submit the search for "+nothing, chromedp.Click(chromedp.CSS(selSearchBtn)))
	msg := b.text(selEmpty)
	if !strings.Contains(msg, "조건에 맞는 상품이 없습니다") || !strings.Contains(msg, "다른 검색어로") {
		b.fatalf("empty search says %q, want the no-results message and a hint to try other words", msg)
	}
	if n := b.count(selCard); n != 0 {
		b.fatalf("empty search shows %d product cards", n)
	}
	if n, ok := countIn(b.text(selHitCount)); !ok || n != 0 {
		b.fatalf("empty search hit count %q, want 0", b.text(selHitCount))
	}
	b.screenshot("empty")
}

// testProduct opens products from listings: a card's product page repeats
// its name and price; a product with options offers a select per option with its
// stock, and choosing one shows its price; a sold-out product says 품절.
func testProduct(t *testing.T, b *tab, s *shop) {
	ctx := b.ctx
	optioned, soldOut := interestingProducts(b, ctx, s)

	// From the home page, the first new product.
	b.open("/")
	first := selNew + " " + selCard
	b.waitVisible(first)
	cardName := b.text(first + ` [data-testid="product-name"]`)
	cardPrice := b.text(first + ` [data-testid="price"] .now`)
	b.follow("click the first new product", chromedp.Click(chromedp.CSS(first+" a")))
	if !strings.Contains(b.url(), "/products/") {
		b.fatalf("clicking a card went to %s, want a product page", b.url())
	}
	if h := b.text(selProductName); h != cardName {
		b.fatalf("product page is headed %q, want the card's name %q", h, cardName)
	}
	if p := b.text(selProductPrice); p != cardPrice {
		b.fatalf("product page price %q, want the card's %q", p, cardPrice)
	}
	b.waitVisible(selProduct + ` [data-testid="main-image"]`)

	// A product with options, found by searching its name.
	openFromSearch(b, optioned.ID, optioned.Name)
	if h := b.text(selProductName); h != optioned.Name {
		b.fatalf("product page is headed %q, want %q", h, optioned.Name)
	}
	if p := b.text(selProductPrice); p != optioned.Price.Korean() {
		b.fatalf("product page leads with price %q, want the lowest, %q", p, optioned.Price.Korean())
	}
	if crumbs := b.texts(selCrumbs + " li"); len(crumbs) < 2 || crumbs[0] != "홈" {
		b.fatalf("product breadcrumbs %q, want 홈 and the category path", crumbs)
	}
	// One select per option, offering the values of the active variants;
	// a value none of them can be bought in is disabled and says 품절.
	var active []catalog.Variant
	for _, v := range optioned.Variants {
		if v.Active {
			active = append(active, v)
		}
	}
	b.waitVisible(selOptionForm + " select")
	if n := b.count(selOptionForm + " select"); n != len(optioned.Options) {
		b.fatalf("product page has %d selects, want one per option (%d)", n, len(optioned.Options))
	}
	for _, o := range optioned.Options {
		sel := fmt.Sprintf(`%s select[name="option%d"]`, selOptionForm, o.Position)
		var want []string
		for _, v := range active {
			if val := v.Options[o.Position-1]; val != "" && !slices.Contains(want, val) {
				want = append(want, val)
			}
		}
		values := b.attrs(sel+` option:not([value=""])`, "value")
		if !slices.Equal(values, want) {
			b.fatalf("the %s select offers %q, want %q", o.Name, values, want)
		}
		if o.Position != 1 {
			continue // later selects depend on the first choice
		}
		labels := optionTexts(b, sel)[1:]
		for i, val := range values {
			buyable := slices.ContainsFunc(active, func(v catalog.Variant) bool { return v.Options[0] == val && v.Buyable() })
			if !buyable && !strings.Contains(labels[i], "품절") {
				b.fatalf("%s %q can not be bought but reads %q", o.Name, val, labels[i])
			}
			if buyable && strings.Contains(labels[i], "품절") {
				b.fatalf("%s %q can be bought but reads %q", o.Name, val, labels[i])
			}
		}
	}
	// Choose a variant that can be bought: the page shows its price and
	// stock.
	if i := slices.IndexFunc(active, func(v catalog.Variant) bool { return v.Buyable() }); i >= 0 {
		v := active[i]
		for _, o := range optioned.Options {
			choose(b, fmt.Sprintf(`%s select[name="option%d"]`, selOptionForm, o.Position), v.Options[o.Position-1])
		}
		if sel := b.text(`[data-testid="selected-variant"]`); !strings.Contains(sel, v.SKU) {
			b.fatalf("selected variant says %q, want SKU %s", sel, v.SKU)
		}
		if p := b.text(selProductPrice); p != v.Effective().Korean() {
			b.fatalf("chosen variant costs %q on the page, want %q", p, v.Effective().Korean())
		}
		b.waitVisible(`[data-testid="availability"]`)
	}
	b.screenshot("")

	// A sold-out product: its card and its page say 품절, and nothing can
	// be chosen.
	b.open("/search?q=" + url.QueryEscape(soldOut.Name))
	card := fmt.Sprintf(`%s[data-product-id="%d"]`, selCard, soldOut.ID)
	b.waitVisible(card)
	if badge := b.texts(card + " .badge-soldout"); !slices.Equal(badge, []string{"품절"}) {
		b.fatalf("sold-out card of %d has badge %q, want 품절", soldOut.ID, badge)
	}
	openFromSearch(b, soldOut.ID, soldOut.Name)
	if h := b.text(selProductName); h != soldOut.Name {
		b.fatalf("product page is headed %q, want %q", h, soldOut.Name)
	}
	if n := b.count(selOptionForm); n > 0 {
		if enabled := b.count(selOptionForm + ` option:not([value=""]):not([disabled])`); enabled != 0 {
			b.fatalf("sold-out product %d has %d options one can choose", soldOut.ID, enabled)
		}
	}
	if page := b.text(selProduct + " .product-info"); !strings.Contains(page, "품절") {
		b.fatalf("sold-out product %d (%s) does not say 품절: %q", soldOut.ID, soldOut.Name, page)
	}
	b.screenshot("soldout")
}

// openFromSearch searches for name and clicks the card of product id.
func openFromSearch(b *tab, id int64, name string) {
	b.t.Helper()
	b.open("/search?q=" + url.QueryEscape(name))
	card := fmt.Sprintf(`%s[data-product-id="%d"] a`, selCard, id)
	b.waitVisible(card)
	b.follow(fmt.Sprintf("click the card of product %d", id), chromedp.Click(chromedp.CSS(card)))
	if u := b.url(); !strings.HasPrefix(u, fmt.Sprintf("%s/products/%d", b.base, id)) {
		b.fatalf("the card of product %d went to %s", id, u)
	}
}

// testLanguage switches the shop to English, follows a link, and switches
// back.
func testLanguage(t *testing.T, b *tab, s *shop) {
	b.open("/")
	b.waitVisible(selLangSwitch)
	if lang := b.htmlLang(); lang != "ko" {
		b.fatalf(`html lang = %q before switching, want "ko"`, lang)
	}
	if btn := b.text(selSearchBtn); btn != "검색" {
		b.fatalf("search button says %q, want 검색", btn)
	}
	if sw := b.text(selLangSwitch); sw != "English" {
		b.fatalf("language switch says %q, want English", sw)
	}

	b.follow("click the language switch", chromedp.Click(chromedp.CSS(selLangSwitch)))
	if lang := b.htmlLang(); lang != "en" {
		b.fatalf(`html lang = %q after switching to English, want "en"`, lang)
	}
	if btn := b.text(selSearchBtn); btn != "Search" {
		b.fatalf("search button says %q in English, want Search", btn)
	}
	if h := b.text(selNew + " h2"); h != "New arrivals" {
		b.fatalf("new products heading %q in English, want New arrivals", h)
	}
	if sw := b.text(selLangSwitch); sw != "한국어" {
		b.fatalf("language switch says %q in English, want 한국어", sw)
	}
	b.screenshot("")

	// The choice holds on the next page, reached by a link without ?lang.
	link := selNavCategory
	href := b.attrs(link, "href")
	if len(href) == 0 || strings.Contains(href[0], "lang=") {
		b.fatalf("navigation links %q, want links without lang=", href)
	}
	b.follow("click a category after switching", chromedp.Click(chromedp.CSS(link)))
	if lang := b.htmlLang(); lang != "en" {
		b.fatalf(`html lang = %q on the next page, want "en": the choice was not kept`, lang)
	}
	if l := b.text(`label[for="f-sort"]`); l != "Sort" {
		b.fatalf("sort label %q on the next page, want Sort", l)
	}
	if crumb := b.texts(selCrumbs + " li"); len(crumb) == 0 || crumb[0] != "Home" {
		b.fatalf("breadcrumbs %q on the next page, want Home first", crumb)
	}
	b.screenshot("next")

	// And back to Korean, which also holds.
	b.follow("switch back to Korean", chromedp.Click(chromedp.CSS(selLangSwitch)))
	if lang := b.htmlLang(); lang != "ko" {
		b.fatalf(`html lang = %q after switching back, want "ko"`, lang)
	}
	if l := b.text(`label[for="f-sort"]`); l != "정렬" {
		b.fatalf("sort label %q after switching back, want 정렬", l)
	}
	b.follow("go home by the logo", chromedp.Click(chromedp.CSS(selLogo)))
	if lang := b.htmlLang(); lang != "ko" {
		b.fatalf(`html lang = %q on the home page after switching back, want "ko"`, lang)
	}
	if btn := b.text(selSearchBtn); btn != "검색" {
		b.fatalf("search button says %q after switching back, want 검색", btn)
	}
}

// bigCategory finds a top-level category with more products than fit on
// one page, so that it has a page 2.
func bigCategory(b *tab, ctx context.Context, s *shop) (*catalog.Category, int) {
	b.t.Helper()
	roots, err := s.App.Catalog.Categories(ctx)
	if err != nil {
		b.fatalf("categories: %v", err)
	}
	var best *catalog.Category
	bestN := 0
	for _, c := range roots {
		res, err := s.App.Catalog.List(ctx, catalog.ListQuery{Category: c.Slug, PerPage: 1})
		if err != nil {
			b.fatalf("list category %s: %v", c.Slug, err)
		}
		if res.Total > bestN {
			best, bestN = c, res.Total
		}
	}
	if best == nil || bestN <= catalog.DefaultPerPage {
		b.fatalf("no top-level category has more than %d products (the largest has %d); the demo catalog is too small", catalog.DefaultPerPage, bestN)
	}
	return best, bestN
}

// interestingProducts finds, through the catalog service, an in-stock
// product with options and several variants, and a sold-out product.
func interestingProducts(b *tab, ctx context.Context, s *shop) (optioned, soldOut catalog.ProductDetail) {
	b.t.Helper()
	var haveOpt, haveSold bool
	for page := 1; !haveOpt || !haveSold; page++ {
		res, err := s.App.Catalog.List(ctx, catalog.ListQuery{Sort: catalog.SortNewest, Page: page, PerPage: catalog.MaxPerPage})
		if err != nil {
			b.fatalf("list products: %v", err)
		}
		for _, p := range res.Products {
			if !haveSold && !p.InStock {
				soldOut, haveSold = product(b, ctx, s, strconv.FormatInt(p.ID, 10)), true
			}
			if !haveOpt && p.InStock {
				d := product(b, ctx, s, strconv.FormatInt(p.ID, 10))
				if len(d.Options) > 0 && len(d.Variants) > 1 {
					optioned, haveOpt = d, true
				}
			}
		}
		if page >= res.Pages {
			break
		}
	}
	if !haveOpt || !haveSold {
		b.fatalf("the demo catalog needs a product with options (found: %v) and a sold-out product (found: %v)", haveOpt, haveSold)
	}
	return optioned, soldOut
}

// productsContaining returns the ids of the active products whose name or
// description contains word, reading every product from the catalog
// service rather than searching.
func productsContaining(b *tab, ctx context.Context, s *shop, word string) []int64 {
	b.t.Helper()
	var ids []int64
	for page := 1; ; page++ {
		res, err := s.App.Catalog.List(ctx, catalog.ListQuery{Page: page, PerPage: catalog.MaxPerPage})
		if err != nil {
			b.fatalf("list products: %v", err)
		}
		for _, p := range res.Products {
			d := product(b, ctx, s, strconv.FormatInt(p.ID, 10))
			if strings.Contains(d.Name, word) || strings.Contains(d.Description, word) {
				ids = append(ids, p.ID)
			}
		}
		if page >= res.Pages {
			return ids
		}
	}
}

// product reads a product from the catalog service.
func product(b *tab, ctx context.Context, s *shop, id string) catalog.ProductDetail {
	b.t.Helper()
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		b.fatalf("card has product id %q", id)
	}
	d, err := s.App.Catalog.Product(ctx, n)
	if err != nil {
		b.fatalf("catalog product %d: %v", n, err)
	}
	return d
}

// listIDs is one page of a listing from the catalog service, as card ids.
func listIDs(b *tab, ctx context.Context, s *shop, q catalog.ListQuery) []string {
	b.t.Helper()
	res, err := s.App.Catalog.List(ctx, q)
	if err != nil {
		b.fatalf("list %+v: %v", q, err)
	}
	ids := make([]string, len(res.Products))
	for i, p := range res.Products {
		ids[i] = strconv.FormatInt(p.ID, 10)
	}
	return ids
}

// cardPrices reads what each card on the page costs, in won.
func cardPrices(b *tab) []int64 {
	b.t.Helper()
	var ps []int64
	for _, s := range b.texts(selCardPrice) {
		p, ok := parsePrice(s)
		if !ok {
			b.fatalf("card price %q is not a price", s)
		}
		ps = append(ps, p)
	}
	return ps
}

var priceRE = regexp.MustCompile(`^([0-9]{1,3}(?:,[0-9]{3})*)원$`)

// parsePrice reads a won amount as the Korean shop shows it: 12,900원.
func parsePrice(s string) (int64, bool) {
	m := priceRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
	return n, err == nil
}

var countRE = regexp.MustCompile(`([0-9][0-9,]*)\s*(?:개|results?|products?)`)

// countIn reads the number out of a hit count: "상품 31개", "‘초콜릿’ 검색
// 결과 7개", "7 results for ‘chocolate’".
func countIn(s string) (int, bool) {
	m := countRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n, err == nil
}
