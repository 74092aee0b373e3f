//go:build e2e

package e2e

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/mallang/mallang/internal/catalog"
)

// Selectors of the search pages (internal/web listing.templ) and the back
// office's synonyms page (internal/backoffice synonyms.templ).
const (
	selSuggestions = `[data-testid="suggestions"]`
	selAddSynonym  = `[data-testid="add-synonym"]`
	selSynonymRow  = `[data-testid="synonym-row"]`
)

// giftSet is a product the search scenarios add, whose name spells the
// chocolate with a space where the demo's names have none.
const (
	giftSet   = "다크 초콜릿 선물 세트"
	giftSetEN = "Dark Chocolate Gift Set"
)

// TestSearch searches as people type, in one Chromium, on the engine dbtest
// picks: spacing does not matter, a spelling variant finds what staff made
// it a synonym of, a search without hits suggests the closest product
// names, and English names are searched and shown in English.
func TestSearch(t *testing.T) {
	s := startShop(t)
	browser := startBrowser(t)
	ctx := context.Background()
	cat, err := s.App.Catalog.CategoryBySlug(ctx, "chocolate-dessert")
	if err != nil {
		t.Fatalf("the demo's chocolate category: %v", err)
	}
	gift, err := s.App.Catalog.CreateProduct(ctx, catalog.NewProduct{
		CategoryID: cat.ID, Name: giftSet, NameEN: giftSetEN, Summary: "선물하기 좋은 상자에 담았습니다.",
		Variants: []catalog.NewVariant{{SKU: "GIFT-DARK-01", Price: 19900, Stock: 10, Active: true}},
	})
	if err != nil {
		t.Fatalf("add %s: %v", giftSet, err)
	}

	scenarios := []struct {
		name string
		run  func(t *testing.T, b *tab, s *shop)
	}{
		{"search-spacing", func(t *testing.T, b *tab, s *shop) { testSearchSpacing(t, b, s, gift) }},
		{"search-synonym", func(t *testing.T, b *tab, s *shop) { testSearchSynonym(t, b, s, browser) }},
		{"search-suggest", testSearchSuggest},
		{"search-english", func(t *testing.T, b *tab, s *shop) { testSearchEnglish(t, b, s, gift) }},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			b := newTab(t, browser, s.Base, sc.name)
			sc.run(t, b, s)
			b.checkHealthy()
		})
	}
}

// testSearchSpacing types "다크 초콜릿" and finds the products named
// "…다크초콜릿…", then types "다크초콜릿" and finds the one named "다크
// 초콜릿…": both searches show the same products.
func testSearchSpacing(t *testing.T, b *tab, s *shop, gift int64) {
	named := namesWith(b, s, func(d catalog.ProductDetail) string { return d.Name }, "다크초콜릿")
	var demo []string
	for id, name := range named {
		if strings.Contains(name, "다크초콜릿") {
			demo = append(demo, id)
		}
	}
	if len(demo) == 0 {
		b.fatalf("the demo catalog has no product named …다크초콜릿…; the scenario needs some")
	}
	if _, ok := named[strconv.FormatInt(gift, 10)]; !ok {
		b.fatalf("the gift set %d is not among the products named with 다크초콜릿: %v", gift, named)
	}

	var shown [][]string
	for _, tt := range []struct{ query, step string }{
		{"다크 초콜릿", ""},
		{"다크초콜릿", "reverse"},
	} {
		b.open("/")
		searchFor(b, tt.query)
		ids := resultIDs(b, tt.query)
		for id, name := range named {
			if !slices.Contains(ids, id) {
				b.fatalf("searching %q does not show product %s, %q (shows %v)", tt.query, id, name, ids)
			}
		}
		if n, ok := countIn(b.text(selHitCount)); !ok || n != len(ids) {
			b.fatalf("hit count %q for %d cards", b.text(selHitCount), len(ids))
		}
		slices.Sort(ids)
		shown = append(shown, ids)
		b.screenshot(tt.step)
	}
	if !slices.Equal(shown[0], shown[1]) {
		b.fatalf("“다크 초콜릿” finds %v but “다크초콜릿” finds %v", shown[0], shown[1])
	}
}

// testSearchSynonym: "쵸콜릿" finds nothing until staff make it a synonym
// of "초콜릿" on the back office's synonyms page; then it finds what
// "초콜릿" finds.
func testSearchSynonym(t *testing.T, b *tab, s *shop, browser context.Context) {
	const variant, word = "쵸콜릿", "초콜릿"
	b.open("/")
	searchFor(b, variant)
	if n := b.count(selCard); n != 0 {
		b.fatalf("before the synonym, %q shows %d products", variant, n)
	}
	searchFor(b, word)
	want := resultIDs(b, word)
	if len(want) == 0 {
		b.fatalf("searching %q shows no product", word)
	}

	staff := newTab(t, browser, s.Base, "search-synonym-staff")
	newStaff(staff, s, "search@mallang.example", "검색어를 돌보는 스태프의 비밀번호")
	staff.open(s.App.AdminPath() + "/catalog/synonyms")
	if n := staff.count(selSynonymRow); n != 0 {
		staff.fatalf("a new shop has %d synonyms", n)
	}
	staff.do("fill in the synonym",
		chromedp.SendKeys(chromedp.CSS(selAddSynonym+" "+field("term")), variant),
		chromedp.SendKeys(chromedp.CSS(selAddSynonym+" "+field("replacement")), word),
	)
	staff.follow("add the synonym", chromedp.Click(chromedp.CSS(selAddSynonym+" "+selSubmit)))
	if n := staff.count(`[data-testid="form-error"]`); n != 0 {
		staff.fatalf("the synonym was refused: %s", staff.text(`[data-testid="form-error"]`))
	}
	rows := staff.texts(selSynonymRow)
	if len(rows) != 1 || !strings.Contains(rows[0], variant) || !strings.Contains(rows[0], word) {
		staff.fatalf("the synonyms page lists %q, want %s → %s", rows, variant, word)
	}
	staff.screenshot("")
	staff.checkHealthy()

	b.open("/")
	searchFor(b, variant)
	got := resultIDs(b, variant)
	if !slices.Equal(got, want) {
		b.fatalf("with the synonym, %q shows %v, want what %q shows, %v", variant, got, word, want)
	}
	if v := get(b, "read the search box", chromedp.Value(chromedp.CSS(selSearchInput))); v != variant {
		b.fatalf("the search box shows %q, want what the customer typed, %q", v, variant)
	}
	b.screenshot("")
}

// testSearchSuggest searches for a misspelt name that finds nothing: the
// page suggests the closest product names as links, and following one
// leads to that product.
func testSearchSuggest(t *testing.T, b *tab, s *shop) {
	const typo = "다크초콜렛"
	res, err := s.App.Catalog.List(b.ctx, catalog.ListQuery{Query: typo})
	if err != nil || res.Total != 0 {
		b.fatalf("the scenario needs %q to find nothing: %v, %d hits", typo, err, res.Total)
	}
	b.open("/")
	searchFor(b, typo)
	if n := b.count(selCard); n != 0 {
		b.fatalf("%q shows %d products", typo, n)
	}
	names := b.texts(selSuggestions + " a")
	hrefs := b.attrs(selSuggestions+" a", "href")
	if len(names) == 0 || len(names) > catalog.MaxSuggestions {
		b.fatalf("the page suggests %q, want 1 to %d names", names, catalog.MaxSuggestions)
	}
	// The closest is a dark chocolate; the others share at least 초콜.
	if !strings.Contains(strings.ReplaceAll(names[0], " ", ""), "다크초콜릿") {
		b.fatalf("for %q the page suggests %q first, want a 다크초콜릿", typo, names)
	}
	for _, n := range names {
		if !strings.Contains(n, "초콜") {
			b.fatalf("for %q the page suggests %q, which is not close", typo, n)
		}
	}
	if sentence := b.text(selSuggestions + " p"); !strings.HasPrefix(sentence, "혹시 ‘"+names[0]+"’") || !strings.HasSuffix(sentence, "찾으셨나요?") {
		b.fatalf("the suggestion reads %q, want 혹시 ‘%s’…찾으셨나요?", sentence, names[0])
	}
	b.screenshot("")

	b.follow("click the first suggestion", chromedp.Click(chromedp.CSS(selSuggestions+" a")))
	if u := b.url(); u != b.base+hrefs[0] {
		b.fatalf("the suggestion went to %s, want %s", u, hrefs[0])
	}
	b.waitVisible(selCard)
	cards := b.texts(selCardName)
	i := slices.Index(cards, names[0])
	if i < 0 {
		b.fatalf("the suggestion %q leads to %q, without that product", names[0], cards)
	}
	id := b.attrs(selCard, "data-product-id")[i]
	b.follow("open the suggested product", chromedp.Click(chromedp.CSS(fmt.Sprintf(`%s[data-product-id="%s"] a`, selCard, id))))
	if h := b.text(selProductName); h != names[0] {
		b.fatalf("the suggested product's page is headed %q, want %q", h, names[0])
	}
	if d := product(b, b.ctx, s, id); d.Name != names[0] {
		b.fatalf("the page of product %s is headed %q but the product is %q", id, names[0], d.Name)
	}
	b.screenshot("product")
}

// testSearchEnglish switches to English and searches by English name: the
// products with it are found and shown by their English names, on the
// listing and on the product page.
func testSearchEnglish(t *testing.T, b *tab, s *shop, gift int64) {
	const query = "dark chocolate"
	named := namesWith(b, s, func(d catalog.ProductDetail) string { return d.NameEN }, "darkchocolate")
	if len(named) < 2 {
		b.fatalf("%d products have %q in their English name; the scenario needs the demo's and the gift set", len(named), query)
	}
	b.open("/?lang=en")
	if lang := b.htmlLang(); lang != "en" {
		b.fatalf(`html lang = %q with ?lang=en, want "en"`, lang)
	}
	searchFor(b, query)
	ids := resultIDs(b, query)
	cards := b.texts(selCardName)
	for id, name := range named {
		i := slices.Index(ids, id)
		if i < 0 {
			b.fatalf("searching %q does not show product %s, %q (shows %q)", query, id, name, cards)
		}
		if cards[i] != name {
			b.fatalf("product %s is shown as %q in English, want its English name %q", id, cards[i], name)
		}
	}
	count := b.text(selHitCount)
	if n, ok := countIn(count); !ok || n != len(ids) || !strings.Contains(count, query) {
		b.fatalf("hit count %q, want %d results for %q", count, len(ids), query)
	}
	b.screenshot("")

	card := fmt.Sprintf(`%s[data-product-id="%d"] a`, selCard, gift)
	b.follow("open the gift set", chromedp.Click(chromedp.CSS(card)))
	if h := b.text(selProductName); h != giftSetEN {
		b.fatalf("the product page in English is headed %q, want %q", h, giftSetEN)
	}
	b.screenshot("product")
}

// searchFor types query into the header's search box and submits it.
func searchFor(b *tab, query string) {
	b.t.Helper()
	b.waitVisible(selSearchInput)
	b.do("type "+query+" into the search box",
		chromedp.Clear(chromedp.CSS(selSearchInput)),
		chromedp.SendKeys(chromedp.CSS(selSearchInput), query))
	b.follow("search for "+query, chromedp.Click(chromedp.CSS(selSearchBtn)))
	if u := b.url(); !strings.HasPrefix(u, b.base+"/search?") {
		b.fatalf("searching %q went to %s, want /search", query, u)
	}
}

// resultIDs returns the products a search shows, in order; the search
// must fit on one page.
func resultIDs(b *tab, query string) []string {
	b.t.Helper()
	b.waitVisible(selHitCount)
	if b.count(selPagination) != 0 {
		b.fatalf("searching %q shows more than one page; the scenario needs fewer hits", query)
	}
	return b.attrs(selCard, "data-product-id")
}

// namesWith returns, by id, the name (as nameOf reads it) of every listed
// product whose name, without spaces and lower-cased, contains word,
// reading every product from the catalog service rather than searching.
func namesWith(b *tab, s *shop, nameOf func(catalog.ProductDetail) string, word string) map[string]string {
	b.t.Helper()
	out := map[string]string{}
	for page := 1; ; page++ {
		res, err := s.App.Catalog.List(b.ctx, catalog.ListQuery{Page: page, PerPage: catalog.MaxPerPage})
		if err != nil {
			b.fatalf("list products: %v", err)
		}
		for _, p := range res.Products {
			id := strconv.FormatInt(p.ID, 10)
			name := nameOf(product(b, b.ctx, s, id))
			if strings.Contains(strings.ToLower(strings.ReplaceAll(name, " ", "")), word) {
				out[id] = name
			}
		}
		if page >= res.Pages {
			return out
		}
	}
}
