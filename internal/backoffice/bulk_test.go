package backoffice_test

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/catalog/catalogtest"
)

// uploadSheet posts file as the import form's file with the other fields.
func (b *browser) uploadSheet(p, name string, file []byte, fields map[string]string) (int, string) {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			b.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		b.t.Fatal(err)
	}
	if _, err := fw.Write(file); err != nil {
		b.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, b.e.srv.URL+p, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// stockOf is the stock of the variant with sku.
func (e *env) stockOf(t *testing.T, sku string) int64 {
	t.Helper()
	var n int64
	q := e.d.Read()
	if err := q.GetContext(t.Context(), &n, q.Rebind(`SELECT stock FROM variants WHERE sku = ?`), sku); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBulkProducts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	leaf := catalogtest.Categories(t, e.shop.Catalog).Leaves[0]
	if _, err := e.shop.Catalog.CreateProduct(context.Background(), catalog.NewProduct{CategoryID: leaf.ID, Name: "말랑 초콜릿",
		Variants: []catalog.NewVariant{{SKU: "BULK-1", Price: 5000, Stock: 3, Active: true}}}); err != nil {
		t.Fatal(err)
	}
	bad := []byte("SKU,재고\r\nBULK-1,7\r\nBULK-2,-1\r\n")

	clerk := e.user(t, "clerk@example.com", account.Staff, account.PermOrders)
	cb, _ := e.staffIn(clerk.Email)
	t.Run("forbidden without the catalog permission", func(t *testing.T) {
		if st, body := cb.get(bo + "/"); st != http.StatusOK || strings.Contains(body, bo+"/catalog/bulk") {
			t.Errorf("dashboard = %d, links the bulk section: %v", st, strings.Contains(body, bo+"/catalog/bulk"))
		}
		for _, p := range []string{"/catalog/bulk", "/catalog/bulk/export?format=csv", "/catalog/bulk/export?format=xlsx"} {
			if st, _ := cb.get(bo + p); st != http.StatusForbidden {
				t.Errorf("GET %s = %d, want 403", p, st)
			}
		}
		if st, _ := cb.uploadSheet(bo+"/catalog/bulk/import", "a.csv", bad, map[string]string{"mode": "apply", "partial": "1"}); st != http.StatusForbidden {
			t.Errorf("import = %d, want 403", st)
		}
		if e.stockOf(t, "BULK-1") != 3 {
			t.Error("a forbidden import changed stock")
		}
	})

	editor := e.user(t, "editor@example.com", account.Staff, account.PermCatalog)
	b, _ := e.staffIn(editor.Email)
	st, body := b.get(bo + "/catalog/bulk")
	if st != http.StatusOK || !strings.Contains(body, `data-testid="export-xlsx"`) || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatalf("bulk page = %d\n%s", st, body)
	}
	st, body = b.get(bo + "/catalog/bulk/export?format=csv")
	if st != http.StatusOK || !strings.HasPrefix(body, "\uFEFF상품번호,") || !strings.Contains(body, ",BULK-1,") ||
		!strings.HasPrefix(b.last.Header.Get("Content-Disposition"), `attachment; filename="products-`) {
		t.Fatalf("export = %d %v\n%s", st, b.last.Header, body)
	}

	// run uploads file and returns the report page once the import is done.
	run := func(t *testing.T, file []byte, fields map[string]string) string {
		t.Helper()
		st, body := b.uploadSheet(bo+"/catalog/bulk/import", "상품.csv", file, fields)
		if st != http.StatusOK || !strings.HasPrefix(b.path(), bo+"/catalog/bulk/runs/") {
			t.Fatalf("upload = %d at %s\n%s", st, b.path(), body)
		}
		runPath := b.path()
		if _, err := e.shop.Bulk().Wait(t.Context(), path.Base(runPath)); err != nil {
			t.Fatal(err)
		}
		st, body = b.get(runPath)
		if st != http.StatusOK || b.last.Header.Get("Refresh") != "" {
			t.Fatalf("run page = %d (refresh %q)\n%s", st, b.last.Header.Get("Refresh"), body)
		}
		return html.UnescapeString(body)
	}

	t.Run("rejected rows change nothing", func(t *testing.T) {
		body := run(t, bad, map[string]string{"mode": "apply"})
		for _, want := range []string{"잘못된 행이 있어 아무것도 바꾸지 않았습니다", `<td class="num">3</td><td class="nowrap">재고</td><td>-1</td><td>0 이상이어야 합니다</td>`,
			"상품.csv"} {
			if !strings.Contains(body, want) {
				t.Errorf("report lacks %q:\n%s", want, body)
			}
		}
		if e.stockOf(t, "BULK-1") != 3 {
			t.Error("stock changed")
		}
	})
	t.Run("a dry run changes nothing", func(t *testing.T) {
		body := run(t, []byte("SKU,재고\r\nBULK-1,7\r\n"), nil)
		if !strings.Contains(body, "미리보기입니다") || !strings.Contains(body, "재고: 3 → 7") || e.stockOf(t, "BULK-1") != 3 {
			t.Errorf("dry run:\n%s", body)
		}
	})
	t.Run("a preview applied as it is", func(t *testing.T) {
		body := run(t, bad, nil)
		if !strings.Contains(body, `data-testid="apply-form"`) || e.stockOf(t, "BULK-1") != 3 {
			t.Fatalf("preview:\n%s", body)
		}
		runPath := b.path()
		st, body := b.post(runPath+"/apply", url.Values{"partial": {"1"}})
		if st != http.StatusOK || b.path() == runPath {
			t.Fatalf("apply = %d at %s\n%s", st, b.path(), body)
		}
		if _, err := e.shop.Bulk().Wait(t.Context(), path.Base(b.path())); err != nil {
			t.Fatal(err)
		}
		if e.stockOf(t, "BULK-1") != 7 {
			t.Errorf("stock = %d, want 7", e.stockOf(t, "BULK-1"))
		}
		// A run that was applied cannot be applied again.
		if st, _ := b.post(b.path()+"/apply", url.Values{"partial": {"1"}}); st != http.StatusNotFound {
			t.Errorf("second apply = %d, want 404", st)
		}
		if st, _ := cb.post(runPath+"/apply", nil); st != http.StatusForbidden {
			t.Errorf("apply without the permission = %d, want 403", st)
		}
	})
	t.Run("a form sent twice is one run", func(t *testing.T) {
		_, page := b.get(bo + "/catalog/bulk")
		m := regexp.MustCompile(`name="key" value="([0-9a-f]{32})"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the form has no one-time key:\n%s", page)
		}
		fields := map[string]string{"key": m[1]}
		var paths []string
		for range 2 {
			if st, body := b.uploadSheet(bo+"/catalog/bulk/import", "상품.csv", bad, fields); st != http.StatusOK {
				t.Fatalf("upload = %d\n%s", st, body)
			}
			paths = append(paths, b.path())
		}
		if paths[0] != paths[1] || !strings.HasPrefix(paths[0], bo+"/catalog/bulk/runs/") {
			t.Errorf("the same form went to %v", paths)
		}
		if _, page2 := b.get(bo + "/catalog/bulk"); strings.Contains(page2, m[1]) {
			t.Error("the next form has the same key")
		}
	})
	t.Run("good rows only", func(t *testing.T) {
		body := run(t, bad, map[string]string{"mode": "apply", "partial": "1"})
		if !strings.Contains(body, "반영했습니다") || e.stockOf(t, "BULK-1") != 7 {
			t.Errorf("partial: stock %d\n%s", e.stockOf(t, "BULK-1"), body)
		}
	})
	t.Run("files that cannot be imported", func(t *testing.T) {
		tests := []struct {
			name   string
			file   []byte
			status int
			want   string
		}{
			{"an image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), http.StatusUnprocessableEntity, "CSV 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다"},
			{"too big", bytes.Repeat([]byte("A,1\r\n"), 11<<20/5), http.StatusRequestEntityTooLarge, "파일이 너무 큽니다"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				st, body := b.uploadSheet(bo+"/catalog/bulk/import", "x.csv", tt.file, map[string]string{"mode": "apply"})
				if st != tt.status || !strings.Contains(body, tt.want) || !strings.Contains(body, `data-testid="form-error"`) {
					t.Errorf("upload = %d\n%s", st, body)
				}
			})
		}
	})
}
