package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/db"
)

// orderBy gives the sort key column of s and its direction; the id, in the
// same direction, breaks ties.
func orderBy(s Sort) (col, dir string) {
	switch s {
	case SortPriceAsc:
		return "price_minor", "ASC"
	case SortPriceDesc:
		return "price_minor", "DESC"
	case SortName:
		return "name", "ASC"
	case SortRating:
		return "rating_avg", "DESC"
	case SortReviews:
		return "review_count", "DESC"
	case SortBest:
		return "sold_count", "DESC"
	default:
		return "created_at", "DESC"
	}
}

// How a search page is read. Walking the listing's sort index and testing
// each product's text stops as soon as the page is full, so it reads about
// PerPage/density rows: a few hundred for a word in one product of seven,
// however many products hold it. Looking the text up in the search index
// first reads and sorts every match instead, which is cheap only when
// matches are few. List walks at most walkRows(offset+limit) rows, and
// looks up first when the search index counts fewer than rareMatches
// matches or when a walk of page 1 came back short (remembered, like
// totals, for countTTL).
const (
	rareMatches = 300
	walkMin     = 1000
	walkFactor  = 16
)

// walkRows bounds the rows a walk for a page ending at end may read.
func walkRows(end int) int { return max(walkMin, walkFactor*end) }

// listSQL holds the parts of a listing query built from a ListQuery.
type listSQL struct {
	d     db.Dialect
	where []string // conditions on products, without the category and the search
	args  []any
	cats  []int64 // the category subtree; empty means every category
	text  string  // search text as searchText stores it; "" for none
	// ids, when known is set, are the products whose names hold a short
	// text, read from product_grams first: the lookup then reads these
	// products by id, a plan no planner can get wrong.
	ids   []int64
	known bool
}

func (l *listSQL) add(cond string, args ...any) {
	l.where = append(l.where, cond)
	l.args = append(l.args, args...)
}

func buildList(d db.Dialect, q ListQuery, cats []int64) listSQL {
	l := listSQL{d: d, where: []string{listed}, cats: cats}
	if q.Query != "" {
		l.text = searchQuery(q.Query)
	}
	if q.MinPrice != nil {
		l.add("price_minor >= ?", *q.MinPrice)
	}
	if q.MaxPrice != nil {
		l.add("price_minor <= ?", *q.MaxPrice)
	}
	if q.InStock {
		l.add("in_stock = TRUE")
	}
	if q.Featured {
		l.add("featured = TRUE")
	}
	return l
}

// categoryCond returns the condition and arguments that keep cats.
func categoryCond(d db.Dialect, cats []int64) (string, []any) {
	args := make([]any, len(cats))
	for i, c := range cats {
		args[i] = c
	}
	if len(cats) == 1 {
		return "category_id = " + d.OpaqueArg(), args
	}
	return "category_id IN (" + db.Placeholders(len(cats)) + ")", args
}

// browseIDs returns SQL that selects the id and sort key (as k) of one page
// of a listing without search text.
//
// A subtree of several categories is read as one ordered walk of the
// category's listing index per category, each stopped after offset+limit
// rows, merged and cut to the page; so page 1 reads about a page of index
// entries per category, whatever the size of the subtree (a plain
// category_id IN (…) would sort the whole subtree). The listing indexes
// cover these queries, so a deep page reads index entries only. A page
// after a seek point (see seek.go) starts after that point, and offset
// counts from there.
func (l listSQL) browseIDs(s Sort, limit, offset int, after *seekPoint) (string, []any) {
	col, dir := orderBy(s)
	order := " ORDER BY " + col + " " + dir + ", id " + dir
	where := strings.Join(l.where, " AND ")
	a := l.d.OpaqueArg()
	parts := []seekPart{{}}
	if after != nil {
		parts = seekParts(l.d, s, after)
	}
	if len(l.cats) <= 1 && len(parts) == 1 {
		// One walk of one index, in order.
		args := append([]any(nil), l.args...)
		q := "SELECT id, " + col + " AS k FROM products WHERE " + where
		if len(l.cats) == 1 {
			q += " AND category_id = " + a
			args = append(args, l.cats[0])
		}
		if p := parts[0]; p.cond != "" {
			q += " AND " + p.cond
			args = append(args, p.args...)
		}
		return q + order + " LIMIT " + a + " OFFSET " + a, append(args, limit, offset)
	}
	// Several walks (one per category, and on SQLite one per part of the
	// seek condition), each bounded to the rows the page can need from it,
	// merged and cut to the page.
	cats := l.cats
	if len(cats) == 0 {
		cats = []int64{0} // every category: no category condition
	}
	var b strings.Builder
	var args []any
	b.WriteString("SELECT id, k FROM (")
	for i, c := range cats {
		for j, p := range parts {
			if i > 0 || j > 0 {
				b.WriteString(" UNION ALL ")
			}
			b.WriteString("SELECT * FROM (SELECT id, " + col + " AS k FROM products WHERE " + where)
			args = append(args, l.args...)
			if len(l.cats) > 0 {
				b.WriteString(" AND category_id = " + a)
				args = append(args, c)
			}
			if p.cond != "" {
				b.WriteString(" AND " + p.cond)
				args = append(args, p.args...)
			}
			b.WriteString(order + " LIMIT " + a + ") a" + strconv.Itoa(i*len(parts)+j))
			args = append(args, offset+limit)
		}
	}
	b.WriteString(") arms ORDER BY k " + dir + ", id " + dir + " LIMIT " + a + " OFFSET " + a)
	return b.String(), append(args, limit, offset)
}

// walkIDs returns SQL that selects one page of a search by walking the
// listing's sort index, reading at most walk rows of it (those that pass
// the other conditions) and keeping those whose text holds the search
// text. A full page is the right page; a short one may not be, as matches
// can lie past the walk. A subtree is walked in the shop-wide index with
// its categories as a filter (the unary + keeps the planner from reading
// and sorting the whole subtree), so the walk is one prefix of the listing.
func (l listSQL) walkIDs(s Sort, limit, offset, walk int) (string, []any) {
	col, dir := orderBy(s)
	order := col + " " + dir + ", id " + dir
	var b strings.Builder
	args := append([]any(nil), l.args...)
	b.WriteString("SELECT id, k FROM (SELECT id, " + col + " AS k, search_text AS t FROM products WHERE " +
		strings.Join(l.where, " AND "))
	if len(l.cats) > 0 {
		cond, cargs := categoryCond(l.d, l.cats)
		if len(l.cats) > 1 {
			cond = "+" + cond
		}
		b.WriteString(" AND " + cond)
		args = append(args, cargs...)
	}
	match, marg := `t LIKE ? ESCAPE '\'`, any("%"+db.EscapeLike(l.text)+"%")
	if l.short() {
		match, marg = gramProbe, l.text
	}
	a := l.d.OpaqueArg()
	b.WriteString(" ORDER BY " + order + " LIMIT " + a + `) w WHERE ` + match + ` ORDER BY k ` + dir + ", id " + dir +
		" LIMIT " + a + " OFFSET " + a)
	args = append(args, walk, marg, limit, offset)
	return b.String(), args
}

// searchCond returns the search condition for lookups and counts, which let
// the search index lead: on SQLite the FTS5 table, on PostgreSQL the
// planner's choice (the pg_trgm index, or a scan for short text).
func (l listSQL) searchCond() (where string, args []any) {
	cond, sargs := l.d.ContainsText(l.text, "search_text", "product_search", "id")
	if l.short() {
		cond, sargs = gramMatch("id"), []any{l.text}
	}
	if l.known {
		cond, sargs = "1 = 0", nil
		if len(l.ids) > 0 {
			cond, sargs = "id IN ("+db.Placeholders(len(l.ids))+")", db.Args(l.ids)
		}
	}
	where = strings.Join(l.where, " AND ") + " AND " + cond
	args = append(append([]any(nil), l.args...), sargs...)
	if len(l.cats) > 0 {
		// A unary + keeps the planner from walking the whole category to
		// probe the search matches.
		cond, cargs := categoryCond(l.d, l.cats)
		where += " AND +" + cond
		args = append(args, cargs...)
	}
	return where, args
}

// short reports whether the search text is too short for the trigram
// indexes: such text is looked up in product_grams, which holds the one-
// and two-character pieces of product names (so it matches names only).
func (l listSQL) short() bool { return utf8.RuneCountInString(l.text) < db.MinTrigramRunes }

// lookupIDs returns SQL that selects one page of a search by finding every
// match first and sorting them.
func (l listSQL) lookupIDs(s Sort, limit, offset int) (string, []any) {
	col, dir := orderBy(s)
	where, args := l.searchCond()
	return "SELECT id, " + col + " AS k FROM products WHERE " + where +
		" ORDER BY " + col + " " + dir + ", id " + dir + " LIMIT " + l.d.OpaqueArg() + " OFFSET " + l.d.OpaqueArg(), append(args, limit, offset)
}

// count returns SQL that counts the listing; a search is counted up to
// MaxSearchTotal+1.
func (l listSQL) count() (string, []any) {
	if l.text != "" {
		where, args := l.searchCond()
		return "SELECT COUNT(*) FROM (SELECT 1 FROM products WHERE " + where + " LIMIT " + l.d.OpaqueArg() + ") c", append(args, MaxSearchTotal+1)
	}
	q := "SELECT COUNT(*) FROM products WHERE " + strings.Join(l.where, " AND ")
	args := append([]any(nil), l.args...)
	if len(l.cats) > 0 {
		cond, cargs := categoryCond(l.d, l.cats)
		q += " AND " + cond
		args = append(args, cargs...)
	}
	return q, args
}

// List returns one page of active products matching q. Out-of-range paging
// and an unknown sort are replaced by defaults (ParseListQuery reports
// them); an unknown category gives *fault.Invalid{"category"}. Each product
// has its first image and its seller's name; Description is left empty, as
// listings do not show it (Product has it). The page is read in one query
// (a search sometimes in two, see rareMatches); the total needs another
// only when the page is full or past the end, and is cached for a few
// seconds (writes through this Service clear it).
//
// Whole pages are cached too, for pageTTL, so a popular listing is read
// from the database a few times a second however many visitors ask for it;
// concurrent misses of one page share one query. The Products of a result
// may be shared with other callers: read them, never modify them.
func (s *Service) List(ctx context.Context, q ListQuery) (ListResult, error) {
	q.normalize()
	return s.pages.get(s, q, func() (ListResult, error) { return s.list(ctx, q) })
}

func (s *Service) list(ctx context.Context, q ListQuery) (ListResult, error) {
	var cats []int64
	if q.Category != "" {
		var err error
		if cats, err = s.subtreeIDs(ctx, q.Category); err != nil {
			return ListResult{}, err
		}
	}
	l := buildList(s.db.Dialect, q, cats)
	if l.text != "" {
		var err error
		if l.text, err = s.expand(ctx, l.text); err != nil {
			return ListResult{}, err
		}
	}
	if q.Category == "" {
		t, err := s.categories(ctx)
		if err != nil {
			return ListResult{}, err
		}
		if len(t.hidden) > 0 {
			// Rare (a category being prepared or retired), and few: the
			// index still gives the order, the filter skips their products.
			cond, args := categoryCond(s.db.Dialect, t.hidden)
			l.add("NOT ("+cond+")", args...)
		}
	}
	offset := (q.Page - 1) * q.PerPage
	rows, err := s.page(ctx, q, &l, offset)
	if err != nil {
		return ListResult{}, fmt.Errorf("list products: %w", err)
	}
	res := ListResult{Products: make([]Product, len(rows)), Page: q.Page, PerPage: q.PerPage}
	for i := range rows {
		res.Products[i] = rows[i].product()
	}

	switch {
	case len(rows) > 0 && len(rows) < q.PerPage, len(rows) == 0 && offset == 0:
		res.Total = offset + len(rows) // the last page: no count needed
	default:
		if res.Total, err = s.total(ctx, q, l); err != nil {
			return ListResult{}, err
		}
	}
	if l.text != "" && res.Total > MaxSearchTotal {
		res.Total, res.TotalCapped = MaxSearchTotal, true
	}
	res.Pages = max(1, (res.Total+q.PerPage-1)/q.PerPage)
	return res, nil
}

// Search plans remembered per listing, beside the cached totals.
const (
	planWalk   = 0
	planLookup = 1
)

// page reads the products of one page.
func (s *Service) page(ctx context.Context, q ListQuery, l *listSQL, offset int) ([]productRow, error) {
	if l.text == "" {
		after, skip, err := s.seekFrom(ctx, q, *l, offset)
		if err != nil {
			return nil, err
		}
		idsSQL, args := l.browseIDs(q.Sort, q.PerPage, skip, after)
		return s.pageRows(ctx, q.Sort, idsSQL, args)
	}
	key := "\x01" + countKey(q)
	plan, err := s.searchPlan(ctx, key, *l)
	if err != nil {
		return nil, err
	}
	if plan == planWalk {
		gen := s.gen.Load()
		end := offset + q.PerPage
		idsSQL, args := l.walkIDs(q.Sort, q.PerPage, offset, walkRows(end))
		rows, err := s.pageRows(ctx, q.Sort, idsSQL, args)
		if err != nil || len(rows) == q.PerPage {
			return rows, err
		}
		if offset == 0 {
			// Matches are too sparse to walk for; remember that. (A short
			// deeper page is usually the last page of a common word.)
			s.keepTotal(key, planLookup, gen)
		}
	}
	if l.short() {
		var ids []int64
		rq := s.db.Read()
		if err := rq.SelectContext(ctx, &ids, rq.Rebind(gramIDs(l.d)), l.text, rareMatches+1); err != nil {
			return nil, fmt.Errorf("look up %q: %w", l.text, err)
		}
		if len(ids) <= rareMatches {
			l.ids, l.known = ids, true
		}
	}
	idsSQL, args := l.lookupIDs(q.Sort, q.PerPage, offset)
	return s.pageRows(ctx, q.Sort, idsSQL, args)
}

// searchPlan returns planLookup when a search is known or counted to have
// few matches, planWalk otherwise.
func (s *Service) searchPlan(ctx context.Context, key string, l listSQL) (int, error) {
	if plan, ok := s.cachedTotal(key); ok {
		return plan, nil
	}
	probe, args, ok := l.d.CountMatches(l.text, "product_search", rareMatches)
	if l.short() {
		probe, args, ok = countGram(l.d), []any{l.text, rareMatches}, true
	}
	if !ok {
		return planWalk, nil
	}
	gen := s.gen.Load()
	var n int
	rq := s.db.Read()
	if err := rq.GetContext(ctx, &n, rq.Rebind(probe), args...); err != nil {
		return 0, fmt.Errorf("count matches: %w", err)
	}
	plan := planWalk
	if n < rareMatches {
		plan = planLookup
	}
	s.keepTotal(key, plan, gen)
	return plan, nil
}

// pageRows reads the products whose ids and sort keys idsSQL selects, in
// page order. Every listed product is active, so the status is not read.
func (s *Service) pageRows(ctx context.Context, sort Sort, idsSQL string, args []any) ([]productRow, error) {
	_, dir := orderBy(sort)
	rq := s.db.Read()
	rows, err := rq.QueryContext(ctx, rq.Rebind(`SELECT `+listColumns+`
		FROM (`+idsSQL+`) pg JOIN products p ON p.id = pg.id`+productJoins+`
		ORDER BY pg.k `+dir+`, pg.id `+dir), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]productRow, 0, DefaultPerPage)
	var r productRow
	dest := r.scanDest(false)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r.Status = string(Active)
		out = append(out, r)
	}
	return out, rows.Err()
}

// total counts a listing, or returns the count cached for it.
func (s *Service) total(ctx context.Context, q ListQuery, l listSQL) (int, error) {
	key := countKey(q)
	if n, ok := s.cachedTotal(key); ok {
		return n, nil
	}
	gen := s.gen.Load()
	sqlText, args := l.count()
	var n int
	rq := s.db.Read()
	if err := rq.GetContext(ctx, &n, rq.Rebind(sqlText), args...); err != nil {
		return 0, fmt.Errorf("count products: %w", err)
	}
	s.keepTotal(key, n, gen)
	return n, nil
}

func countKey(q ListQuery) string {
	var b strings.Builder
	b.WriteString(q.Query)
	b.WriteByte(0)
	b.WriteString(q.Category)
	b.WriteByte(0)
	if q.MinPrice != nil {
		b.WriteString(strconv.FormatInt(*q.MinPrice, 10))
	}
	b.WriteByte(0)
	if q.MaxPrice != nil {
		b.WriteString(strconv.FormatInt(*q.MaxPrice, 10))
	}
	b.WriteByte(0)
	if q.InStock {
		b.WriteByte('s')
	}
	if q.Featured {
		b.WriteByte('f')
	}
	return b.String()
}
