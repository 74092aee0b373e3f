package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/content"
)

// contentCount is the number of items of kind stored.
func contentCount(t *testing.T, c *content.Service, kind string) int {
	t.Helper()
	ctx := context.Background()
	var n int
	var err error
	switch kind {
	case "notices":
		var xs []content.Notice
		xs, err = c.Notices(ctx, content.MaxList, 0)
		n = len(xs)
	case "events":
		var xs []content.Event
		xs, err = c.Events(ctx, content.MaxList, 0)
		n = len(xs)
	case "faq":
		var xs []content.FAQ
		xs, err = c.FAQs(ctx)
		n = len(xs)
	case "faq-categories":
		var xs []content.Category
		xs, err = c.Categories(ctx)
		n = len(xs)
	case "pages":
		var xs []content.Page
		xs, err = c.Pages(ctx, content.MaxList, 0)
		n = len(xs)
	case "banners":
		var xs []content.Banner
		xs, err = c.Banners(ctx, content.MaxList, 0)
		n = len(xs)
	}
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// A form with bad input comes back with the field's message in Korean and
// writes nothing; good input is saved, audited as the staff member, and
// listed.
func TestContentForms(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.shop.Content()
	if _, err := c.CreatePage(context.Background(), audit.Actor{}, content.PageInput{Slug: "about", Title: "소개", Body: "<p>x</p>"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCategory(context.Background(), audit.Actor{}, content.CategoryInput{Name: "배송"}); err != nil {
		t.Fatal(err)
	}
	b, _ := e.staffIn("boss@example.com")

	st, body := b.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="nav-content"`, "콘텐츠")
	st, body = b.get(bo + "/content/notices/new")
	must(t, st, http.StatusOK, body)
	contains(t, body, `<textarea id="f-body" name="body" rows="14" data-editor="rich"`)

	event := url.Values{"title": {"겨울 세일"}, "body": {"<p>할인</p>"}, "starts_at": {"2026-12-01T10:00"}, "ends_at": {"2026-12-31T23:59"}}
	with := func(v url.Values, k, val string) url.Values {
		out := url.Values{}
		for key, vs := range v {
			out[key] = vs
		}
		out.Set(k, val)
		return out
	}
	bad := []struct {
		name, kind string
		form       url.Values
		field, msg string
	}{
		{"notice without title", "notices", url.Values{"title": {""}, "body": {"<p>본문</p>"}}, "title", "필수 항목입니다."},
		{"notice of only a script", "notices", url.Values{"title": {"공지"}, "body": {"<script>alert(1)</script>"}}, "body", "필수 항목입니다."},
		{"notice with a long title", "notices", url.Values{"title": {longText(201)}, "body": {"<p>x</p>"}}, "title", "200자 이하여야 합니다."},
		{"event ending before it starts", "events", with(event, "ends_at", "2026-11-01T10:00"), "ends_at", "시작일 이후여야 합니다."},
		{"event with a bad start", "events", with(event, "starts_at", "어제"), "starts_at", "날짜와 시각을 입력하세요."},
		{"event with a script image", "events", with(event, "image_url", "javascript:alert(1)"), "image_url", "http:// 또는 https://로 시작하는"},
		{"page with a bad slug", "pages", url.Values{"slug": {"About Us"}, "title": {"소개"}, "body": {"<p>x</p>"}}, "slug", "영문 소문자와 숫자로"},
		{"page with a taken slug", "pages", url.Values{"slug": {"about"}, "title": {"소개"}, "body": {"<p>x</p>"}}, "slug", "다른 페이지가 이미 쓰는 주소입니다."},
		{"page at the terms", "pages", url.Values{"slug": {"terms"}, "title": {"약관"}, "body": {"<p>x</p>"}}, "slug", "이용약관·개인정보처리방침용"},
		{"banner with a script link", "banners", url.Values{"title": {"배너"}, "image_url": {"/media/b.jpg"}, "alt_text": {"배너"},
			"link_url": {"javascript:alert(1)"}, "starts_at": {"2026-12-01T10:00"}, "position": {"0"}}, "link_url", "http:// 또는 https://로 시작하는"},
		{"banner without alt text", "banners", url.Values{"title": {"배너"}, "image_url": {"/media/b.jpg"}, "alt_text": {""},
			"starts_at": {"2026-12-01T10:00"}, "position": {"0"}}, "alt_text", "필수 항목입니다."},
		{"question without a category", "faq", url.Values{"question": {"언제 오나요?"}, "answer": {"<p>곧</p>"}, "position": {"0"}}, "category_id", "분류를 고르세요."},
		{"question with a bad position", "faq", url.Values{"question": {"언제 오나요?"}, "answer": {"<p>곧</p>"}, "position": {"첫째"}}, "position", "숫자로 입력하세요."},
		{"category with a taken name", "faq-categories", url.Values{"name": {"배송"}, "position": {"0"}}, "name", "이미 있는 분류 이름입니다."},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			before := contentCount(t, c, tt.kind)
			st, body := b.post(bo+"/content/"+tt.kind, tt.form)
			if st != http.StatusUnprocessableEntity {
				t.Fatalf("status %d\n%s", st, body)
			}
			contains(t, body, `data-testid="error-`+tt.field+`"`, tt.msg, `data-testid="form-error"`)
			if n := contentCount(t, c, tt.kind); n != before {
				t.Errorf("%d items after a refused form, want %d", n, before)
			}
		})
	}

	// A good notice: saved, listed, audited as the staff member; then
	// edited and deleted.
	st, body = b.post(bo+"/content/notices", url.Values{"title": {"설 연휴 배송 안내"}, "body": {`<p>쉽니다</p><script>x()</script>`},
		"published": {"1"}, "pinned": {"1"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "저장했습니다.", "설 연휴 배송 안내", "상단 고정", "게시 중")
	ns, err := c.Notices(context.Background(), 10, 0)
	if err != nil || len(ns) != 1 || ns[0].Body != "<p>쉽니다</p>" {
		t.Fatalf("notices = %+v, %v", ns, err)
	}
	es, _, err := e.audit.List(context.Background(), audit.Filter{Action: "content.notice_created"})
	if err != nil || len(es) != 1 || es[0].ActorEmail != "boss@example.com" {
		t.Errorf("audit = %+v, %v", es, err)
	}
	page := bo + "/content/notices/" + strconv.FormatInt(ns[0].ID, 10)
	st, body = b.get(page)
	must(t, st, http.StatusOK, body)
	contains(t, body, `value="설 연휴 배송 안내"`, "&lt;p&gt;쉽니다&lt;/p&gt;", `href="/notices/`, `data-testid="delete-form"`)
	st, body = b.post(page, url.Values{"title": {""}, "body": {"<p>쉽니다</p>"}})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("edit without a title: %d", st)
	}
	if n, _ := c.Notice(context.Background(), ns[0].ID); n.Title != "설 연휴 배송 안내" {
		t.Errorf("a refused edit changed the title to %q", n.Title)
	}
	st, body = b.post(page, url.Values{"title": {"설 연휴 배송 안내 (변경)"}, "body": {"<p>쉽니다</p>"}})
	must(t, st, http.StatusOK, body)
	contains(t, body, "설 연휴 배송 안내 (변경)", "숨김")
	st, body = b.post(page+"/delete", url.Values{})
	must(t, st, http.StatusOK, body)
	contains(t, body, "삭제했습니다.")
	if st, _ := b.get(page); st != http.StatusNotFound {
		t.Errorf("deleted notice's form: %d", st)
	}

	// A category with questions cannot be deleted; the form says why.
	cats, _ := c.Categories(context.Background())
	st, body = b.post(bo+"/content/faq", url.Values{"category_id": {strconv.FormatInt(cats[0].ID, 10)}, "question": {"언제 오나요?"},
		"answer": {"<p>곧</p>"}, "position": {"1"}, "published": {"1"}})
	must(t, st, http.StatusOK, body)
	st, body = b.post(bo+"/content/faq-categories/"+strconv.FormatInt(cats[0].ID, 10)+"/delete", url.Values{})
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("delete a category with questions: %d", st)
	}
	contains(t, body, "이 분류에 질문이 있어 삭제할 수 없습니다.")
}

func longText(n int) string {
	r := make([]rune, n)
	for i := range r {
		r[i] = '가'
	}
	return string(r)
}

// Every content page and form is 403 to staff without the content
// permission, who do not see the section in the menu either.
func TestContentNeedsPermission(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.user(t, "orders@example.com", account.Staff, account.PermOrders)
	e.user(t, "editor@example.com", account.Staff, account.PermContent)
	n, err := e.shop.Content().CreateNotice(context.Background(), audit.Actor{}, content.NoticeInput{Title: "공지", Body: "<p>x</p>"})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := e.staffIn("orders@example.com")
	st, body := other.get(bo + "/")
	must(t, st, http.StatusOK, body)
	lacks(t, body, `data-testid="nav-content"`)
	editor, _ := e.staffIn("editor@example.com")
	st, body = editor.get(bo + "/")
	must(t, st, http.StatusOK, body)
	contains(t, body, `data-testid="nav-content"`)
	lacks(t, body, `data-testid="nav-orders"`)

	id := strconv.FormatInt(n.ID, 10)
	type call struct{ method, path string }
	calls := []call{{"GET", "/content"}}
	for _, k := range []string{"notices", "events", "faq", "faq-categories", "pages", "banners"} {
		base := "/content/" + k
		calls = append(calls, call{"GET", base}, call{"GET", base + "/new"}, call{"POST", base}, call{"GET", base + "/" + id},
			call{"POST", base + "/" + id}, call{"POST", base + "/" + id + "/delete"})
	}
	for _, c := range calls {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			var st int
			if c.method == "GET" {
				st, _ = other.get(bo + c.path)
			} else {
				st, _ = other.post(bo+c.path, url.Values{"title": {"x"}, "body": {"<p>x</p>"}})
			}
			if st != http.StatusForbidden {
				t.Errorf("%s %s without the permission = %d", c.method, c.path, st)
			}
		})
	}
	if got, err := e.shop.Content().Notice(context.Background(), n.ID); err != nil || got.Title != "공지" {
		t.Errorf("notice after refused requests: %+v, %v", got, err)
	}
	// The editor may.
	if st, body := editor.get(bo + "/content/notices/" + id); st != http.StatusOK {
		t.Errorf("editor: %d\n%s", st, body)
	}
}
