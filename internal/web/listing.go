package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/media"
)

// listing is a category or search page.
type listing struct {
	Heading  string
	Crumbs   []link // category pages
	Sub      []link // subcategories
	Count    string // "상품 12개" or "‘초콜릿’ 검색 결과 12개"
	IsSearch bool
	Prompt   bool // a search page without terms
	Result   catalog.ListResult
	Form     filterForm
	Pager    pager
	// PageEmpty is set when the page number is past the last page; it
	// links back to the first page.
	PageEmpty string
	// Suggest links the names closest to a search that found nothing; the
	// first is shown in a sentence, SuggestBefore and SuggestAfter around
	// it ("혹시 ‘", "’을 찾으셨나요?").
	Suggest                     []link
	SuggestBefore, SuggestAfter string
}

// filterForm is the plain GET form with sort and filters; it keeps the
// search terms and category in hidden fields.
type filterForm struct {
	Action   string
	Q        string
	Category string
	Sorts    []sortOption
	Min, Max string
	InStock  bool
	PerPage  string // kept when the request chose a valid one
	Reset    string
}

type sortOption struct {
	Value, Label string
	Selected     bool
}

// maxQuery is the longest search text the catalog uses; the search boxes
// stop there.
var maxQuery = strconv.Itoa(catalog.MaxQueryRunes)

var sorts = []catalog.Sort{catalog.SortNewest, catalog.SortBest, catalog.SortRating, catalog.SortReviews,
	catalog.SortPriceAsc, catalog.SortPriceDesc, catalog.SortName}

func sortKey(s catalog.Sort) string {
	switch s {
	case catalog.SortPriceAsc:
		return "sort.price_asc"
	case catalog.SortPriceDesc:
		return "sort.price_desc"
	case catalog.SortName:
		return "sort.name"
	case catalog.SortBest:
		return "sort.best"
	case catalog.SortRating:
		return "sort.rating"
	case catalog.SortReviews:
		return "sort.reviews"
	}
	return "sort.newest"
}

// parseList reads the listing query. ParseListQuery always returns a usable
// query; its *fault.Invalid, if any, becomes notices.
func (h *Handler) parseList(r *http.Request) (catalog.ListQuery, url.Values, error) {
	raw := r.URL.Query()
	q, err := catalog.ParseListQuery(raw)
	if h.cfg.PerPage > 0 && raw.Get("per_page") == "" {
		q.PerPage = h.cfg.PerPage
	}
	return q, raw, err
}

// category serves GET /categories/{slug}.
func (h *Handler) category(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	slug := r.PathValue("slug")
	c := tree.bySlug[slug]
	if c == nil {
		// Not in the cache: unknown, or created since the last load.
		found, err := h.cat.CategoryBySlug(ctx, slug)
		if err != nil {
			return err
		}
		if tree, err = h.refreshCategories(ctx); err != nil {
			return err
		}
		if c = tree.bySlug[slug]; c == nil {
			c = &found
		}
	}

	q, raw, perr := h.parseList(r)
	q.Category, q.Query, q.Featured = c.Slug, "", false
	res, err := h.cat.List(ctx, q)
	if inv, ok := fault.AsInvalid(err); ok && inv.Fields["category"] != "" {
		// Deleted since the tree was loaded.
		return fmt.Errorf("list category %q: %w", c.Slug, fault.ErrNotFound)
	}
	if err != nil {
		return err
	}

	name := lc.categoryName(c.Name, c.NameEN)
	params := url.Values{}
	if res.Page > 1 {
		params.Set("page", strconv.Itoa(res.Page))
	}
	p := h.newPage(r, lc, tree, name, categoryURL(c.Slug), params)
	p.Description = lc.F("category.description", name, res.Total, p.Shop)
	p.Notices = noticesFor(lc, perr, raw, q, "q", "category", "featured")
	p.NoIndex = len(p.Notices) > 0 || hasFilters(q)
	if len(res.Products) > 0 && res.Products[0].Image != nil {
		p.OGImage = h.absolute(imageURL(res.Products[0].Image, media.Large))
	}
	path := tree.path(c)
	if len(path) > 0 {
		root := categoryURL(path[0].Slug)
		p.Nav = slices.Clone(p.Nav)
		for i := range p.Nav {
			p.Nav[i].Current = p.Nav[i].URL == root
		}
	}

	l := &listing{Heading: name, Result: res}
	l.Count = lc.F("list.count", res.Total)
	for _, a := range path {
		l.Crumbs = append(l.Crumbs, link{Label: lc.categoryName(a.Name, a.NameEN), URL: categoryURL(a.Slug), Current: a.ID == c.ID})
	}
	if len(l.Crumbs) == 0 {
		l.Crumbs = []link{{Label: name, URL: categoryURL(c.Slug), Current: true}}
	}
	for _, s := range c.Children {
		l.Sub = append(l.Sub, link{Label: lc.categoryName(s.Name, s.NameEN), URL: categoryURL(s.Slug)})
	}
	h.fillListing(lc, l, categoryURL(c.Slug), q, raw, perr)
	h.render(w, r, lc, http.StatusOK, listingPage(p, l))
	return nil
}

// search serves GET /search?q=….
func (h *Handler) search(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	q, raw, perr := h.parseList(r)
	q.Query = strings.TrimSpace(q.Query)
	q.Featured = false
	notices := noticesFor(lc, perr, raw, q, "featured")

	l := &listing{IsSearch: true, Heading: lc.T("search.title")}
	if q.Query == "" {
		l.Prompt = true
	} else {
		res, err := h.cat.List(ctx, q)
		if inv, ok := fault.AsInvalid(err); ok && inv.Fields["category"] != "" {
			notices = append(notices, notice{Field: "category", Text: lc.T("notice.category")})
			q.Category = ""
			res, err = h.cat.List(ctx, q)
		}
		if err != nil {
			return err
		}
		l.Result = res
		l.Heading = lc.F("search.title_q", q.Query)
		l.Count = lc.F("search.hits", q.Query, res.Total)
		if res.TotalCapped {
			l.Count = lc.F("search.hits_more", q.Query, res.Total)
		}
		if res.Total == 0 {
			if err := h.suggest(ctx, lc, l, q.Query); err != nil {
				return err
			}
		}
	}

	params := url.Values{}
	if q.Query != "" {
		params.Set("q", q.Query)
	}
	if q.Category != "" {
		params.Set("category", q.Category)
	}
	if l.Result.Page > 1 {
		params.Set("page", strconv.Itoa(l.Result.Page))
	}
	p := h.newPage(r, lc, tree, l.Heading, "/search", params)
	p.Search = q.Query
	p.NoIndex = true
	p.Notices = notices
	p.Description = l.Count
	h.fillListing(lc, l, "/search", q, raw, perr)
	h.render(w, r, lc, http.StatusOK, listingPage(p, l))
	return nil
}

// fillListing builds the filter form and the pager from the normalised
// query, so that links never carry the bad values back.
func (h *Handler) fillListing(lc *locale, l *listing, path string, q catalog.ListQuery, raw url.Values, perr error) {
	base := url.Values{}
	if l.IsSearch {
		if q.Query != "" {
			base.Set("q", q.Query)
		}
		if q.Category != "" {
			base.Set("category", q.Category)
		}
	}
	reset := path
	if len(base) > 0 {
		reset += "?" + base.Encode()
	}
	f := filterForm{Action: path, Reset: reset, InStock: q.InStock}
	if l.IsSearch {
		f.Q, f.Category = q.Query, q.Category
	}
	if q.MinPrice != nil {
		f.Min = strconv.FormatInt(*q.MinPrice, 10)
		base.Set("min_price", f.Min)
	}
	if q.MaxPrice != nil {
		f.Max = strconv.FormatInt(*q.MaxPrice, 10)
		base.Set("max_price", f.Max)
	}
	if q.InStock {
		base.Set("in_stock", "1")
	}
	if q.Sort != "" && q.Sort != catalog.SortNewest {
		base.Set("sort", string(q.Sort))
	}
	if inv, _ := fault.AsInvalid(perr); raw.Get("per_page") != "" && (inv == nil || inv.Fields["per_page"] == "") {
		f.PerPage = strconv.Itoa(q.PerPage)
		base.Set("per_page", f.PerPage)
	}
	for _, s := range sorts {
		f.Sorts = append(f.Sorts, sortOption{Value: string(s), Label: lc.T(sortKey(s)), Selected: s == q.Sort})
	}
	l.Form = f

	href := func(i int) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = vs
		}
		if i > 1 {
			v.Set("page", strconv.Itoa(i))
		}
		if len(v) == 0 {
			return path
		}
		return path + "?" + v.Encode()
	}
	res := l.Result
	l.Pager = newPager(res.Page, res.Pages, href)
	if len(res.Products) == 0 && res.Total > 0 {
		l.PageEmpty = href(1)
	}
}

// hasFilters reports whether q narrows or reorders a listing beyond its
// page, which makes the page a variant not worth indexing.
func hasFilters(q catalog.ListQuery) bool {
	return q.MinPrice != nil || q.MaxPrice != nil || q.InStock || (q.Sort != "" && q.Sort != catalog.SortNewest)
}

// noticeOrder puts notices in the order of the form's fields.
var noticeOrder = []string{"q", "category", "sort", "min_price", "max_price", "in_stock", "page", "per_page"}

// noticesFor turns the *fault.Invalid of ParseListQuery into translated
// notices that name the field and say what the page shows instead; fields in
// skip are not the page's params and are not mentioned.
func noticesFor(lc *locale, err error, raw url.Values, q catalog.ListQuery, skip ...string) []notice {
	inv, ok := fault.AsInvalid(err)
	if !ok {
		return nil
	}
	fields := make([]string, 0, len(inv.Fields))
	for f := range inv.Fields {
		if !slices.Contains(skip, f) {
			fields = append(fields, f)
		}
	}
	slices.SortFunc(fields, func(a, b string) int {
		ia, ib := slices.Index(noticeOrder, a), slices.Index(noticeOrder, b)
		if ia < 0 {
			ia = len(noticeOrder)
		}
		if ib < 0 {
			ib = len(noticeOrder)
		}
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	inverted := priceRangeInverted(raw)
	ns := make([]notice, 0, len(fields))
	for _, f := range fields {
		var text string
		switch f {
		case "page":
			text = lc.F("notice.page", max(q.Page, 1))
		case "per_page":
			text = lc.F("notice.per_page", q.PerPage)
		case "sort":
			s := q.Sort
			if s == "" {
				s = catalog.SortNewest
			}
			text = lc.F("notice.sort", lc.T(sortKey(s)))
		case "min_price", "max_price":
			if inverted {
				if slices.ContainsFunc(ns, func(n notice) bool { return n.Field == "min_price" || n.Field == "max_price" }) {
					continue
				}
				text = lc.T("notice.price_range")
			} else {
				text = lc.T("notice." + f)
			}
		case "in_stock":
			text = lc.T("notice.in_stock")
		case "q":
			if utf8.RuneCountInString(raw.Get("q")) > utf8.RuneCountInString(q.Query) && q.Query != "" {
				text = lc.F("notice.q_long", utf8.RuneCountInString(q.Query))
			} else {
				text = lc.T("notice.q")
			}
		case "category":
			text = lc.T("notice.category")
		default:
			text = lc.F("notice.field", truncate(f, 40))
		}
		ns = append(ns, notice{Field: f, Text: text})
	}
	return ns
}

// priceRangeInverted reports whether the request's min_price and max_price
// are both numbers with the minimum above the maximum.
func priceRangeInverted(raw url.Values) bool {
	lo, err1 := strconv.ParseInt(strings.TrimSpace(raw.Get("min_price")), 10, 64)
	hi, err2 := strconv.ParseInt(strings.TrimSpace(raw.Get("max_price")), 10, 64)
	return err1 == nil && err2 == nil && lo > hi
}
