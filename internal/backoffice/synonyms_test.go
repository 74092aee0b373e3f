package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

var synonymDeleteRE = regexp.MustCompile(`action="(` + bo + `/catalog/synonyms/\d+/delete)"`)

// Staff with the catalog permission keep the search's synonym list: a
// synonym they add changes what the storefront's search finds at once,
// refused input says why per field and writes nothing, and deleting one
// undoes it; each change is audited with the staff member.
func TestSynonymPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := catalogtest.Categories(t, e.shop.Catalog)
	if _, err := e.shop.Catalog.CreateProduct(context.Background(), catalog.NewProduct{CategoryID: f.Leaves[0].ID,
		Name: "다크 초콜릿", Variants: []catalog.NewVariant{{SKU: "D", Price: 1000, Stock: 1, Active: true}}}); err != nil {
		t.Fatal(err)
	}
	hits := func() int {
		t.Helper()
		res, err := e.shop.Catalog.List(context.Background(), catalog.ListQuery{Query: "쵸콜릿"})
		if err != nil {
			t.Fatal(err)
		}
		return res.Total
	}
	e.user(t, "md@example.com", account.Staff, account.PermCatalog)
	b, _ := e.staffIn("md@example.com")

	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="nav-synonyms"`)
	st, body = b.get(bo + "/catalog/synonyms")
	must(t, st, http.StatusOK, body)
	contains(t, body, "검색 동의어", `name="term"`, `name="replacement"`, "등록된 동의어가 없습니다")

	bad := []struct {
		name   string
		form   url.Values
		errors []string
	}{
		{"no word", url.Values{"term": {" "}, "replacement": {"초콜릿"}}, []string{`data-testid="error-term"`, "필수 항목입니다"}},
		{"same word", url.Values{"term": {"초콜릿"}, "replacement": {"초 콜릿"}}, []string{`data-testid="error-replacement"`, "바꿀 말과 달라야"}},
		{"too long", url.Values{"term": {strings.Repeat("가", 51)}, "replacement": {"x"}}, []string{`data-testid="error-term"`, "50자 이하"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(bo+"/catalog/synonyms", tt.form)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%s", st, body)
			}
			contains(t, body, append([]string{`data-testid="form-error"`}, tt.errors...)...)
		})
	}
	e.auditEntries(t, "search_synonym.added", 0)

	st, body = b.post(bo+"/catalog/synonyms", url.Values{"term": {"쵸콜릿"}, "replacement": {"초콜릿"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="notice"`, `data-testid="synonym-row"`, "쵸콜릿", "초콜릿")
	if n := hits(); n != 1 {
		t.Errorf("search for 쵸콜릿 after adding: %d hits, want 1", n)
	}
	if es := e.auditEntries(t, "search_synonym.added", 1); es[0].ActorEmail != "md@example.com" {
		t.Errorf("audit actor = %q", es[0].ActorEmail)
	}

	st, body = b.post(bo+"/catalog/synonyms", url.Values{"term": {"쵸 콜릿"}, "replacement": {"초코"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate: status %d", st)
	}
	contains(t, body, `data-testid="error-term"`, "이미 등록된")

	m := synonymDeleteRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no delete form\n%s", body)
	}
	st, body = b.post(m[1], url.Values{})
	must(t, st, http.StatusOK, body)
	contains(t, body, "등록된 동의어가 없습니다")
	if n := hits(); n != 0 {
		t.Errorf("search for 쵸콜릿 after deleting: %d hits, want 0", n)
	}
	e.auditEntries(t, "search_synonym.deleted", 1)

	st, _ = b.post(m[1], url.Values{})
	if st != http.StatusNotFound {
		t.Errorf("deleting again: status %d, want 404", st)
	}
}
