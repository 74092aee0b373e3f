package catalog

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
)

// listPlan explains the page query List runs for q: for a search, the walk
// of the sort index when walk is true, else the lookup in the search index.
func listPlan(t *testing.T, s *Service, q ListQuery, walk bool) string {
	t.Helper()
	full, args := pageQuery(t, s, q, walk)
	return dbtest.Explain(t, s.db.Read(), full, args...)
}

// pageQuery returns the page query List runs for q, as listPlan explains it.
func pageQuery(t *testing.T, s *Service, q ListQuery, walk bool) (string, []any) {
	t.Helper()
	ctx := context.Background()
	q.normalize()
	var cats []int64
	if q.Category != "" {
		var err error
		if cats, err = s.subtreeIDs(ctx, q.Category); err != nil {
			t.Fatal(err)
		}
	}
	l := buildList(s.db.Dialect, q, cats)
	offset := (q.Page - 1) * q.PerPage
	var after *seekPoint
	if q.Query == "" && offset >= seekStride*q.PerPage {
		// A deep page starts from a seek point, a key of the sort's type.
		var k any = int64(5000)
		switch q.Sort {
		case SortNewest:
			k = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
		case SortName:
			k = "m"
		}
		after, offset = &seekPoint{K: k, ID: 1}, q.PerPage
	}
	idsSQL, args := l.browseIDs(q.Sort, q.PerPage, offset, after)
	switch {
	case q.Query != "" && walk:
		idsSQL, args = l.walkIDs(q.Sort, q.PerPage, offset, walkRows(offset+q.PerPage))
	case q.Query != "":
		idsSQL, args = l.lookupIDs(q.Sort, q.PerPage, offset)
	}
	_, dir := orderBy(q.Sort)
	return `SELECT ` + listColumns + ` FROM (` + idsSQL + `) pg JOIN products p ON p.id = pg.id` +
		productJoins + ` ORDER BY pg.k ` + dir + `, pg.id ` + dir, args
}

var errRollback = errors.New("rollback")

// explainShop returns a catalog with category r and its two children a and
// b, and no products.
func explainShop(t *testing.T) (*db.DB, *Service) {
	t.Helper()
	d := dbtest.New(t)
	s := NewService(d, time.Now, slog.New(slog.DiscardHandler), &thumbsAsked{})
	ctx := context.Background()
	root, err := s.CreateCategory(ctx, NewCategory{Slug: "r", Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"a", "b"} {
		if _, err := s.CreateCategory(ctx, NewCategory{ParentID: root.ID, Slug: slug, Name: slug}); err != nil {
			t.Fatal(err)
		}
	}
	return d, s
}

// TestSearchUsesIndex checks, with EXPLAIN, that search text of three
// characters or more is looked up in the trigram index rather than by
// scanning products, that a walk for search text reads a sort index in
// order, and that category pages walk a category index, covered.
func TestSearchUsesIndex(t *testing.T) {
	t.Parallel()
	d, s := explainShop(t)
	ctx := context.Background()
	for _, q := range []ListQuery{
		{Query: "초콜릿"},
		{Query: "다크초콜릿 세트", Sort: SortPriceAsc},
		{Query: "100%_off", Category: "r", InStock: true, Sort: SortName},
	} {
		switch d.Dialect.Engine {
		case db.SQLite:
			plan := listPlan(t, s, q, false)
			if !strings.Contains(plan, "SCAN product_search VIRTUAL TABLE") || strings.Contains(plan, "SCAN products") {
				t.Errorf("%q: plan does not lead with the FTS index:\n%s", q.Query, plan)
			}
		case db.Postgres:
			// PostgreSQL rightly scans a tiny table (it picks the index at
			// shop sizes: see BenchmarkList), so show that the index can
			// serve the search condition once scans are off.
			cond, args := d.Dialect.ContainsText(searchQuery(q.Query), "search_text", "product_search", "id")
			var plan string
			err := d.InTx(ctx, func(tq db.Querier) error {
				if _, err := tq.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
					return err
				}
				plan = dbtest.Explain(t, tq, "SELECT id FROM products WHERE "+cond, args...)
				return errRollback
			})
			if err != errRollback {
				t.Fatal(err)
			}
			if !strings.Contains(plan, "Bitmap Index Scan on products_search_trgm") {
				t.Errorf("%q: plan does not use the trigram index:\n%s", q.Query, plan)
			}
		}
	}
	if d.Dialect.Engine == db.SQLite {
		// A walk for a common word reads the sort index in order: a
		// category's own, or, for a subtree, the shop-wide one.
		for _, w := range []struct {
			q     ListQuery
			index string
		}{
			{ListQuery{Query: "초콜릿"}, "products_new"},
			{ListQuery{Query: "칩", Category: "a", Sort: SortPriceAsc}, "products_category_price"},
			{ListQuery{Query: "커피", Category: "r", Sort: SortName}, "products_name"},
		} {
			plan := listPlan(t, s, w.q, true)
			if !strings.Contains(plan, "USING INDEX "+w.index) || strings.Contains(plan, "TEMP B-TREE FOR ORDER BY") {
				t.Errorf("%+v: walk does not read %s in order:\n%s", w.q, w.index, plan)
			}
		}
		for _, q := range []ListQuery{{Category: "r"}, {Category: "a", Sort: SortName}, {Category: "r", Sort: SortPriceDesc, Page: 40},
			{Category: "a", Sort: SortPriceAsc, Page: 40}} {
			plan := listPlan(t, s, q, false)
			if !strings.Contains(plan, "USING COVERING INDEX products_category_") || strings.Contains(plan, "SCAN products") {
				t.Errorf("%+v: plan does not walk a category index:\n%s", q, plan)
			}
		}
	}
}

// TestDeepPagesSeekWithinTies checks, with EXPLAIN, that a page after a
// seek point starts at the point in the index even when many products
// share its sort key (most products have no sales and no reviews): the
// index range must hold the id too. SQLite cannot range over the id, the
// rowid, as part of a row value, so a (key, id) comparison would start at
// the first product with the key and read every product before the point;
// PostgreSQL's B-tree ranges over the whole row (shown with scans off, as
// it rightly scans a table this small).
func TestDeepPagesSeekWithinTies(t *testing.T) {
	t.Parallel()
	d, s := explainShop(t)
	ctx := context.Background()
	for _, q := range []ListQuery{
		{Category: "a", Sort: SortBest, Page: 40},
		{Category: "r", Sort: SortReviews, Page: 40},
		{Sort: SortRating, Page: 40},
		{Category: "r", Sort: SortPriceAsc, Page: 40},
		{Category: "a", Sort: SortNewest, Page: 40},
	} {
		col, dir := orderBy(q.Sort)
		if d.Dialect.Engine == db.SQLite {
			plan := listPlan(t, s, q, false)
			within := "=? AND id<?)"
			if dir == "ASC" {
				within = "=? AND id>?)"
			}
			if !strings.Contains(plan, within) || strings.Contains(plan, "SCAN products") {
				t.Errorf("%+v: a deep page does not seek within the tie of its sort key:\n%s", q, plan)
			}
			continue
		}
		full, args := pageQuery(t, s, q, false)
		var plan string
		err := d.InTx(ctx, func(tq db.Querier) error {
			if _, err := tq.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
				return err
			}
			plan = dbtest.Explain(t, tq, full, args...)
			return errRollback
		})
		if err != errRollback {
			t.Fatal(err)
		}
		if !strings.Contains(plan, "Index Cond: ") || !strings.Contains(plan, "ROW("+col+", id)") {
			t.Errorf("%+v: a deep page does not seek by (key, id) in an index:\n%s", q, plan)
		}
	}
}
