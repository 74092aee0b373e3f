package catalog

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/db/dbtest"
)

// TestSearchPlansAgree checks that the ways List reads a search page give
// the same page: the walk of the sort index (whole, or cut short when it
// fills the page), the lookup in the search index, and List itself, which
// picks between them.
func TestSearchPlansAgree(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := NewService(dbtest.New(t), time.Now, slog.New(slog.DiscardHandler), &thumbsAsked{})
	root, err := s.CreateCategory(ctx, NewCategory{Slug: "r", Name: "r"})
	if err != nil {
		t.Fatal(err)
	}
	var leaves []Category
	for _, slug := range []string{"a", "b", "c"} {
		c, err := s.CreateCategory(ctx, NewCategory{ParentID: root.ID, Slug: slug, Name: slug})
		if err != nil {
			t.Fatal(err)
		}
		leaves = append(leaves, c)
	}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var ps []NewProduct
	for i := range 240 {
		name := fmt.Sprintf("상품 %d", i)
		switch {
		case i%3 == 0:
			name = fmt.Sprintf("다크초콜릿 %d", i)
		case i%4 == 1:
			name = fmt.Sprintf("Choco Bar %d", i)
		case i%61 == 2:
			name = fmt.Sprintf("희귀한 물건 %d", i)
		}
		p := NewProduct{
			CategoryID: leaves[i%len(leaves)].ID, Name: name,
			Description: fmt.Sprintf("<p>설명 %d</p>", i%7),
			CreatedAt:   base.Add(time.Duration(i%50) * time.Minute), // ties, broken by id
			Variants:    []NewVariant{{SKU: fmt.Sprint("S", i), Price: int64(1000 + i%13*100), Stock: int64(i % 5), Active: true}},
		}
		if i%11 == 5 {
			p.Status = Draft
		}
		ps = append(ps, p)
	}
	if _, err := s.CreateProducts(ctx, ps); err != nil {
		t.Fatal(err)
	}
	pageIDs := func(t *testing.T, q ListQuery, idsSQL string, args []any) []int64 {
		t.Helper()
		rows, err := s.pageRows(ctx, q.Sort, idsSQL, args)
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{}
		for _, r := range rows {
			ids = append(ids, r.ID)
		}
		return ids
	}
	minPrice := int64(1500)
	for _, text := range []string{"초콜릿", "choco", "CHOCO bar", "희귀한", "콜", "상품", "설명 3", "없는말", "%_"} {
		for _, cat := range []string{"", "r", "b"} {
			for _, sort := range []Sort{SortNewest, SortPriceAsc, SortPriceDesc, SortName} {
				for _, f := range []struct {
					inStock bool
					min     *int64
				}{{false, nil}, {true, &minPrice}} {
					for page := 1; page <= 4; page++ {
						q := ListQuery{Query: text, Category: cat, Sort: sort, InStock: f.inStock, MinPrice: f.min, Page: page, PerPage: 7}
						name := fmt.Sprintf("%q in %q by %s, in stock %v, page %d", text, cat, sort, f.inStock, page)
						q.normalize()
						var cats []int64
						if cat != "" {
							if cats, err = s.subtreeIDs(ctx, cat); err != nil {
								t.Fatal(err)
							}
						}
						l := buildList(s.db.Dialect, q, cats)
						offset := (page - 1) * q.PerPage
						lookupSQL, lookupArgs := l.lookupIDs(q.Sort, q.PerPage, offset)
						want := pageIDs(t, q, lookupSQL, lookupArgs)
						wholeSQL, wholeArgs := l.walkIDs(q.Sort, q.PerPage, offset, 1<<30)
						if got := pageIDs(t, q, wholeSQL, wholeArgs); !slices.Equal(got, want) {
							t.Errorf("%s: whole walk %v, lookup %v", name, got, want)
						}
						shortSQL, shortArgs := l.walkIDs(q.Sort, q.PerPage, offset, offset+q.PerPage+3)
						if got := pageIDs(t, q, shortSQL, shortArgs); len(got) == q.PerPage && !slices.Equal(got, want) {
							t.Errorf("%s: short walk %v, lookup %v", name, got, want)
						}
						res, err := s.List(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						got := []int64{}
						for _, p := range res.Products {
							got = append(got, p.ID)
						}
						if !slices.Equal(got, want) {
							t.Errorf("%s: List %v, lookup %v", name, got, want)
						}
					}
				}
			}
		}
	}
}
