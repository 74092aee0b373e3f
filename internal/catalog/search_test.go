package catalog_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
	"github.com/mallang/mallang/internal/fault"
)

// searchShop holds products whose names are spaced, compact, English and
// short, for the tests of what search matches.
func searchShop(t *testing.T) *shop {
	t.Helper()
	sh := newShop(t)
	ps := []catalog.NewProduct{
		{CategoryID: sh.choco.ID, Name: "다크초콜릿", NameEN: "Dark Chocolate", Description: "<p>카카오 70%</p>"},
		{CategoryID: sh.choco.ID, Name: "밀크 초콜릿 바", NameEN: "Milk Chocolate Bar", Description: "<p>부드러운 우유 맛</p>"},
		{CategoryID: sh.coffee.ID, Name: "콜드브루 원액", Description: "<p>Cold brew concentrate, smooth and sweet</p>"},
		{CategoryID: sh.fashion.ID, Name: "면 티셔츠", NameEN: "Cotton T-shirt"},
		{CategoryID: sh.fashion.ID, Name: "귀걸이 악세사리", NameEN: "Earrings"},
	}
	for i := range ps {
		ps[i].CreatedAt = now0.Add(-time.Duration(i) * time.Minute)
		ps[i].Variants = []catalog.NewVariant{{SKU: "S-" + ps[i].Name, Price: 1000, Stock: 1, Active: true}}
	}
	ids, err := sh.s.CreateProducts(context.Background(), ps)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range ps {
		sh.ids[p.Name] = ids[i]
	}
	return sh
}

func searchNames(t *testing.T, s *catalog.Service, q string) []string {
	t.Helper()
	res, err := s.List(context.Background(), catalog.ListQuery{Query: q, Sort: catalog.SortName})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != len(res.Products) {
		t.Errorf("search %q: total %d for %d products", q, res.Total, len(res.Products))
	}
	return names(res.Products)
}

func TestSearchMatches(t *testing.T) {
	t.Parallel()
	sh := searchShop(t)
	tests := []struct {
		name, q string
		want    []string
	}{
		{"spaced query finds a compact name", "다크 초콜릿", []string{"다크초콜릿"}},
		{"compact query finds a spaced name", "밀크초콜릿바", []string{"밀크 초콜릿 바"}},
		{"spacing inside a word", "초 콜 릿", []string{"다크초콜릿", "밀크 초콜릿 바"}},
		{"English name", "milk chocolate", []string{"밀크 초콜릿 바"}},
		{"English name, other spacing and case", "DarkChocolate", []string{"다크초콜릿"}},
		{"English name, two letters", "ea", []string{"귀걸이 악세사리"}},
		{"English description", "smooth and", []string{"콜드브루 원액"}},
		{"one syllable of a name", "면", []string{"면 티셔츠"}},
		{"two syllables across a space", "크초", []string{"다크초콜릿", "밀크 초콜릿 바"}},
		{"one syllable with a trailing space", "바 ", []string{"밀크 초콜릿 바"}},
		{"one Latin letter of an English name", "T", []string{"다크초콜릿", "면 티셔츠", "밀크 초콜릿 바"}},
		{"no match", "바나나", []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := searchNames(t, sh.s, tt.q); !slices.Equal(got, tt.want) {
				t.Errorf("search %q = %q, want %q", tt.q, got, tt.want)
			}
		})
	}
}

// TestShortSearchAfterRename checks that the index of one- and
// two-character queries follows a product's names as they change.
func TestShortSearchAfterRename(t *testing.T) {
	t.Parallel()
	sh := searchShop(t)
	ctx := context.Background()
	if err := sh.s.UpdateProduct(ctx, sh.ids["면 티셔츠"], catalog.ProductUpdate{Name: ptr("린넨 셔츠")}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{{"면", []string{}}, {"린넨", []string{"린넨 셔츠"}}, {"넨", []string{"린넨 셔츠"}}} {
		if got := searchNames(t, sh.s, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("search %q = %q, want %q", tt.q, got, tt.want)
		}
	}
}

func TestSynonyms(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	if _, err := e.s.CreateProducts(ctx, []catalog.NewProduct{
		{CategoryID: e.f.Leaves[0].ID, Name: "다크 초콜릿", Variants: []catalog.NewVariant{{SKU: "D", Price: 1, Stock: 1, Active: true}}},
		{CategoryID: e.f.Leaves[0].ID, Name: "진주 액세서리", Variants: []catalog.NewVariant{{SKU: "P", Price: 1, Stock: 1, Active: true}}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, e.s, "쵸콜릿"); len(got) != 0 {
		t.Fatalf("before any synonym: %q", got)
	}

	choc, err := e.s.AddSynonym(ctx, staffActor, "쵸콜릿", "초콜릿")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.AddSynonym(ctx, staffActor, " 악세 사리", "액세서리"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q    string
		want []string
	}{
		{"쵸콜릿", []string{"다크 초콜릿"}},
		{"다크 쵸콜릿", []string{"다크 초콜릿"}},
		{"진주악세사리", []string{"진주 액세서리"}},
		{"초콜릿", []string{"다크 초콜릿"}},
	} {
		if got := searchNames(t, e.s, tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("search %q = %q, want %q", tt.q, got, tt.want)
		}
	}

	list, err := e.s.Synonyms(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Term != "악세사리" || list[0].Replacement != "액세서리" || list[1].Term != "쵸콜릿" {
		t.Fatalf("synonyms = %+v", list)
	}

	bad := []struct {
		name, term, repl, field string
	}{
		{"empty term", " ", "초콜릿", "term"},
		{"empty replacement", "쵸코", "  ", "replacement"},
		{"same word", "초콜릿", "초 콜릿", "replacement"},
		{"too long", strings.Repeat("가", catalog.MaxSynonymRunes+1), "x", "term"},
		{"taken", "쵸 콜릿", "초코", "term"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := e.s.AddSynonym(ctx, staffActor, tt.term, tt.repl)
			wantField(t, err, tt.field)
		})
	}
	if n := e.audits(t, "search_synonym.added"); n != 2 {
		t.Errorf("%d added entries, want 2", n)
	}

	if err := e.s.DeleteSynonym(ctx, staffActor, choc.ID); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, e.s, "쵸콜릿"); len(got) != 0 {
		t.Errorf("after deleting the synonym: %q", got)
	}
	if err := e.s.DeleteSynonym(ctx, staffActor, choc.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("second delete = %v, want not found", err)
	}
	if n := e.audits(t, "search_synonym.deleted"); n != 1 {
		t.Errorf("%d deleted entries, want 1", n)
	}
}

// TestSynonymsReachOtherNodes checks that a synonym added through one
// Service (one app node) reaches another on the same database without a
// restart.
func TestSynonymsReachOtherNodes(t *testing.T) {
	t.Parallel()
	e := newAdminEnv(t)
	ctx := context.Background()
	clock := now0
	other := catalog.NewService(e.d, func() time.Time { return clock }, slog.New(slog.DiscardHandler), &catalogtest.Thumbs{})
	if _, err := e.s.CreateProducts(ctx, []catalog.NewProduct{
		{CategoryID: e.f.Leaves[0].ID, Name: "초콜릿", Variants: []catalog.NewVariant{{SKU: "D", Price: 1, Stock: 1, Active: true}}},
	}); err != nil {
		t.Fatal(err)
	}
	if got := searchNames(t, other, "쵸콜릿"); len(got) != 0 {
		t.Fatalf("before: %q", got)
	}
	if _, err := e.s.AddSynonym(ctx, staffActor, "쵸콜릿", "초콜릿"); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(catalog.SynonymTTL + time.Second)
	if got := searchNames(t, other, "쵸콜릿 "); !slices.Equal(got, []string{"초콜릿"}) {
		t.Errorf("other node after the TTL: %q", got)
	}
}

func TestSuggestions(t *testing.T) {
	t.Parallel()
	sh := searchShop(t)
	tests := []struct {
		q    string
		want string // the first suggestion; "" for none
	}{
		{"다크초콜렛", "다크초콜릿"},
		{"밀크쵸콜릿바", "밀크 초콜릿 바"},
		{"콜드부르", "콜드브루 원액"},
		{"qqqq", ""},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			t.Parallel()
			got, err := sh.s.Suggest(context.Background(), tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if len(got) != 0 {
					t.Errorf("suggestions = %q, want none", got)
				}
				return
			}
			if len(got) == 0 || got[0] != tt.want || len(got) > catalog.MaxSuggestions {
				t.Errorf("suggestions = %q, want %q first", got, tt.want)
			}
		})
	}
}

// TestSearchTotalIsBounded checks that a search counts its hits only up to
// MaxSearchTotal and then says the total is a lower bound, for short and
// long queries alike; a listing without search text counts them all.
func TestSearchTotalIsBounded(t *testing.T) {
	t.Parallel()
	sh := newShop(t)
	n := catalog.MaxSearchTotal + 5
	ps := make([]catalog.NewProduct, n)
	for i := range ps {
		ps[i] = catalog.NewProduct{CategoryID: sh.choco.ID, Name: fmt.Sprintf("초콜릿 %d", i),
			CreatedAt: now0.Add(time.Duration(i) * time.Second),
			Variants:  []catalog.NewVariant{{SKU: fmt.Sprintf("B-%d", i), Price: 1000, Stock: 1, Active: true}}}
	}
	if _, err := sh.s.CreateProducts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		q      catalog.ListQuery
		total  int
		capped bool
	}{
		{catalog.ListQuery{Query: "초"}, catalog.MaxSearchTotal, true},
		{catalog.ListQuery{Query: "초콜릿"}, catalog.MaxSearchTotal, true},
		{catalog.ListQuery{Query: "초콜릿", Sort: catalog.SortPriceAsc, Page: 2}, catalog.MaxSearchTotal, true},
		{catalog.ListQuery{Query: "초콜릿 100"}, 6, false},
		{catalog.ListQuery{}, n, false},
	}
	for _, tt := range tests {
		res, err := sh.s.List(context.Background(), tt.q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.total || res.TotalCapped != tt.capped || res.Pages != (tt.total+catalog.DefaultPerPage-1)/catalog.DefaultPerPage {
			t.Errorf("%+v: total %d, capped %v, pages %d; want %d, %v", tt.q, res.Total, res.TotalCapped, res.Pages, tt.total, tt.capped)
		}
	}
}
