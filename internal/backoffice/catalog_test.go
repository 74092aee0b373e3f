package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// productForm is a posted product form with one variant row (no options).
func productForm(categoryID int64, name, sku string) url.Values {
	return url.Values{"name": {name}, "name_en": {"Tea"}, "category_id": {strconv.FormatInt(categoryID, 10)},
		"type": {"physical"}, "state": {"on_sale"}, "price": {"12,000"}, "sale_price": {""}, "ships": {"1"},
		"summary": {"향긋한 차"}, "description": {`<p>차 <script>x()</script></p>`}, "seo_title": {""}, "seo_description": {""},
		"variant_rows": {"1"}, "v0_sku": {sku}, "v0_delta": {"0"}, "v0_stock": {"7"}, "v0_low": {"3"}, "v0_active": {"1"}}
}

func (e *env) productCount(t *testing.T) int {
	t.Helper()
	n, err := e.shop.Catalog.CountProducts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// auditEntries returns the n entries of action, failing unless there are n.
func (e *env) auditEntries(t *testing.T, action string, n int) []audit.Entry {
	t.Helper()
	es, total, err := e.audit.List(context.Background(), audit.Filter{Action: action})
	if err != nil || total != n {
		t.Fatalf("audit %s = %+v (%d), %v; want %d", action, es, total, err, n)
	}
	return es
}

var productPathRE = regexp.MustCompile(`/catalog/products/(\d+)$`)

// Staff with the catalog permission create a product through the form
// (refused input comes back with each field's message and writes nothing),
// make option combinations, find it by name and SKU, and edit it.
func TestCatalogProductPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := catalogtest.Categories(t, e.shop.Catalog)
	leaf := f.Leaves[0].ID
	e.user(t, "md@example.com", account.Staff, account.PermCatalog)
	b, _ := e.staffIn("md@example.com")

	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="nav-products"`, `data-testid="nav-categories"`, `data-testid="nav-low_stock"`)

	st, body = b.get(bo + "/catalog/products/new")
	must(t, st, http.StatusOK, body)
	contains(t, body, `<textarea id="f-description" name="description" data-editor="rich"`, `data-testid="variant-row"`)

	bad := []struct {
		name   string
		edit   func(v url.Values)
		errors []string
	}{
		{"no name, price not a number", func(v url.Values) { v.Set("name", ""); v.Set("price", "abc") },
			[]string{`data-testid="error-price"`, "숫자로 입력하세요"}},
		{"no name", func(v url.Values) { v.Set("name", " ") }, []string{`data-testid="error-name"`, "필수 항목입니다"}},
		{"no category", func(v url.Values) { v.Set("category_id", "0") }, []string{`data-testid="error-category_id"`}},
		{"sale above price", func(v url.Values) { v.Set("sale_price", "13000") }, []string{`data-testid="error-sale_price"`, "판매가보다 낮아야"}},
		{"no SKU", func(v url.Values) { v.Set("v0_sku", "") }, []string{`data-testid="error-v0_sku"`}},
		{"negative stock", func(v url.Values) { v.Set("v0_stock", "-1") }, []string{`data-testid="error-v0_stock"`, "0 이상"}},
		{"options changed without rows", func(v url.Values) { v.Set("option_name_1", "맛"); v.Set("option_values_1", "기본, 진한") },
			[]string{`data-testid="error-variants"`, "옵션 조합 만들기"}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			v := productForm(leaf, "녹차", "TEA-1")
			tt.edit(v)
			st, body := b.post(bo+"/catalog/products/new", v)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%s", st, body)
			}
			contains(t, body, append([]string{`data-testid="form-error"`}, tt.errors...)...)
			if n := e.productCount(t); n != 0 {
				t.Errorf("%d products written", n)
			}
		})
	}

	// Applying options makes a row per combination, keeping what was typed.
	v := productForm(leaf, "녹차", "TEA-1")
	v.Set("option_name_1", "맛")
	v.Set("option_values_1", "기본, 진한")
	v.Set("apply_options", "1")
	st, body = b.post(bo+"/catalog/products/new", v)
	must(t, st, http.StatusOK, body)
	if n := regexp.MustCompile(`data-testid="variant-row"`).FindAllStringIndex(body, -1); len(n) != 2 {
		t.Fatalf("%d variant rows, want 2\n%s", len(n), body)
	}
	contains(t, body, "기본", "진한", `name="v1_o1" value="진한"`)

	v = productForm(leaf, "녹차", "")
	v.Set("option_name_1", "맛")
	v.Set("option_values_1", "기본, 진한")
	v.Set("variant_rows", "2")
	v.Set("v0_o1", "기본")
	v.Set("v0_sku", "TEA-B")
	v.Set("v1_o1", "진한")
	v.Set("v1_sku", "TEA-S")
	v.Set("v1_delta", "1,000")
	v.Set("v1_stock", "2")
	v.Set("v1_low", "2")
	v.Set("v1_active", "1")
	st, body = b.post(bo+"/catalog/products/new", v)
	must(t, st, http.StatusOK, body)
	m := productPathRE.FindStringSubmatch(b.path())
	if m == nil {
		t.Fatalf("after saving at %s", b.path())
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	contains(t, body, "저장했습니다", `data-testid="stock-link"`, `href="`+bo+`/catalog/products/`+m[1]+`/images"`, "TEA-S")
	lacks(t, body, "<script>x()")
	p, err := e.shop.Catalog.AdminProduct(context.Background(), id)
	if err != nil || len(p.Variants) != 2 || p.Variants[1].PriceDelta != 1000 || p.Variants[1].Stock != 2 || p.Price != 12000 {
		t.Fatalf("saved product = %+v, %v", p, err)
	}
	if es := e.auditEntries(t, "product.created", 1); es[0].ActorEmail != "md@example.com" {
		t.Errorf("audited as %q", es[0].ActorEmail)
	}

	// A SKU of this product cannot be another's.
	st, body = b.post(bo+"/catalog/products/new", productForm(leaf, "홍차", "TEA-S"))
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("duplicate SKU: %d", st)
	}
	contains(t, body, `data-testid="error-v0_sku"`, "이미 쓰고 있는 값입니다")

	// The list finds it by name and by SKU, and by state.
	for _, q := range []string{"?q=녹", "?q=tea-s", "?state=on_sale&category=" + strconv.FormatInt(leaf, 10)} {
		st, body = b.get(bo + "/catalog/products" + q)
		must(t, st, http.StatusOK, body)
		contains(t, body, `data-testid="product-row"`, "녹차", "판매중")
	}
	st, body = b.get(bo + "/catalog/products?state=draft")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="no-products"`)

	// Editing: sold out by hand.
	v.Set("state", "sold_out")
	v.Set("name", "녹차 세트")
	st, body = b.post(bo+"/catalog/products/"+m[1], v)
	must(t, st, http.StatusOK, body)
	contains(t, body, "녹차 세트", "저장했습니다")
	if p, _ := e.shop.Catalog.AdminProduct(context.Background(), id); p.State != catalog.StateSoldOut || p.Variants[1].Stock != 2 {
		t.Errorf("after the edit: %+v", p)
	}
}

// Categories are added, refused with a message when the slug is bad or the
// category holds products, hidden and shown.
func TestCatalogCategoryPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := catalogtest.Categories(t, e.shop.Catalog)
	choco := f.Category(t, "chocolate")
	if _, err := e.shop.Catalog.SaveProduct(context.Background(), audit.Actor{}, 0, catalog.ProductInput{CategoryID: choco.ID,
		Name: "초콜릿", State: catalog.StateOnSale, Price: 1000, Variants: []catalog.VariantInput{{SKU: "C-1", Active: true}}}); err != nil {
		t.Fatal(err)
	}
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/catalog/categories")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-slug="chocolate"`, "초콜릿")

	st, body = b.post(bo+"/catalog/categories", url.Values{"name": {"차"}, "slug": {"Green Tea"}, "parent_id": {"0"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad slug: %d", st)
	}
	contains(t, body, `data-testid="error-slug"`, "영문 소문자")
	st, body = b.post(bo+"/catalog/categories", url.Values{"name": {"차"}, "name_en": {"Tea"}, "slug": {"tea"},
		"parent_id": {strconv.FormatInt(f.Category(t, "food").ID, 10)}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "카테고리를 추가했습니다", `data-slug="tea"`)

	cat := bo + "/catalog/categories/" + strconv.FormatInt(choco.ID, 10)
	st, body = b.post(cat+"/delete", url.Values{})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("delete with products: %d", st)
	}
	contains(t, body, `data-testid="error-category"`, "상품이 있어 삭제할 수 없습니다")
	st, body = b.post(cat+"/move", url.Values{"parent_id": {strconv.FormatInt(choco.ID, 10)}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("move under itself: %d", st)
	}
	contains(t, body, "하위 카테고리 아래로는 옮길 수 없습니다")
	st, body = b.post(cat+"/hide", url.Values{})
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="category-hidden"`, "숨겼습니다")
	if _, err := e.shop.Catalog.CategoryBySlug(context.Background(), "chocolate"); err == nil {
		t.Error("the storefront still sees the hidden category")
	}
	st, body = b.post(cat+"/show", url.Values{})
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="category-hidden"`)
	if es := e.auditEntries(t, "category.hidden", 1); es[0].ActorEmail != "boss@example.com" {
		t.Errorf("audited as %q", es[0].ActorEmail)
	}
}

// A variant's stock is adjusted with a reason; taking more than there is
// is refused with a message; variants at or below their threshold are
// listed.
func TestCatalogStockPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := catalogtest.Categories(t, e.shop.Catalog)
	id, err := e.shop.Catalog.SaveProduct(context.Background(), audit.Actor{}, 0, catalog.ProductInput{CategoryID: f.Leaves[0].ID,
		Name: "머그컵", State: catalog.StateOnSale, Price: 9000,
		Variants: []catalog.VariantInput{{SKU: "MUG-1", Stock: 4, LowStock: 5, Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.shop.Catalog.AdminProduct(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	page := bo + "/catalog/variants/" + strconv.FormatInt(p.Variants[0].ID, 10) + "/stock"
	b, _ := e.staffIn("boss@example.com")
	st, body := b.get(bo + "/catalog/low-stock")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="low-row"`, "MUG-1", "머그컵")

	st, body = b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="ledger-row"`, "처음 재고", "입고", `data-testid="stock">4<`)

	tests := []struct {
		name   string
		form   url.Values
		status int
		want   []string
	}{
		{"too many taken", url.Values{"delta": {"-5"}, "reason": {"defect"}}, http.StatusUnprocessableEntity,
			[]string{`data-testid="error-delta"`, "재고가 0보다 적어집니다", `data-testid="stock">4<`}},
		{"not a number", url.Values{"delta": {"many"}, "reason": {"received"}}, http.StatusUnprocessableEntity,
			[]string{`data-testid="error-delta"`}},
		{"other without a note", url.Values{"delta": {"1"}, "reason": {"other"}}, http.StatusUnprocessableEntity,
			[]string{`data-testid="error-note"`}},
		{"received", url.Values{"delta": {"+10"}, "reason": {"received"}, "note": {"2차 입고"}}, http.StatusOK,
			[]string{"재고를 조정했습니다", `data-testid="stock">14<`, "2차 입고", "boss@example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, body := b.post(page, tt.form)
			if st != tt.status {
				t.Fatalf("status %d, want %d\n%s", st, tt.status, body)
			}
			contains(t, body, tt.want...)
		})
	}
	st, body = b.get(bo + "/catalog/low-stock")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="no-low-stock"`)
}

// Staff without the catalog permission get 403 on every page and form of
// the section, and see no link to it.
func TestCatalogNeedsPermission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	f := catalogtest.Categories(t, e.shop.Catalog)
	id, err := e.shop.Catalog.SaveProduct(context.Background(), audit.Actor{}, 0, catalog.ProductInput{CategoryID: f.Leaves[0].ID,
		Name: "머그컵", State: catalog.StateOnSale, Price: 9000, Variants: []catalog.VariantInput{{SKU: "MUG-1", Stock: 4, Active: true}}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.shop.Catalog.AdminProduct(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	pid, vid, cid := strconv.FormatInt(id, 10), strconv.FormatInt(p.Variants[0].ID, 10), strconv.FormatInt(f.Leaves[0].ID, 10)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	b, _ := e.staffIn("orders@example.com")
	routes := []struct{ method, path string }{
		{"GET", "/catalog/products"},
		{"GET", "/catalog/products/new"},
		{"POST", "/catalog/products/new"},
		{"GET", "/catalog/products/" + pid},
		{"POST", "/catalog/products/" + pid},
		{"GET", "/catalog/categories"},
		{"POST", "/catalog/categories"},
		{"POST", "/catalog/categories/" + cid + "/rename"},
		{"POST", "/catalog/categories/" + cid + "/move"},
		{"POST", "/catalog/categories/" + cid + "/up"},
		{"POST", "/catalog/categories/" + cid + "/down"},
		{"POST", "/catalog/categories/" + cid + "/hide"},
		{"POST", "/catalog/categories/" + cid + "/show"},
		{"POST", "/catalog/categories/" + cid + "/delete"},
		{"GET", "/catalog/variants/" + vid + "/stock"},
		{"POST", "/catalog/variants/" + vid + "/stock"},
		{"GET", "/catalog/low-stock"},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			var st int
			if rt.method == "GET" {
				st, _ = b.get(bo + rt.path)
			} else {
				st, _ = b.post(bo+rt.path, url.Values{"name": {"x"}, "delta": {"1"}, "reason": {"received"}})
			}
			if st != http.StatusForbidden {
				t.Errorf("status %d, want 403", st)
			}
		})
	}
	_, body := b.get(bo + "/")
	lacks(t, body, `data-testid="nav-products"`)
	if n := e.productCount(t); n != 1 {
		t.Errorf("%d products", n)
	}
}
