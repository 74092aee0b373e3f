package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/catalog"
)

// sendFile posts file to path as contentType with token.
func (f *fixture) sendFile(t *testing.T, path, token, contentType string, file []byte) *httptest.ResponseRecorder {
	t.Helper()
	hr := httptest.NewRequestWithContext(t.Context(), http.MethodPost, path, bytes.NewReader(file))
	hr.Header.Set("Content-Type", contentType)
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("User-Agent", testAgent)
	hr.RemoteAddr = testIP + ":1234"
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, hr)
	return rec
}

func TestProductExportAndImport(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	ctx := context.Background()
	if _, err := f.cat.CreateProduct(ctx, catalog.NewProduct{CategoryID: f.leaf, Name: "말랑 초콜릿",
		Variants: []catalog.NewVariant{{SKU: "API-1", Price: 5000, Stock: 3, Active: true}}}); err != nil {
		t.Fatal(err)
	}
	customer := f.checkoutCustomer(t, minjiEmail)
	clerk := f.checkoutCustomer(t, "clerk@example.com")
	f.staff(t, &clerk, "staff", "orders")
	admin := f.checkoutCustomer(t, "admin@example.com")
	f.staff(t, &admin, "staff", "catalog")

	const file = "SKU,재고\r\nAPI-1,7\r\n"
	for _, tok := range []string{customer.token, clerk.token} {
		wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/products/export", token: tok}), http.StatusForbidden)
		wantProblem(t, f.sendFile(t, "/api/v1/admin/products/import?dry_run=false", tok, "text/csv", []byte(file)), http.StatusForbidden)
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/products/export"}), http.StatusUnauthorized)

	rec := f.do(t, req{method: "GET", path: "/api/v1/admin/products/export?format=csv", token: admin.token})
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.HasPrefix(rec.Body.String(), "\uFEFF상품번호,상품명,") || !strings.Contains(rec.Body.String(), ",API-1,") {
		t.Fatalf("export = %d %s\n%s", rec.Code, rec.Header(), rec.Body)
	}
	rec = f.do(t, req{method: "GET", path: "/api/v1/admin/products/export?format=xlsx", token: admin.token})
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK\x03\x04") {
		t.Fatalf("xlsx export = %d %s", rec.Code, rec.Header())
	}
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/products/export?format=pdf", token: admin.token}), http.StatusUnprocessableEntity)

	// A dry run by default.
	rep := decode[api.ImportReport](t, f.sendFile(t, "/api/v1/admin/products/import", admin.token, "text/csv", []byte(file)), http.StatusOK)
	if !rep.DryRun || rep.Applied || rep.Updated != 1 || len(rep.Changes) != 1 ||
		rep.Changes[0].Fields[0] != (api.ImportField{Field: "stock", Before: "3", After: "7"}) {
		t.Fatalf("dry run = %+v", rep)
	}
	bad := "SKU,재고\r\nAPI-1,7\r\nAPI-2,-1\r\n"
	rep = decode[api.ImportReport](t, f.sendFile(t, "/api/v1/admin/products/import?dry_run=false", admin.token, "text/csv", []byte(bad)), http.StatusOK)
	if rep.Applied || len(rep.Problems) != 1 || rep.Problems[0] != (api.ImportIssue{Row: 3, Field: "stock", Column: "재고",
		Value: "-1", Reason: "negative", Message: "must not be negative", MessageKO: "0 이상이어야 합니다"}) {
		t.Fatalf("bad rows = %+v", rep)
	}
	rep = decode[api.ImportReport](t, f.sendFile(t, "/api/v1/admin/products/import?dry_run=false&partial=true", admin.token,
		"application/octet-stream", []byte(bad)), http.StatusOK)
	if !rep.Applied || rep.Updated != 1 || rep.Rejected != 1 {
		t.Fatalf("partial = %+v", rep)
	}
	p, err := f.cat.Product(ctx, mustProductOf(t, f, "API-1"))
	if err != nil || p.Variants[0].Stock != 7 {
		t.Fatalf("stock after import = %+v, %v", p.Variants, err)
	}

	wantProblem(t, f.sendFile(t, "/api/v1/admin/products/import", admin.token, "text/csv", []byte("\x89PNG\r\n\x1a\n\x00\x00")),
		http.StatusUnprocessableEntity, "body.file")
	big := append([]byte("SKU\r\n"), bytes.Repeat([]byte("A\r\n"), 4<<20)...)
	wantProblem(t, f.sendFile(t, "/api/v1/admin/products/import", admin.token, "text/csv", big), http.StatusRequestEntityTooLarge)
}

func mustProductOf(t *testing.T, f *fixture, sku string) int64 {
	t.Helper()
	var id int64
	q := f.d.Read()
	if err := q.GetContext(t.Context(), &id, q.Rebind(`SELECT product_id FROM variants WHERE sku = ?`), sku); err != nil {
		t.Fatal(err)
	}
	return id
}

// The export and import are in the OpenAPI document with the catalog
// scope, the import's body as a file.
func TestBulkOpenAPI(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	rec := get(t, f.h, "GET", "/api/v1/openapi.json")
	var doc struct {
		Paths map[string]map[string]struct {
			Security    []map[string][]string `json:"security"`
			RequestBody struct {
				Content map[string]any `json:"content"`
			} `json:"requestBody"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, method string }{
		{"/api/v1/admin/products/export", "get"},
		{"/api/v1/admin/products/import", "post"},
	} {
		op, ok := doc.Paths[tt.path][tt.method]
		if !ok {
			t.Errorf("%s %s is not documented", tt.method, tt.path)
			continue
		}
		if len(op.Security) != 1 || !slices.Equal(op.Security[0][bearerScheme], []string{"catalog"}) {
			t.Errorf("%s %s: security %v, want the catalog scope", tt.method, tt.path, op.Security)
		}
	}
	if _, ok := doc.Paths["/api/v1/admin/products/import"]["post"].RequestBody.Content["text/csv"]; !ok {
		t.Errorf("import body = %v", doc.Paths["/api/v1/admin/products/import"]["post"].RequestBody.Content)
	}
}

// A body sent as JSON is a file like any other: told by its content.
func TestImportIgnoresTheContentType(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	admin := f.checkoutCustomer(t, "admin@example.com")
	f.staff(t, &admin, "staff", "catalog")
	p := wantProblem(t, f.do(t, req{method: "POST", path: "/api/v1/admin/products/import", token: admin.token, body: map[string]any{}}),
		http.StatusUnprocessableEntity, "body.file")
	if !strings.Contains(p.Errors[0].Message, "no SKU column") {
		t.Errorf("problem = %+v", p)
	}
}
