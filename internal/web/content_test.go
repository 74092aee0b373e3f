package web_test

import (
	"encoding/xml"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/app/apptest"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/content"
)

var editor = audit.Actor{Email: "editor@example.com"}

// contentShop is a test shop with one of each kind of content, visible or
// not, at apptest.Start.
type contentShop struct {
	app                                 *apptest.Shop
	notice, draft, scheduled, pinned    content.Notice
	running, ended, future, hiddenEvent content.Event
	about, secret                       content.Page
}

func newContentShop(t *testing.T) *contentShop {
	t.Helper()
	a := apptest.New(t, apptest.Options{Env: map[string]string{"MALLANG_BASE_URL": testBase}})
	c, ctx, now := a.Content(), t.Context(), apptest.Start
	day := 24 * time.Hour
	s := &contentShop{app: a}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	notice := func(title string, published, pinned bool, at time.Time) content.Notice {
		n, err := c.CreateNotice(ctx, editor, content.NoticeInput{Title: title, Body: "<p>" + title + " 본문</p>",
			Published: published, Pinned: pinned, PublishedAt: at})
		must(err)
		return n
	}
	s.notice = notice("설 연휴 배송 안내", true, false, now.Add(-day))
	s.pinned = notice("개인정보 처리 변경 안내", true, true, now.Add(-3*day))
	s.draft = notice("작성 중인 공지", false, false, time.Time{})
	s.scheduled = notice("예약된 공지", true, false, now.Add(day))
	event := func(title string, published bool, from, to time.Time) content.Event {
		e, err := c.CreateEvent(ctx, editor, content.EventInput{Title: title, Summary: title + " 요약", Body: "<p>" + title + " 내용</p>",
			ImageURL: "/media/events/" + strconv.Itoa(len(title)) + ".jpg", Published: published, StartsAt: from, EndsAt: to})
		must(err)
		return e
	}
	s.running = event("겨울 세일", true, now.Add(-day), now.Add(day))
	s.ended = event("가을 세일", true, now.Add(-10*day), now.Add(-5*day))
	s.future = event("봄 세일", true, now.Add(5*day), now.Add(10*day))
	s.hiddenEvent = event("숨긴 세일", false, now.Add(-day), now.Add(day))
	page := func(slug string, published bool) content.Page {
		p, err := c.CreatePage(ctx, editor, content.PageInput{Slug: slug, Title: slug + " 페이지", Body: "<p>회사 " + slug + "</p>", Published: published})
		must(err)
		return p
	}
	s.about = page("about", true)
	s.secret = page("secret", false)
	ship, err := c.CreateCategory(ctx, editor, content.CategoryInput{Name: "배송 문의", Position: 2})
	must(err)
	pay, err := c.CreateCategory(ctx, editor, content.CategoryInput{Name: "결제 문의", Position: 1})
	must(err)
	for _, f := range []content.FAQInput{
		{CategoryID: ship.ID, Question: "배송은 얼마나 걸리나요?", Answer: "<p>이틀</p>", Published: true},
		{CategoryID: pay.ID, Question: "무통장입금이 되나요?", Answer: "<p>됩니다</p>", Published: true},
		{CategoryID: pay.ID, Question: "숨긴 질문", Answer: "<p>x</p>"},
	} {
		_, err := c.CreateFAQ(ctx, editor, f)
		must(err)
	}
	for _, b := range []content.BannerInput{
		{Title: "두 번째", ImageURL: "/media/banners/2.jpg", LinkURL: "/events/" + strconv.FormatInt(s.running.ID, 10), AltText: "겨울 세일 배너", Position: 2, Published: true, StartsAt: now.Add(-day)},
		{Title: "첫 번째", ImageURL: "https://cdn.example.com/1.jpg", AltText: "신상품 배너", Position: 1, Published: true, StartsAt: now.Add(-day), EndsAt: now.Add(day)},
		{Title: "지난", ImageURL: "/media/banners/old.jpg", AltText: "지난 배너", Published: true, StartsAt: now.Add(-3 * day), EndsAt: now.Add(-day)},
		{Title: "숨김", ImageURL: "/media/banners/hidden.jpg", AltText: "숨긴 배너", Published: false, StartsAt: now.Add(-day)},
	} {
		_, err := c.CreateBanner(ctx, editor, b)
		must(err)
	}
	return s
}

func (s *contentShop) get(t *testing.T, target string) response {
	t.Helper()
	return serve(t, s.app.Handler(), target)
}

func idOf(n int64) string { return strconv.FormatInt(n, 10) }

func TestContentPages(t *testing.T) {
	t.Parallel()
	s := newContentShop(t)
	tests := []struct {
		name   string
		path   string
		status int
		want   []string
		not    []string
	}{
		{"notices", "/notices", 200, []string{"<title>공지사항 — " + shopName + "</title>", "설 연휴 배송 안내",
			`href="/notices/` + idOf(s.notice.ID) + `"`, `data-testid="pinned"`, "개인정보 처리 변경 안내"},
			[]string{"작성 중인 공지", "예약된 공지"}},
		{"notices in English", "/notices?lang=en", 200, []string{"<title>Notices — ", "Important"}, nil},
		{"notice", "/notices/" + idOf(s.notice.ID), 200, []string{"설 연휴 배송 안내 본문", `data-testid="notice"`, "공지사항 목록"}, nil},
		{"draft notice", "/notices/" + idOf(s.draft.ID), 404, nil, []string{"작성 중인 공지"}},
		{"scheduled notice", "/notices/" + idOf(s.scheduled.ID), 404, nil, nil},
		{"missing notice", "/notices/999999", 404, nil, nil},
		{"bad notice id", "/notices/abc", 404, nil, nil},
		{"events", "/events", 200, []string{"진행 중인 이벤트", "겨울 세일", "종료된 이벤트", "가을 세일", `data-ended="true"`,
			`data-testid="ended"`, `href="/events/` + idOf(s.running.ID) + `"`},
			[]string{"봄 세일", "숨긴 세일"}},
		{"events in English", "/events?lang=en", 200, []string{"Running now", "Ended events"}, nil},
		{"running event", "/events/" + idOf(s.running.ID), 200, []string{"겨울 세일 내용", "2026년 11월 29일 10:00 ~ 2026년 12월 1일 10:00"},
			[]string{`data-testid="event-ended"`}},
		{"ended event", "/events/" + idOf(s.ended.ID), 200, []string{"가을 세일 내용", `data-testid="event-ended"`, "종료된 이벤트입니다."}, nil},
		{"ended event in English", "/events/" + idOf(s.ended.ID) + "?lang=en", 200, []string{"This event has ended."}, nil},
		{"future event", "/events/" + idOf(s.future.ID), 404, nil, []string{"봄 세일"}},
		{"unpublished event", "/events/" + idOf(s.hiddenEvent.ID), 404, nil, nil},
		{"faq", "/faq", 200, []string{"자주 묻는 질문", "<details", "<summary>무통장입금이 되나요?</summary>", "<p>됩니다</p>"},
			[]string{"숨긴 질문"}},
		{"faq in English", "/faq?lang=en", 200, []string{"<title>FAQ — "}, nil},
		{"page", "/pages/about", 200, []string{"<title>about 페이지 — " + shopName + "</title>", "회사 about", `data-testid="content-page"`}, nil},
		{"unpublished page", "/pages/secret", 404, nil, []string{"회사 secret"}},
		{"missing page", "/pages/nothing", 404, nil, nil},
		{"home banners", "/", 200, []string{`data-testid="banners"`, `alt="신상품 배너"`, `alt="겨울 세일 배너"`,
			`href="/events/` + idOf(s.running.ID) + `"`},
			[]string{"지난 배너", "숨긴 배너"}},
		{"footer links", "/", 200, []string{`data-testid="footer-links"`, `href="/notices"`, `href="/events"`, `href="/faq"`}, nil},
		{"footer links in English", "/?lang=en", 200, []string{">Notices</a>", ">Events</a>", ">FAQ</a>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := s.get(t, tt.path)
			if res.status != tt.status {
				t.Fatalf("GET %s = %d, want %d\n%s", tt.path, res.status, tt.status, res.body)
			}
			for _, w := range tt.want {
				if !strings.Contains(res.body, w) {
					t.Errorf("GET %s lacks %q", tt.path, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(res.body, n) {
					t.Errorf("GET %s has %q", tt.path, n)
				}
			}
		})
	}
	// The banners keep their order: position 1 before 2.
	body := s.get(t, "/").body
	if strings.Index(body, "신상품 배너") > strings.Index(body, "겨울 세일 배너") {
		t.Error("banners out of order")
	}
	// The pinned notice comes first.
	body = s.get(t, "/notices").body
	if strings.Index(body, "개인정보 처리 변경 안내") > strings.Index(body, "설 연휴 배송 안내") {
		t.Error("pinned notice not first")
	}
	// Payment questions (position 1) before shipping ones.
	body = s.get(t, "/faq").body
	if strings.Index(body, "결제 문의") > strings.Index(body, "배송 문의") {
		t.Error("FAQ categories out of order")
	}
	// Time passes: the running event ends, the scheduled notice shows.
	s.app.Clock.Advance(2 * 24 * time.Hour)
	if res := s.get(t, "/events/"+idOf(s.running.ID)); res.status != 200 || !strings.Contains(res.body, `data-testid="event-ended"`) {
		t.Errorf("event after its end: %d", res.status)
	}
	if res := s.get(t, "/notices/"+idOf(s.scheduled.ID)); res.status != 200 {
		t.Errorf("scheduled notice after its time: %d", res.status)
	}
	if res := s.get(t, "/"); strings.Contains(res.body, "신상품 배너") {
		t.Error("banner shown after its end")
	}
}

func TestContentSitemap(t *testing.T) {
	t.Parallel()
	s := newContentShop(t)
	res := s.get(t, "/sitemap.xml")
	if res.status != http.StatusOK {
		t.Fatalf("GET /sitemap.xml = %d", res.status)
	}
	var doc struct {
		URLs []struct {
			Loc     string `xml:"loc"`
			LastMod string `xml:"lastmod"`
		} `xml:"url"`
	}
	if err := xml.Unmarshal([]byte(res.body), &doc); err != nil {
		t.Fatalf("sitemap: %v", err)
	}
	got := map[string]string{}
	for _, u := range doc.URLs {
		got[u.Loc] = u.LastMod
	}
	stamp := apptest.Start.Format(time.RFC3339)
	for path, lastmod := range map[string]string{
		"/notices": stamp, "/events": stamp, "/faq": stamp, "/notices/" + idOf(s.notice.ID): stamp,
		"/notices/" + idOf(s.pinned.ID): stamp, "/events/" + idOf(s.running.ID): stamp, "/events/" + idOf(s.ended.ID): stamp,
		"/pages/about": stamp,
	} {
		if lm, ok := got[testBase+path]; !ok || lm != lastmod {
			t.Errorf("sitemap %s: lastmod %q (listed %v), want %q", path, lm, ok, lastmod)
		}
	}
	for _, path := range []string{"/notices/" + idOf(s.draft.ID), "/notices/" + idOf(s.scheduled.ID),
		"/events/" + idOf(s.future.ID), "/events/" + idOf(s.hiddenEvent.ID), "/pages/secret"} {
		if _, ok := got[testBase+path]; ok {
			t.Errorf("sitemap lists hidden %s", path)
		}
	}
}
