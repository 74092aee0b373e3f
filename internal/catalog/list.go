package catalog

import (
	"context"
	"fmt"
	"strconv"
	"strings"

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
	default:
		return "created_at", "DESC"
	}
}

// listSQL holds the parts of a listing query built from a ListQuery.
type listSQL struct {
	where []string // conditions on products, without the category
	args  []any
	cats  []int64 // the category subtree; empty means every category
}

func (l *listSQL) add(cond string, args ...any) {
	l.where = append(l.where, cond)
	l.args = append(l.args, args...)
}

func buildList(d db.Dialect, q ListQuery, cats []int64) listSQL {
	l := listSQL{where: []string{listed}, cats: cats}
	if q.Query != "" {
		cond, args := d.ContainsText(searchQuery(q.Query), "search_text", "product_search", "id")
		l.add(cond, args...)
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
func categoryCond(cats []int64) (string, []any) {
	args := make([]any, len(cats))
	for i, c := range cats {
		args[i] = c
	}
	if len(cats) == 1 {
		return "category_id = ?", args
	}
	return "category_id IN (" + placeholders(len(cats)) + ")", args
}

// pageIDs returns SQL that selects the id and sort key (as k) of one page.
//
// A subtree of several categories is read as one ordered walk of the
// category's listing index per category, each stopped after offset+limit
// rows, merged and cut to the page; so page 1 reads about a page of index
// entries per category, whatever the size of the subtree (a plain
// category_id IN (…) would sort the whole subtree). A search is narrowed by
// its index first instead.
func (l listSQL) pageIDs(search bool, s Sort, limit, offset int) (string, []any) {
	col, dir := orderBy(s)
	where := strings.Join(l.where, " AND ")
	var b strings.Builder
	var args []any
	if len(l.cats) <= 1 || search {
		b.WriteString("SELECT id, " + col + " AS k FROM products WHERE " + where)
		args = append(args, l.args...)
		if len(l.cats) > 0 {
			cond, cargs := categoryCond(l.cats)
			if search {
				// Let the search index lead: a unary + keeps the planner from
				// walking the whole category to probe the search matches.
				cond = "+" + cond
			}
			b.WriteString(" AND " + cond)
			args = append(args, cargs...)
		}
		b.WriteString(" ORDER BY " + col + " " + dir + ", id " + dir)
	} else {
		// Each arm is bounded to the rows the page can need from it.
		b.WriteString("SELECT id, k FROM (")
		for i, c := range l.cats {
			if i > 0 {
				b.WriteString(" UNION ALL ")
			}
			b.WriteString("SELECT * FROM (SELECT id, " + col + " AS k FROM products WHERE category_id = ? AND " + where +
				" ORDER BY " + col + " " + dir + ", id " + dir + " LIMIT ?) a" + strconv.Itoa(i))
			args = append(args, c)
			args = append(args, l.args...)
			args = append(args, offset+limit)
		}
		b.WriteString(") arms ORDER BY k " + dir + ", id " + dir)
	}
	b.WriteString(" LIMIT ? OFFSET ?")
	args = append(args, limit, offset)
	return b.String(), args
}

// count returns SQL that counts the listing.
func (l listSQL) count() (string, []any) {
	q := "SELECT COUNT(*) FROM products WHERE " + strings.Join(l.where, " AND ")
	args := append([]any(nil), l.args...)
	if len(l.cats) > 0 {
		cond, cargs := categoryCond(l.cats)
		q += " AND " + cond
		args = append(args, cargs...)
	}
	return q, args
}

// List returns one page of active products matching q. Out-of-range paging
// and an unknown sort are replaced by defaults (ParseListQuery reports
// them); an unknown category gives *fault.Invalid{"category"}. Each product
// has its first image and its seller's name. The page is read in one query;
// the total needs a second only when the page is full or past the end, and
// is cached for a few seconds (writes through this Service clear it).
func (s *Service) List(ctx context.Context, q ListQuery) (ListResult, error) {
	q.normalize()
	var cats []int64
	if q.Category != "" {
		var err error
		if cats, err = s.subtreeIDs(ctx, q.Category); err != nil {
			return ListResult{}, err
		}
	}
	l := buildList(s.db.Dialect, q, cats)
	offset := (q.Page - 1) * q.PerPage
	idsSQL, args := l.pageIDs(q.Query != "", q.Sort, q.PerPage, offset)
	_, dir := orderBy(q.Sort)
	var rows []productRow
	err := s.selectRead(ctx, &rows, `SELECT `+productColumns+`
		FROM (`+idsSQL+`) pg JOIN products p ON p.id = pg.id`+productJoins+`
		ORDER BY pg.k `+dir+`, pg.id `+dir, args...)
	if err != nil {
		return ListResult{}, fmt.Errorf("list products: %w", err)
	}
	res := ListResult{Products: make([]Product, len(rows)), Page: q.Page, PerPage: q.PerPage}
	for i, r := range rows {
		res.Products[i] = r.product()
	}

	switch {
	case len(rows) > 0 && len(rows) < q.PerPage, len(rows) == 0 && offset == 0:
		res.Total = offset + len(rows) // the last page: no count needed
	default:
		if res.Total, err = s.total(ctx, q, l); err != nil {
			return ListResult{}, err
		}
	}
	res.Pages = max(1, (res.Total+q.PerPage-1)/q.PerPage)
	return res, nil
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
	if err := s.getRead(ctx, &n, sqlText, args...); err != nil {
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
