package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
)

// listPage is the page of any listing, its items left undecoded; the
// metadata are pointers so that a missing one is told from a zero.
type listPage struct {
	Items   []json.RawMessage `json:"items"`
	Total   *int              `json:"total"`
	Page    *int              `json:"page"`
	PerPage *int              `json:"per_page"`
	Pages   *int              `json:"pages"`
}

// Every list operation of the API pages the same way: page and per_page in,
// items with total, page, per_page and pages out, the Link and X-Total-Count
// headers beside them; per_page over the operation's maximum, a page below
// 1 and the retired limit and offset are 422 problems naming the parameter.
func TestEveryListPages(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	c := f.checkoutCustomer(t, minjiEmail)
	_, staffID := f.customer(t, "staff@example.com")
	staff := f.staffToken(t, f.makeStaff(t, staffID, account.Staff, account.AllPermissions...)).AccessToken

	// Two of everything: two delivered orders with a return request each,
	// two inquiries, two sold-out variants, two of each kind of content.
	tea := f.product(t, "말랑 캐모마일 티", 34600, 10, false)
	mug := f.product(t, "말랑 머그", 25000, 10, false)
	f.product(t, "말랑 품절 양말", 9000, 0, false)
	f.product(t, "말랑 품절 모자", 19000, 0, false)
	for _, v := range []int64{tea, mug} {
		o := f.placed(t, c, "testpay", v)
		f.pay(t, c, o, "testpay")
		f.deliver(t, o.Number, staffID)
		decode[api.ReturnRequest](t, f.do(t, req{method: "POST", path: returnsPath(o.Number), token: c.token,
			body: map[string]any{"kind": "return", "line_ids": []int64{o.Lines[0].ID}, "reason": "change_of_mind"}}), http.StatusCreated)
		decode[api.Inquiry](t, f.do(t, req{method: "POST", path: "/api/v1/inquiries", token: c.token,
			body: map[string]any{"kind": "order", "order_number": o.Number, "title": "배송 문의", "body": "언제 오나요?"}}), http.StatusCreated)
	}
	const content = "/api/v1/admin/content"
	cat := decode[api.FAQCategory](t, f.do(t, req{method: "POST", path: content + "/faq-categories", token: staff,
		body: map[string]any{"name": "배송"}}), http.StatusCreated)
	decode[api.FAQCategory](t, f.do(t, req{method: "POST", path: content + "/faq-categories", token: staff,
		body: map[string]any{"name": "교환"}}), http.StatusCreated)
	for _, k := range contentBodies(cat.ID) {
		if k.path == "/faq-categories" {
			continue
		}
		second := k.next
		if k.path == "/pages" {
			second = map[string]any{"slug": "guide", "title": "이용 안내", "body": "<p>안내</p>"}
		}
		for _, b := range []map[string]any{k.good, second} {
			if rec := f.do(t, req{method: "POST", path: content + k.path, token: staff, body: b}); rec.Code != http.StatusCreated {
				t.Fatalf("create %s: %d %s", k.path, rec.Code, rec.Body)
			}
		}
	}

	tests := []struct {
		name, path, token string
		perPage, max      int // the default and the most per_page may be
		total             int
	}{
		{"products", "/api/v1/products", "", 24, 100, 4},
		{"orders", "/api/v1/orders", c.token, 20, 100, 2},
		{"inquiries", "/api/v1/inquiries", c.token, 50, 100, 2},
		{"admin products", "/api/v1/admin/products", staff, 24, 100, 4},
		{"low stock", "/api/v1/admin/variants/low-stock", staff, 50, 200, 2},
		{"admin inquiries", "/api/v1/admin/inquiries?status=open", staff, 50, 100, 2},
		{"admin returns", "/api/v1/admin/returns?status=open", staff, 50, 200, 2},
		{"notices", content + "/notices", staff, 50, 200, 2},
		{"events", content + "/events", staff, 50, 200, 2},
		{"faq categories", content + "/faq-categories", staff, 50, 200, 2},
		{"faq entries", content + "/faq", staff, 50, 200, 2},
		{"pages", content + "/pages", staff, 50, 200, 2},
		{"banners", content + "/banners", staff, 50, 200, 2},
	}
	var spec struct {
		Paths map[string]map[string]struct {
			Parameters []struct {
				Name, In string
				Schema   struct{ Default, Maximum any }
			} `json:"parameters"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(get(t, f.h, "GET", "/api/v1/openapi.json").Body.Bytes(), &spec); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// The document says what the operation does.
			documented := map[string]string{}
			path, _, _ := strings.Cut(tt.path, "?")
			for _, p := range spec.Paths[path]["get"].Parameters {
				if p.In == "query" {
					documented[p.Name] = fmt.Sprint(p.Schema.Default, " ", p.Schema.Maximum)
				}
			}
			if documented["page"] != "1 1e+06" || documented["per_page"] != fmt.Sprint(tt.perPage, " ", tt.max) {
				t.Errorf("documented page %q, per_page %q; want page 1 up to 1e+06, per_page %d up to %d",
					documented["page"], documented["per_page"], tt.perPage, tt.max)
			}
			if _, ok := documented["limit"]; ok {
				t.Error("limit is still documented")
			}
			at := func(query string) string {
				if strings.Contains(tt.path, "?") {
					return tt.path + "&" + query
				}
				return tt.path + "?" + query
			}
			// The public listing is cached by shared caches; the rest are
			// no-store, which f.do checks.
			fetch := func(path string) *httptest.ResponseRecorder {
				t.Helper()
				if tt.token == "" {
					return get(t, f.h, "GET", path)
				}
				return f.do(t, req{method: "GET", path: path, token: tt.token})
			}
			get := func(path string) (listPage, http.Header) {
				t.Helper()
				rec := fetch(path)
				b := decode[listPage](t, rec, http.StatusOK)
				if b.Items == nil || b.Total == nil || b.Page == nil || b.PerPage == nil || b.Pages == nil {
					t.Fatalf("GET %s: a page without items, total, page, per_page or pages: %s", path, rec.Body)
				}
				if got := rec.Header().Get("X-Total-Count"); got != strconv.Itoa(*b.Total) {
					t.Errorf("GET %s: X-Total-Count %q, total %d", path, got, *b.Total)
				}
				return b, rec.Header()
			}

			all, _ := get(tt.path)
			if *all.Total != tt.total || len(all.Items) != tt.total || *all.Page != 1 || *all.PerPage != tt.perPage || *all.Pages != 1 {
				t.Errorf("default page: %d items, total %d, page %d, per_page %d, pages %d; want %d items on page 1 of 1, per_page %d",
					len(all.Items), *all.Total, *all.Page, *all.PerPage, *all.Pages, tt.total, tt.perPage)
			}
			second, h := get(at("page=2&per_page=1"))
			if *second.Total != tt.total || *second.Page != 2 || *second.PerPage != 1 || *second.Pages != tt.total ||
				len(second.Items) != 1 || len(all.Items) < 2 || string(second.Items[0]) != string(all.Items[1]) {
				t.Errorf("page 2 of 1 each: %d items, total %d, page %d, per_page %d, pages %d; want the second item of %d",
					len(second.Items), *second.Total, *second.Page, *second.PerPage, *second.Pages, tt.total)
			}
			link := h.Get("Link")
			for _, rel := range []string{`rel="first"`, `rel="prev"`, `rel="last"`, "per_page=1"} {
				if !strings.Contains(link, rel) {
					t.Errorf("Link %q lacks %s", link, rel)
				}
			}
			if next := strings.Contains(link, `rel="next"`); next != (tt.total > 2) {
				t.Errorf("Link %q: next page %v, want %v", link, next, tt.total > 2)
			}
			past, _ := get(at("page=9&per_page=1"))
			if len(past.Items) != 0 || *past.Total != tt.total {
				t.Errorf("past the last page: %d items, total %d; want none of %d", len(past.Items), *past.Total, tt.total)
			}
			if most, _ := get(at("per_page=" + strconv.Itoa(tt.max))); *most.PerPage != tt.max {
				t.Errorf("per_page=%d: per_page %d", tt.max, *most.PerPage)
			}

			bad := []struct{ query, location string }{
				{"per_page=" + strconv.Itoa(tt.max+1), "query.per_page"},
				{"per_page=0", "query.per_page"},
				{"page=0", "query.page"},
				{"limit=10", "query.limit"},
				{"offset=10", "query.offset"},
			}
			for _, b := range bad {
				p := wantProblem(t, fetch(at(b.query)), http.StatusUnprocessableEntity, b.location)
				if b.location == "query.limit" || b.location == "query.offset" {
					if msg := p.Errors[0].Message; !strings.Contains(msg, "page") || !strings.Contains(msg, "per_page") {
						t.Errorf("%s: message %q does not name page and per_page", b.query, msg)
					}
				}
			}
		})
	}
}
