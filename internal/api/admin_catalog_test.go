package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// catalogStaffToken signs up email and makes them staff with perms,
// returning their staff token.
func (f *fixture) catalogStaffToken(t *testing.T, email string, perms ...account.Permission) string {
	t.Helper()
	_, id := f.customer(t, email)
	return f.staffToken(t, f.makeStaff(t, id, account.Staff, perms...)).AccessToken
}

func shirtBody(categoryID int64, sku string) map[string]any {
	return map[string]any{
		"category_id": categoryID, "name": "말랑 셔츠", "name_en": "Soft shirt", "type": "physical", "state": "on_sale",
		"ships": true, "price": 20000, "sale_price": 18000, "description": `<p>면 <script>x()</script></p>`,
		"options": []map[string]any{{"name": "사이즈", "values": []string{"M", "L"}}},
		"variants": []map[string]any{
			{"options": []string{"M"}, "sku": sku + "-M", "price_delta": 0, "stock": 5, "low_stock": 2, "active": true},
			{"options": []string{"L"}, "sku": sku + "-L", "price_delta": 2000, "stock": 1, "low_stock": 2, "active": true},
		},
	}
}

// Staff with the catalog scope manage categories, products and stock
// through the API; refusals name the field.
func TestCatalogAdminAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	tok := f.catalogStaffToken(t, "md@example.com", account.PermCatalog)
	call := func(method, path string, body any) *req {
		return &req{method: method, path: "/api/v1/admin" + path, token: tok, body: body}
	}

	cat := decode[api.AdminCategory](t, f.do(t, *call("POST", "/categories", map[string]any{"slug": "tea", "name": "차", "name_en": "Tea"})), http.StatusCreated)
	if cat.ParentID != nil || cat.Name != "차" || cat.Depth != 0 {
		t.Fatalf("added category = %+v", cat)
	}
	catPath := "/categories/" + strconv.FormatInt(cat.ID, 10)
	wantProblem(t, f.do(t, *call("POST", "/categories", map[string]any{"slug": "tea", "name": "또"})), http.StatusUnprocessableEntity, "body.slug")
	wantProblem(t, f.do(t, *call("POST", catPath+"/move", map[string]any{"parent_id": cat.ID})), http.StatusUnprocessableEntity, "body.parent_id")
	renamed := decode[api.AdminCategory](t, f.do(t, *call("PUT", catPath+"/name", map[string]any{"name": "녹차", "name_en": "Green tea"})), http.StatusOK)
	if renamed.Name != "녹차" || renamed.NameEN != "Green tea" {
		t.Errorf("renamed = %+v", renamed)
	}

	p := decode[api.AdminProduct](t, f.do(t, *call("POST", "/products", shirtBody(cat.ID, "API-SH"))), http.StatusCreated)
	if p.ID == 0 || len(p.Variants) != 2 || p.Variants[1].PriceDelta != 2000 || p.Description != "<p>면 </p>" || *p.SalePrice != 18000 {
		t.Fatalf("created product = %+v", p)
	}
	wantProblem(t, f.do(t, *call("POST", "/products", shirtBody(cat.ID, "API-SH"))), http.StatusUnprocessableEntity,
		"body.variants[0].sku", "body.variants[1].sku")
	bad := shirtBody(cat.ID, "API-2")
	bad["name"], bad["sale_price"] = "", 30000
	wantProblem(t, f.do(t, *call("POST", "/products", bad)), http.StatusUnprocessableEntity, "body.name", "body.sale_price")

	prodPath := "/products/" + strconv.FormatInt(p.ID, 10)
	edit := shirtBody(cat.ID, "API-SH")
	edit["state"] = "sold_out"
	got := decode[api.AdminProduct](t, f.do(t, *call("PUT", prodPath, edit)), http.StatusOK)
	if got.State != "sold_out" || got.Variants[0].ID != p.Variants[0].ID {
		t.Errorf("updated = %+v", got)
	}
	wantProblem(t, f.do(t, *call("PUT", "/products/999999", edit)), http.StatusNotFound)
	// What GET returns can be sent back as it is (ids and times are read-only).
	back := decode[api.AdminProduct](t, f.do(t, *call("GET", prodPath, nil)), http.StatusOK)
	back.Name = "말랑 셔츠 2"
	if again := decode[api.AdminProduct](t, f.do(t, *call("PUT", prodPath, back.AdminProductBody)), http.StatusOK); again.Name != "말랑 셔츠 2" ||
		len(again.Variants) != 2 || again.Variants[1].ID != p.Variants[1].ID || again.State != "sold_out" {
		t.Errorf("round trip = %+v", again)
	}
	page := decode[api.Page[api.AdminProductRow]](t, f.do(t, *call("GET", "/products?q=api-sh-l&state=sold_out", nil)), http.StatusOK)
	if page.Total != 1 || page.Items[0].ID != p.ID {
		t.Errorf("list = %+v", page)
	}

	stockPath := "/variants/" + strconv.FormatInt(p.Variants[1].ID, 10) + "/stock"
	wantProblem(t, f.do(t, *call("POST", stockPath, map[string]any{"delta": -2, "reason": "defect"})), http.StatusUnprocessableEntity, "body.delta")
	wantProblem(t, f.do(t, *call("POST", stockPath, map[string]any{"delta": 1, "reason": "other"})), http.StatusUnprocessableEntity, "body.note")
	low := decode[api.Page[api.StockVariant]](t, f.do(t, *call("GET", "/variants/low-stock", nil)), http.StatusOK)
	if low.Total != 1 || len(low.Items) != 1 || low.Items[0].SKU != "API-SH-L" {
		t.Errorf("low stock = %+v", low)
	}
	e := decode[api.StockEntry](t, f.do(t, *call("POST", stockPath, map[string]any{"delta": 9, "reason": "received"})), http.StatusCreated)
	if e.StockAfter != 10 || e.ActorEmail != "md@example.com" {
		t.Errorf("entry = %+v", e)
	}
	l := decode[api.StockLedger](t, f.do(t, *call("GET", stockPath, nil)), http.StatusOK)
	if l.Variant.Stock != 10 || len(l.Entries) != 2 || l.Entries[0].Delta != 9 {
		t.Errorf("ledger = %+v", l)
	}
	wantProblem(t, f.do(t, *call("GET", "/variants/999999/stock", nil)), http.StatusNotFound)

	wantProblem(t, f.do(t, *call("DELETE", catPath, nil)), http.StatusUnprocessableEntity, "body.category")
	hidden := decode[api.AdminCategory](t, f.do(t, *call("PUT", catPath+"/hidden", map[string]any{"hidden": true})), http.StatusOK)
	if !hidden.Hidden || hidden.Products != 1 {
		t.Errorf("hidden = %+v", hidden)
	}
	empty := decode[api.AdminCategory](t, f.do(t, *call("POST", "/categories", map[string]any{"slug": "empty", "name": "빈 곳"})), http.StatusCreated)
	if rec := f.do(t, *call("DELETE", "/categories/"+strconv.FormatInt(empty.ID, 10), nil)); rec.Code != http.StatusNoContent {
		t.Errorf("delete empty = %d %s", rec.Code, rec.Body)
	}
	all := decode[[]api.AdminCategory](t, f.do(t, *call("GET", "/categories", nil)), http.StatusOK)
	for _, c := range all {
		if c.ID == empty.ID {
			t.Error("the deleted category is listed")
		}
	}
}

// A token without the catalog scope gets 403 from every catalog operation:
// a staff member without the permission, and a customer.
func TestCatalogAdminForbidden(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	orders := f.catalogStaffToken(t, "orders@example.com", account.PermOrders)
	customer, _ := f.customer(t, "kim@example.com")
	routes := []struct{ method, path string }{
		{"GET", "/categories"},
		{"POST", "/categories"},
		{"PUT", "/categories/1/name"},
		{"POST", "/categories/1/move"},
		{"POST", "/categories/1/reorder"},
		{"PUT", "/categories/1/hidden"},
		{"DELETE", "/categories/1"},
		{"GET", "/products"},
		{"POST", "/products"},
		{"GET", "/products/1"},
		{"PUT", "/products/1"},
		{"GET", "/variants/1/stock"},
		{"POST", "/variants/1/stock"},
		{"GET", "/variants/low-stock"},
	}
	for _, tok := range []struct{ who, token string }{{"staff without catalog", orders}, {"customer", customer}} {
		for _, rt := range routes {
			t.Run(tok.who+" "+rt.method+" "+rt.path, func(t *testing.T) {
				var body any
				if rt.method != "GET" && rt.method != "DELETE" {
					body = map[string]any{}
				}
				wantProblem(t, f.do(t, req{method: rt.method, path: "/api/v1/admin" + rt.path, token: tok.token, body: body}), http.StatusForbidden)
			})
		}
	}
	n, err := f.cat.CountProducts(t.Context())
	if err != nil || n != 0 {
		t.Errorf("products = %d, %v", n, err)
	}
}
