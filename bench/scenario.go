package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/db"
)

// scenario is one kind of request, measured on its own: the paths are sent
// in turn.
type scenario struct {
	name  string
	paths []string
	note  string // what the paths are, for the progress lines and the docs
}

// selected reports whether -only picks the scenario: by its name or a
// prefix of it ("search" picks search-common and search-rare).
func (s scenario) selected(only []string) bool {
	if len(only) == 0 {
		return true
	}
	for _, o := range only {
		if strings.HasPrefix(s.name, o) {
			return true
		}
	}
	return false
}

func (s scenario) urls(base string) []string {
	u := make([]string, len(s.paths))
	for i, p := range s.paths {
		u[i] = base + p
	}
	return u
}

func (s scenario) describe() string { return s.note }

// maxProductPaths caps how many product ids the product scenario rotates over.
const maxProductPaths = 1000

// discover reads the seeded catalog from the database and the running
// server at base and returns the scenarios: the biggest top-level category
// (its first and last page), the search texts with their hit counts, and
// product ids spread over the whole catalog. Counts come from the API's
// X-Total-Count, so they are what the shop itself counts.
func discover(ctx context.Context, dbURL, base string, client *http.Client, cfg config) ([]scenario, error) {
	d, err := db.Open(ctx, dbURL, db.Options{MaxReaders: 2})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	q := d.Read()
	cnt := counter{q: q, base: base, client: client}

	type topCategory struct {
		Slug  string `db:"slug"`
		Count int    `db:"n"`
	}
	var tops []topCategory
	err = q.SelectContext(ctx, &tops, `
WITH RECURSIVE tree (root, id) AS (
    SELECT id, id FROM categories WHERE parent_id IS NULL
    UNION ALL
    SELECT tree.root, c.id FROM categories c JOIN tree ON c.parent_id = tree.id
)
SELECT c.slug AS slug, COUNT(p.id) AS n
FROM categories c
JOIN tree ON tree.root = c.id
JOIN products p ON p.category_id = tree.id AND p.status = 'active' AND p.deleted_at IS NULL
GROUP BY c.slug
ORDER BY n DESC, c.slug`)
	if err != nil {
		return nil, fmt.Errorf("find the top-level categories: %w", err)
	}
	if len(tops) == 0 {
		return nil, fmt.Errorf("the seeded catalog has no category with active products")
	}
	perPage := catalog.DefaultPerPage
	pages := map[string]int{}
	for i := range tops {
		if n, err := cnt.api(ctx, url.Values{"category": {tops[i].Slug}}); err == nil {
			tops[i].Count = n
		}
		pages[tops[i].Slug] = max(1, (tops[i].Count+perPage-1)/perPage)
	}
	cat := tops[0]
	last := pages[cat.Slug]

	var ids []int64
	if err := q.SelectContext(ctx, &ids, `SELECT id FROM products WHERE status = 'active' AND deleted_at IS NULL ORDER BY id`); err != nil {
		return nil, fmt.Errorf("list product ids: %w", err)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("the seeded catalog has no active products")
	}
	step := max(1, len(ids)/maxProductPaths)
	var productPaths []string
	for i := 0; i < len(ids) && len(productPaths) < maxProductPaths; i += step {
		productPaths = append(productPaths, "/products/"+strconv.FormatInt(ids[i], 10))
	}

	commonHits, err := cnt.hits(ctx, cfg.common)
	if err != nil {
		return nil, err
	}
	rare, rareHits := cfg.rare, 0
	if rare == "" {
		rare, rareHits, err = rareWord(ctx, q, cnt, ids)
	} else {
		rareHits, err = cnt.hits(ctx, rare)
	}
	if err != nil {
		return nil, err
	}

	mixes, err := searchMixes(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	mix, all := mixPaths(pages)
	mixNote := ""
	if len(mix) < all {
		mixNote = fmt.Sprintf(", a random sample of %d", all)
	}
	search := func(text string) string { return "/search?" + url.Values{"q": {text}}.Encode() }
	return append([]scenario{
		{name: "home", paths: []string{"/"}, note: "GET /"},
		{name: "category-first", paths: []string{"/categories/" + cat.Slug},
			note: fmt.Sprintf("/categories/%s, %d products in its subtree, page 1", cat.Slug, cat.Count)},
		{name: "category-deep", paths: []string{fmt.Sprintf("/categories/%s?page=%d", cat.Slug, last)},
			note: fmt.Sprintf("/categories/%s?page=%d, the last page", cat.Slug, last)},
		{name: "category-mix", paths: mix,
			note: fmt.Sprintf("every page of the %d top-level categories in all %d sorts, shuffled (%d addresses%s), so most requests miss the listing cache", len(tops), len(listSorts), len(mix), mixNote)},
		{name: "search-common", paths: []string{search(cfg.common)},
			note: fmt.Sprintf("/search?q=%s, %d hits", cfg.common, commonHits)},
		{name: "search-rare", paths: []string{search(rare)},
			note: fmt.Sprintf("/search?q=%s, %d hits", rare, rareHits)},
		{name: "product", paths: productPaths,
			note: fmt.Sprintf("/products/{id} over %d ids spread over the catalog", len(productPaths))},
		{name: "api-list", paths: []string{"/api/v1/products"},
			note: "GET /api/v1/products, first page, newest first"},
		{name: "api-category", paths: []string{"/api/v1/products?" + url.Values{"category": {cat.Slug}}.Encode()},
			note: fmt.Sprintf("GET /api/v1/products?category=%s", cat.Slug)},
	}, mixes...), nil
}

// counter counts listings through the API, or the database when the API
// gives no count.
type counter struct {
	q      db.Querier
	base   string
	client *http.Client
}

// api returns the X-Total-Count of GET /api/v1/products with the query v.
func (c counter) api(ctx context.Context, v url.Values) (int, error) {
	v.Set("per_page", "1")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/products?"+v.Encode(), nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d", req.URL, resp.StatusCode)
	}
	return strconv.Atoi(resp.Header.Get("X-Total-Count"))
}

// hits counts the products a search for text finds.
func (c counter) hits(ctx context.Context, text string) (int, error) {
	if n, err := c.api(ctx, url.Values{"q": {text}}); err == nil {
		return n, nil
	}
	return searchHits(ctx, c.q, text)
}

// searchHits counts the active products whose name or description holds
// text as a substring, close to what the storefront search finds.
func searchHits(ctx context.Context, q db.Querier, text string) (int, error) {
	var n int
	like := "%" + text + "%"
	err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM products
WHERE status = 'active' AND deleted_at IS NULL AND (name LIKE ? OR description LIKE ?)`), like, like)
	if err != nil {
		return 0, fmt.Errorf("count hits of %q: %w", text, err)
	}
	return n, nil
}

// rareWord picks, among the words of three or more letters in the names of
// a sample of products and the pairs of adjacent words, the Korean text that
// hits the fewest products (at least one), so the rare search still uses
// the search index.
func rareWord(ctx context.Context, q db.Querier, cnt counter, ids []int64) (string, int, error) {
	seen := map[string]bool{}
	best, bestHits, bestHangul := "", 0, false
	step := max(1, len(ids)/10)
	for i := 0; i < len(ids) && len(seen) < 30; i += step {
		var name string
		if err := q.GetContext(ctx, &name, q.Rebind(`SELECT name FROM products WHERE id = ?`), ids[i]); err != nil {
			return "", 0, fmt.Errorf("read product %d: %w", ids[i], err)
		}
		words := strings.Fields(name)
		var candidates []string
		for j, w := range words {
			if j > 0 {
				candidates = append(candidates, words[j-1]+" "+w)
			}
			candidates = append(candidates, w)
		}
		for _, w := range candidates {
			if utf8.RuneCountInString(w) < 3 || seen[w] {
				continue
			}
			seen[w] = true
			n, err := cnt.hits(ctx, w)
			if err != nil {
				return "", 0, err
			}
			if n == 0 {
				continue
			}
			// Prefer Korean text: the search is meant for it.
			r, _ := utf8.DecodeRuneInString(w)
			hangul := unicode.Is(unicode.Hangul, r)
			if best == "" || (hangul && !bestHangul) || (hangul == bestHangul && n < bestHits) {
				best, bestHits, bestHangul = w, n, hangul
			}
		}
	}
	if best == "" {
		return "", 0, fmt.Errorf("no word of three or more letters in the product names; give -search-rare")
	}
	return best, bestHits, nil
}

// listSorts are the storefront's listing orders.
var listSorts = []catalog.Sort{catalog.SortNewest, catalog.SortPriceAsc, catalog.SortPriceDesc, catalog.SortName,
	catalog.SortRating, catalog.SortReviews, catalog.SortBest}

// maxMixPaths caps the addresses of category-mix: at 100,000 products every
// page in every sort is some 30,000 addresses, more than a run can warm or
// the bare server should hold.
const maxMixPaths = 3000

// mixPaths lists every page of every category in pages (slug → last page)
// in every sort, shuffled so that neighbouring requests ask for different
// listings, and cut to a random sample of maxMixPaths; it returns the paths
// and how many there were before the cut.
func mixPaths(pages map[string]int) ([]string, int) {
	var paths []string
	for _, slug := range slices.Sorted(maps.Keys(pages)) {
		for page := 1; page <= pages[slug]; page++ {
			for _, s := range listSorts {
				paths = append(paths, fmt.Sprintf("/categories/%s?sort=%s&page=%d", slug, s, page))
			}
		}
	}
	all := len(paths)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(paths), func(i, j int) { paths[i], paths[j] = paths[j], paths[i] })
	if len(paths) > maxMixPaths {
		paths = paths[:maxMixPaths]
	}
	return paths, all
}
