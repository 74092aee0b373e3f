package catalog

import (
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
)

// Sort orders a listing. Every order ends with the product id, so equal keys
// keep the same order from page to page.
type Sort string

// The listing orders. SortNewest is the default.
const (
	SortNewest    Sort = "newest"     // created_at, newest first
	SortPriceAsc  Sort = "price_asc"  // price a buyer pays, cheapest first
	SortPriceDesc Sort = "price_desc" // price a buyer pays, dearest first
	SortName      Sort = "name"       // name by Unicode code point (가나다 order for Korean)
	SortRating    Sort = "rating"     // average review rating, highest first
	SortReviews   Sort = "reviews"    // number of visible reviews, most first
	SortBest      Sort = "best"       // quantity sold less refunded, most first (best-selling)
)

// Valid reports whether s is one of the listing orders.
func (s Sort) Valid() bool {
	switch s {
	case SortNewest, SortPriceAsc, SortPriceDesc, SortName, SortRating, SortReviews, SortBest:
		return true
	}
	return false
}

// Listing limits.
const (
	DefaultPerPage = 24
	MaxPerPage     = 100
	MaxQueryRunes  = 100     // longer search text is cut to this many characters
	MaxPage        = 1000000 // larger page numbers are rejected as invalid
	// MaxSearchTotal bounds the count of a search's hits: a search counts
	// at most this many and sets ListResult.TotalCapped when there are
	// more, so a common word or a single syllable is counted without
	// reading every hit.
	MaxSearchTotal = 1000
)

// ListQuery selects, orders and pages a product listing. The zero value
// lists every active product, newest first, on page 1 with DefaultPerPage
// products.
type ListQuery struct {
	// Query is search text matched as a substring of the name, the
	// English name or the description's text, ignoring spacing and the
	// case of Latin letters, after the shop's synonyms are applied. Text
	// of one or two characters matches the names only.
	Query string
	// Category is a category slug; the listing includes its whole subtree.
	// An unknown slug makes List return *fault.Invalid{"category"}.
	Category string
	// MinPrice and MaxPrice bound the price a buyer pays (the cheapest
	// active variant's sale or regular price), in minor units, inclusive.
	MinPrice, MaxPrice *int64
	// InStock keeps products with at least one active variant in stock.
	InStock bool
	// Featured keeps featured products.
	Featured bool
	Sort     Sort
	Page     int // from 1
	PerPage  int // 1 to MaxPerPage; 0 means DefaultPerPage
}

// ListResult is one page of a listing. Pages is at least 1, so a page past
// the end has no Products but the right Total and Pages.
type ListResult struct {
	Products []Product
	// Total is how many products match; for a search with more than
	// MaxSearchTotal hits it is MaxSearchTotal and TotalCapped is set
	// ("1,000개 이상"), and Pages covers that many.
	Total       int
	TotalCapped bool
	Page        int
	PerPage     int
	Pages       int
}

// normalize replaces out-of-range values by defaults without complaint; it
// is what List does with a query built in code.
func (q *ListQuery) normalize() {
	q.Query = cleanQuery(q.Query)
	q.Category = strings.TrimSpace(q.Category)
	if !q.Sort.Valid() {
		q.Sort = SortNewest
	}
	if q.Page < 1 || q.Page > MaxPage {
		q.Page = 1
	}
	if q.PerPage <= 0 {
		q.PerPage = DefaultPerPage
	}
	q.PerPage = min(q.PerPage, MaxPerPage)
	if q.MinPrice != nil && *q.MinPrice < 0 {
		q.MinPrice = nil
	}
	if q.MaxPrice != nil && *q.MaxPrice < 0 {
		q.MaxPrice = nil
	}
}

// cleanQuery makes search text safe and bounded: valid UTF-8, control
// characters (NUL among them, which PostgreSQL rejects) turned into spaces,
// cut to MaxQueryRunes characters and trimmed.
func cleanQuery(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > MaxQueryRunes {
		s = string([]rune(s)[:MaxQueryRunes])
	}
	return strings.TrimSpace(s)
}

// ParseListQuery reads a listing query from the parameters q, category,
// min_price, max_price, in_stock, featured, sort, page and per_page, which
// the storefront and the API share. It always returns a usable query: a bad
// value is replaced by its default (page 1, DefaultPerPage, sort newest, no
// price bound, search text cut to MaxQueryRunes characters and trimmed).
// When any value was bad it also returns a *fault.Invalid naming each bad
// parameter with a short English message, which callers may show beside the
// results of the corrected query.
func ParseListQuery(v url.Values) (ListQuery, error) {
	var q ListQuery
	inv := &fault.Invalid{}

	raw := v.Get("q")
	q.Query = cleanQuery(raw)
	if utf8.RuneCountInString(strings.TrimSpace(raw)) > MaxQueryRunes {
		inv.Add("q", "must be at most "+strconv.Itoa(MaxQueryRunes)+" characters")
	}
	q.Category = strings.TrimSpace(v.Get("category"))

	q.MinPrice = parsePrice(v.Get("min_price"), "min_price", inv)
	q.MaxPrice = parsePrice(v.Get("max_price"), "max_price", inv)
	if q.MinPrice != nil && q.MaxPrice != nil && *q.MinPrice > *q.MaxPrice {
		inv.Add("min_price", "must not be above max_price")
		q.MinPrice, q.MaxPrice = nil, nil
	}

	q.InStock = parseBool(v.Get("in_stock"), "in_stock", inv)
	q.Featured = parseBool(v.Get("featured"), "featured", inv)

	q.Sort = SortNewest
	if s := strings.TrimSpace(v.Get("sort")); s != "" {
		if Sort(s).Valid() {
			q.Sort = Sort(s)
		} else {
			inv.Add("sort", "must be one of newest, price_asc, price_desc, name")
		}
	}

	q.Page = 1
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || n < 1:
			inv.Add("page", "must be a whole number from 1")
		case n > MaxPage:
			inv.Add("page", "must be at most "+strconv.Itoa(MaxPage))
		default:
			q.Page = n
		}
	}

	q.PerPage = DefaultPerPage
	if s := strings.TrimSpace(v.Get("per_page")); s != "" {
		n, err := strconv.Atoi(s)
		switch {
		case err != nil || n < 1:
			inv.Add("per_page", "must be a whole number from 1")
		case n > MaxPerPage:
			inv.Add("per_page", "must be at most "+strconv.Itoa(MaxPerPage))
		default:
			q.PerPage = n
		}
	}
	return q, inv.Err()
}

func parsePrice(s, field string, inv *fault.Invalid) *int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		inv.Add(field, "must be a whole number from 0")
		return nil
	}
	return &n
}

func parseBool(s, field string, inv *fault.Invalid) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "on", "yes":
		return true
	case "", "0", "false", "off", "no":
		return false
	}
	inv.Add(field, "must be true or false")
	return false
}
