package api_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/audit"
)

// contentBodies are a good body of each kind, by path, with the body that
// replaces it and a bad one with the field it names.
func contentBodies(catID int64) []struct {
	path              string
	good, next, bad   map[string]any
	badField, nextKey string
} {
	start, end := "2026-12-01T00:00:00Z", "2026-12-31T15:00:00Z"
	return []struct {
		path              string
		good, next, bad   map[string]any
		badField, nextKey string
	}{
		{"/notices", map[string]any{"title": "배송 안내", "body": "<p>쉽니다</p><script>x()</script>", "published": true},
			map[string]any{"title": "배송 안내 (변경)", "body": "<p>쉽니다</p>"},
			map[string]any{"title": "", "body": "<p>x</p>"}, "body.title", "title"},
		{"/events", map[string]any{"title": "겨울 세일", "body": "<p>할인</p>", "starts_at": start, "ends_at": end},
			map[string]any{"title": "겨울 세일 연장", "body": "<p>할인</p>", "starts_at": start, "ends_at": "2027-01-31T15:00:00Z"},
			map[string]any{"title": "세일", "body": "<p>x</p>", "starts_at": end, "ends_at": start}, "body.ends_at", "title"},
		{"/faq-categories", map[string]any{"name": "결제", "position": 2}, map[string]any{"name": "결제 문의", "position": 1},
			map[string]any{"name": "", "position": 1}, "body.name", "name"},
		{"/faq", map[string]any{"category_id": catID, "question": "카드 되나요?", "answer": "<p>네</p>", "published": true},
			map[string]any{"category_id": catID, "question": "카드 결제가 되나요?", "answer": "<p>네</p>"},
			map[string]any{"category_id": 99999, "question": "q", "answer": "<p>a</p>"}, "body.category_id", "question"},
		{"/pages", map[string]any{"slug": "about", "title": "회사 소개", "body": "<p>안녕하세요</p>", "published": true},
			map[string]any{"slug": "about-us", "title": "회사 소개", "body": "<p>안녕하세요</p>"},
			map[string]any{"slug": "Not A Slug", "title": "소개", "body": "<p>x</p>"}, "body.slug", "slug"},
		{"/banners", map[string]any{"title": "배너", "image_url": "/media/b.jpg", "alt_text": "겨울 세일", "starts_at": start},
			map[string]any{"title": "배너 2", "image_url": "/media/b.jpg", "alt_text": "겨울 세일", "starts_at": start, "ends_at": end},
			map[string]any{"title": "배너", "image_url": "/media/b.jpg", "alt_text": "x", "starts_at": start, "link_url": "javascript:alert(1)"},
			"body.link_url", "title"},
	}
}

// Staff with the content scope list, create, read, replace and delete each
// kind; bad input is a 422 naming the field and writes nothing; every
// change is audited as them.
func TestAdminContent(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	_, editorID := f.customer(t, "editor@example.com")
	tok := f.staffToken(t, f.makeStaff(t, editorID, account.Staff, account.PermContent)).AccessToken
	const base = "/api/v1/admin/content"

	cat := decode[api.FAQCategory](t, f.do(t, req{method: "POST", path: base + "/faq-categories", token: tok,
		body: map[string]any{"name": "배송"}}), http.StatusCreated)
	for _, k := range contentBodies(cat.ID) {
		t.Run(k.path, func(t *testing.T) {
			before := decode[api.Page[map[string]any]](t, f.do(t, req{method: "GET", path: base + k.path, token: tok}), http.StatusOK).Items
			wantProblem(t, f.do(t, req{method: "POST", path: base + k.path, token: tok, body: k.bad}), http.StatusUnprocessableEntity, k.badField)
			if after := decode[api.Page[map[string]any]](t, f.do(t, req{method: "GET", path: base + k.path, token: tok}), http.StatusOK).Items; len(after) != len(before) {
				t.Fatalf("%d items after a refused create, want %d", len(after), len(before))
			}
			created := decode[map[string]any](t, f.do(t, req{method: "POST", path: base + k.path, token: tok, body: k.good}), http.StatusCreated)
			id := strconv.FormatInt(int64(created["id"].(float64)), 10)
			got := decode[map[string]any](t, f.do(t, req{method: "GET", path: base + k.path + "/" + id, token: tok}), http.StatusOK)
			if got["id"] != created["id"] {
				t.Errorf("get = %v", got)
			}
			list := decode[api.Page[map[string]any]](t, f.do(t, req{method: "GET", path: base + k.path, token: tok}), http.StatusOK).Items
			if len(list) != len(before)+1 {
				t.Errorf("list has %d, want %d", len(list), len(before)+1)
			}
			replaced := decode[map[string]any](t, f.do(t, req{method: "PUT", path: base + k.path + "/" + id, token: tok, body: k.next}), http.StatusOK)
			if replaced[k.nextKey] != k.next[k.nextKey] {
				t.Errorf("replaced %s = %v, want %v", k.nextKey, replaced[k.nextKey], k.next[k.nextKey])
			}
			wantProblem(t, f.do(t, req{method: "PUT", path: base + k.path + "/" + id, token: tok, body: k.bad}), http.StatusUnprocessableEntity, k.badField)
			wantProblem(t, f.do(t, req{method: "PUT", path: base + k.path + "/424242", token: tok, body: k.next}), http.StatusNotFound)
			if r := f.do(t, req{method: "DELETE", path: base + k.path + "/" + id, token: tok}); r.Code != http.StatusNoContent {
				t.Fatalf("delete = %d %s", r.Code, r.Body)
			}
			wantProblem(t, f.do(t, req{method: "GET", path: base + k.path + "/" + id, token: tok}), http.StatusNotFound)
			wantProblem(t, f.do(t, req{method: "DELETE", path: base + k.path + "/" + id, token: tok}), http.StatusNotFound)
		})
	}

	// The body is sanitised; a taken slug is a field error.
	n := decode[api.Notice](t, f.do(t, req{method: "POST", path: base + "/notices", token: tok,
		body: map[string]any{"title": "공지", "body": `<p onclick="x()">안녕</p><script>x()</script>`, "published": true}}), http.StatusCreated)
	if n.Body != "<p>안녕</p>" || n.PublishedAt == nil || !n.PublishedAt.Equal(f.clock.Now().UTC().Truncate(time.Microsecond)) {
		t.Errorf("notice = %+v", n)
	}
	decode[api.ContentPage](t, f.do(t, req{method: "POST", path: base + "/pages", token: tok,
		body: map[string]any{"slug": "about", "title": "소개", "body": "<p>x</p>"}}), http.StatusCreated)
	wantProblem(t, f.do(t, req{method: "POST", path: base + "/pages", token: tok,
		body: map[string]any{"slug": "about", "title": "소개 2", "body": "<p>x</p>"}}), http.StatusUnprocessableEntity, "body.slug")

	es, _, err := f.audit.List(t.Context(), audit.Filter{Action: "content.page_created"})
	if err != nil || len(es) != 2 || es[0].ActorID != editorID {
		t.Errorf("audit = %+v, %v", es, err)
	}
}

// Every content operation is 403 to a staff token without the content
// scope and to a customer's token.
func TestAdminContentNeedsScope(t *testing.T) {
	t.Parallel()
	f := newShop(t)
	f.member(t, minjiEmail)
	_, clerkID := f.customer(t, "clerk@example.com")
	staffTok := f.staffToken(t, f.makeStaff(t, clerkID, account.Staff, account.PermOrders, account.PermCatalog)).AccessToken
	customerTok, _ := f.customer(t, "buyer@example.com")
	var calls []req
	for _, k := range []string{"/notices", "/events", "/faq-categories", "/faq", "/pages", "/banners"} {
		p := "/api/v1/admin/content" + k
		calls = append(calls, req{method: "GET", path: p}, req{method: "POST", path: p, body: map[string]any{"title": "x"}},
			req{method: "GET", path: p + "/1"}, req{method: "PUT", path: p + "/1", body: map[string]any{"title": "x"}},
			req{method: "DELETE", path: p + "/1"})
	}
	for _, who := range []struct{ name, token string }{{"orders staff", staffTok}, {"customer", customerTok}} {
		for _, c := range calls {
			c.token = who.token
			t.Run(who.name+" "+c.method+" "+c.path, func(t *testing.T) {
				wantProblem(t, f.do(t, c), http.StatusForbidden)
			})
		}
	}
	// Without a token: 401.
	wantProblem(t, f.do(t, req{method: "GET", path: "/api/v1/admin/content/notices"}), http.StatusUnauthorized)
}
