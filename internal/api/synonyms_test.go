package api_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
)

// Staff with the catalog scope keep the search's synonym list through the
// API; a synonym changes what the product search finds at once, and
// products carry their English names.
func TestSearchSynonymsAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	if _, err := f.cat.CreateProduct(context.Background(), catalog.NewProduct{CategoryID: f.leaf, Name: "다크 초콜릿",
		NameEN: "Dark Chocolate", Variants: []catalog.NewVariant{{SKU: "SYN-D", Price: 1000, Stock: 1, Active: true}}}); err != nil {
		t.Fatal(err)
	}
	tok := f.catalogStaffToken(t, "md@example.com", account.PermCatalog)
	call := func(method, path string, body any) req {
		return req{method: method, path: "/api/v1/admin" + path, token: tok, body: body}
	}
	search := func(q string) api.ProductPage {
		t.Helper()
		return decode[api.ProductPage](t, get(t, f.h, "GET", "/api/v1/products?q="+url.QueryEscape(q)), http.StatusOK)
	}
	if p := search("다크초콜릿"); p.Total != 1 || p.Items[0].NameEN != "Dark Chocolate" {
		t.Fatalf("search without spaces = %+v", p)
	}
	if p := search("쵸콜릿"); p.Total != 0 {
		t.Fatalf("before the synonym: %+v", p)
	}

	syn := decode[api.Synonym](t, f.do(t, call("POST", "/search-synonyms", map[string]any{"term": "쵸 콜릿", "replacement": "초콜릿"})), http.StatusCreated)
	if syn.ID == 0 || syn.Term != "쵸콜릿" || syn.Replacement != "초콜릿" {
		t.Fatalf("added = %+v", syn)
	}
	if p := search("쵸콜릿"); p.Total != 1 {
		t.Errorf("after the synonym: %d hits, want 1", p.Total)
	}
	wantProblem(t, f.do(t, call("POST", "/search-synonyms", map[string]any{"term": "쵸콜릿", "replacement": "초코"})),
		http.StatusUnprocessableEntity, "body.term")
	wantProblem(t, f.do(t, call("POST", "/search-synonyms", map[string]any{"term": "초코", "replacement": "초 코"})),
		http.StatusUnprocessableEntity, "body.replacement")
	list := decode[[]api.Synonym](t, f.do(t, call("GET", "/search-synonyms", nil)), http.StatusOK)
	if len(list) != 1 || list[0].ID != syn.ID {
		t.Errorf("list = %+v", list)
	}

	path := "/search-synonyms/" + strconv.FormatInt(syn.ID, 10)
	if rec := f.do(t, call("DELETE", path, nil)); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body)
	}
	if p := search("쵸콜릿"); p.Total != 0 {
		t.Errorf("after deleting: %d hits", p.Total)
	}
	wantProblem(t, f.do(t, call("DELETE", path, nil)), http.StatusNotFound)
	for _, action := range []string{"search_synonym.added", "search_synonym.deleted"} {
		es, n, err := f.audit.List(context.Background(), audit.Filter{Action: action})
		if err != nil || n != 1 || es[0].ActorEmail != "md@example.com" {
			t.Errorf("audit %s = %+v (%d), %v", action, es, n, err)
		}
	}
}

// A search with more hits than the catalog counts says its total is a
// lower bound.
func TestSearchTotalCapped(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	ps := make([]catalog.NewProduct, catalog.MaxSearchTotal+1)
	for i := range ps {
		ps[i] = catalog.NewProduct{CategoryID: f.leaf, Name: "마카롱 " + strconv.Itoa(i),
			Variants: []catalog.NewVariant{{SKU: "MAC-" + strconv.Itoa(i), Price: 1000, Stock: 1, Active: true}}}
	}
	if _, err := f.cat.CreateProducts(context.Background(), ps); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		q      string
		total  int
		capped bool
	}{{"마카롱", catalog.MaxSearchTotal, true}, {"마카롱 1000", 1, false}} {
		p := decode[api.ProductPage](t, get(t, f.h, "GET", "/api/v1/products?q="+url.QueryEscape(tt.q)), http.StatusOK)
		if p.Total != tt.total || p.TotalCapped != tt.capped {
			t.Errorf("%q: total %d, capped %v; want %d, %v", tt.q, p.Total, p.TotalCapped, tt.total, tt.capped)
		}
	}
}
