package content_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/content"
)

// xssVectors are bodies that try to run script, each with the marker that
// must not survive, and the text around it that must.
var xssVectors = []struct {
	name, html, marker string
}{
	{"script", `<p>안녕</p><script>alert("xss-script")</script>`, "xss-script"},
	{"onerror", `<p>안녕</p><img src="/x.png" onerror="alert('xss-onerror')">`, "onerror"},
	{"javascript href", `<p>안녕</p><a href="javascript:alert('xss-href')">눌러</a>`, "javascript:"},
	{"svg onload", `<p>안녕</p><svg onload="alert('xss-svg')"><circle r="1"/></svg>`, "onload"},
	{"iframe", `<p>안녕</p><iframe src="https://evil.example/xss-iframe"></iframe>`, "iframe"},
	{"style", `<p style="background:url(javascript:alert('xss-style'))">안녕</p>`, "javascript:"},
}

// A notice and a page written with script in their bodies are stored
// sanitised, and their storefront pages carry none of it.
func TestBodiesSanitised(t *testing.T) {
	t.Parallel()
	shop := apptest.New(t, apptest.Options{})
	c, ctx := shop.Content(), t.Context()
	for i, v := range xssVectors {
		t.Run(v.name, func(t *testing.T) {
			n, err := c.CreateNotice(ctx, staff, content.NoticeInput{Title: "공지 " + v.name, Body: v.html, Published: true})
			if err != nil {
				t.Fatal(err)
			}
			p, err := c.CreatePage(ctx, staff, content.PageInput{Slug: "xss-" + strconv.Itoa(i), Title: "페이지 " + v.name,
				Body: v.html, Published: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, stored := range []string{n.Body, p.Body} {
				if strings.Contains(strings.ToLower(stored), v.marker) || !strings.Contains(stored, "안녕") {
					t.Errorf("stored body %q", stored)
				}
			}
			for _, path := range []string{"/notices/" + strconv.FormatInt(n.ID, 10), "/pages/" + p.Slug} {
				r := httptest.NewRequestWithContext(ctx, http.MethodGet, path, nil)
				w := httptest.NewRecorder()
				shop.Handler().ServeHTTP(w, r)
				b, _ := io.ReadAll(w.Result().Body)
				body := string(b)
				if w.Code != http.StatusOK || !strings.Contains(body, "안녕") {
					t.Fatalf("GET %s = %d", path, w.Code)
				}
				start := strings.Index(body, `data-testid="content-body"`)
				end := strings.Index(body[start:], "</div>")
				if start < 0 || end < 0 {
					t.Fatalf("GET %s: no body", path)
				}
				if shown := strings.ToLower(body[start : start+end]); strings.Contains(shown, v.marker) ||
					strings.Contains(shown, "<script") || strings.Contains(shown, "<iframe") || strings.Contains(shown, "<svg") {
					t.Errorf("GET %s shows %q", path, shown)
				}
			}
		})
	}
}
