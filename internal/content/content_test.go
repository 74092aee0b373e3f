package content_test

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/audit/audittest"
	"github.com/mallang/mallang/internal/content"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/db/dbtest"
	"github.com/mallang/mallang/internal/fake"
	"github.com/mallang/mallang/internal/fault"
)

// start is 10:00 on 1 December 2026 in Korea.
var start = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)

var staff = audit.Actor{UserID: 0, Email: "editor@mallang.test", IP: "192.0.2.1", UserAgent: "content-test"}

type env struct {
	d     *db.DB
	clock *fake.Clock
	s     *content.Service
}

func newEnv(t *testing.T) *env {
	t.Helper()
	d := dbtest.New(t)
	c := fake.NewClock(start)
	return &env{d: d, clock: c, s: content.NewService(d, audit.New(d, c.Now), c.Now, slog.New(slog.DiscardHandler))}
}

// count is the number of rows of table.
func (e *env) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := e.d.Read().GetContext(context.Background(), &n, `SELECT COUNT(*) FROM `+table); err != nil {
		t.Fatal(err)
	}
	return n
}

// wantFields fails unless err is a *fault.Invalid naming exactly fields.
func wantFields(t *testing.T, err error, fields ...string) {
	t.Helper()
	if len(fields) == 0 {
		if err != nil {
			t.Fatalf("err = %v, want none", err)
		}
		return
	}
	inv, ok := fault.AsInvalid(err)
	if !ok {
		t.Fatalf("err = %v, want invalid %v", err, fields)
	}
	if len(inv.Fields) != len(fields) {
		t.Fatalf("fields = %v, want %v", inv.Fields, fields)
	}
	for _, f := range fields {
		if inv.Fields[f] == "" {
			t.Fatalf("fields = %v, want %v", inv.Fields, fields)
		}
	}
}

func TestNoticeValidation(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("가", content.MaxTitle+1)
	tests := []struct {
		name   string
		in     content.NoticeInput
		fields []string
	}{
		{"good", content.NoticeInput{Title: "배송 안내", Body: "<p>설 연휴</p>"}, nil},
		{"no title", content.NoticeInput{Title: "  ", Body: "<p>x</p>"}, []string{"title"}},
		{"long title", content.NoticeInput{Title: long, Body: "<p>x</p>"}, []string{"title"}},
		{"control in title", content.NoticeInput{Title: "a\x07b", Body: "<p>x</p>"}, []string{"title"}},
		{"empty body", content.NoticeInput{Title: "제목", Body: ""}, []string{"body"}},
		{"body only a script", content.NoticeInput{Title: "제목", Body: "<script>alert(1)</script>"}, []string{"body"}},
		{"both", content.NoticeInput{}, []string{"title", "body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			_, err := e.s.CreateNotice(t.Context(), staff, tt.in)
			wantFields(t, err, tt.fields...)
			want := 0
			if len(tt.fields) == 0 {
				want = 1
			}
			if n := e.count(t, "content_notices"); n != want {
				t.Errorf("%d notices stored, want %d", n, want)
			}
		})
	}
}

func TestNoticeVisibility(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	mk := func(title string, published, pinned bool, at time.Time) content.Notice {
		n, err := e.s.CreateNotice(ctx, staff, content.NoticeInput{Title: title, Body: "<p>본문</p>", Published: published, Pinned: pinned, PublishedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	old := mk("지난 공지", true, false, start.Add(-48*time.Hour))
	now := mk("오늘 공지", true, false, time.Time{})
	pinned := mk("고정 공지", true, true, start.Add(-72*time.Hour))
	draft := mk("초안", false, false, time.Time{})
	later := mk("예약 공지", true, false, start.Add(time.Hour))
	if !now.PublishedAt.Equal(start) {
		t.Errorf("published now at %v", now.PublishedAt)
	}
	if !draft.PublishedAt.IsZero() {
		t.Errorf("draft published at %v", draft.PublishedAt)
	}
	tests := []struct {
		name string
		id   int64
		want error
	}{
		{"published", old.ID, nil}, {"pinned", pinned.ID, nil}, {"draft", draft.ID, fault.ErrNotFound},
		{"scheduled", later.ID, fault.ErrNotFound}, {"missing", 9999, fault.ErrNotFound},
	}
	for _, tt := range tests {
		if _, err := e.s.PublishedNotice(ctx, tt.id); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	ns, err := e.s.PublishedNotices(ctx, 50, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, n := range ns {
		got = append(got, n.Title)
	}
	if strings.Join(got, ",") != "고정 공지,오늘 공지,지난 공지" {
		t.Errorf("published notices = %v", got)
	}
	// Time passes: the scheduled one shows.
	e.clock.Advance(2 * time.Hour)
	if _, err := e.s.PublishedNotice(ctx, later.ID); err != nil {
		t.Errorf("scheduled after its time: %v", err)
	}
	// Unpublishing hides it again; publishing keeps the first date.
	in := content.NoticeInput{Title: "지난 공지", Body: "<p>본문</p>"}
	if _, err := e.s.UpdateNotice(ctx, staff, old.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.PublishedNotice(ctx, old.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("unpublished: %v", err)
	}
	in.Published = true
	n, err := e.s.UpdateNotice(ctx, staff, old.ID, in)
	if err != nil || !n.PublishedAt.Equal(old.PublishedAt) {
		t.Errorf("republished at %v (%v), want %v", n.PublishedAt, err, old.PublishedAt)
	}
	if es := audittest.Entries(t, e.d, "content.notice_updated"); len(es) != 2 || es[0].ActorEmail != staff.Email || es[0].TargetID == "" {
		t.Errorf("audit = %+v", es)
	}
}

func TestEventPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	day := 24 * time.Hour
	valid := []struct {
		name       string
		start, end time.Time
		fields     []string
	}{
		{"no start", time.Time{}, start.Add(day), []string{"starts_at"}},
		{"no end", start, time.Time{}, []string{"ends_at"}},
		{"end before start", start, start.Add(-time.Minute), []string{"ends_at"}},
		{"end at start", start, start, []string{"ends_at"}},
	}
	for _, tt := range valid {
		_, err := e.s.CreateEvent(ctx, staff, content.EventInput{Title: "t", Body: "<p>b</p>", StartsAt: tt.start, EndsAt: tt.end})
		t.Run(tt.name, func(t *testing.T) { wantFields(t, err, tt.fields...) })
	}
	_, err := e.s.CreateEvent(ctx, staff, content.EventInput{Title: "t", Body: "<p>b</p>", StartsAt: start, EndsAt: start.Add(day),
		ImageURL: "javascript:alert(1)"})
	wantFields(t, err, "image_url")

	mk := func(title string, published bool, from, to time.Time) content.Event {
		ev, err := e.s.CreateEvent(ctx, staff, content.EventInput{Title: title, Body: "<p>b</p>", Published: published, StartsAt: from, EndsAt: to})
		if err != nil {
			t.Fatal(err)
		}
		return ev
	}
	running := mk("진행 중", true, start.Add(-day), start.Add(day))
	ended := mk("종료", true, start.Add(-3*day), start.Add(-day))
	future := mk("예정", true, start.Add(day), start.Add(2*day))
	draft := mk("초안", false, start.Add(-day), start.Add(day))
	shown := []struct {
		name  string
		id    int64
		want  error
		ended bool
	}{
		{"running", running.ID, nil, false}, {"ended", ended.ID, nil, true},
		{"future", future.ID, fault.ErrNotFound, false}, {"draft", draft.ID, fault.ErrNotFound, false},
	}
	for _, tt := range shown {
		ev, err := e.s.ShownEvent(ctx, tt.id)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v", tt.name, err)
		}
		if err == nil && ev.Ended(e.clock.Now()) != tt.ended {
			t.Errorf("%s: ended = %v", tt.name, !tt.ended)
		}
	}
	es, err := e.s.ShownEvents(ctx, 50, 0)
	if err != nil || len(es) != 2 || es[0].ID != running.ID || es[1].ID != ended.ID {
		t.Errorf("shown events = %+v, %v", es, err)
	}
}

func TestPageSlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		slug   string
		fields []string
		stored string
	}{
		{"plain", "about", nil, "about"},
		{"hyphens", "shipping-and-returns", nil, "shipping-and-returns"},
		{"upper case is lowered", " About-Us ", nil, "about-us"},
		{"empty", "", []string{"slug"}, ""},
		{"space", "about us", []string{"slug"}, ""},
		{"double hyphen", "a--b", []string{"slug"}, ""},
		{"leading hyphen", "-a", []string{"slug"}, ""},
		{"slash", "a/b", []string{"slug"}, ""},
		{"korean", "회사소개", []string{"slug"}, ""},
		{"too long", strings.Repeat("a", content.MaxSlug+1), []string{"slug"}, ""},
		{"terms is legal", "terms", []string{"slug"}, ""},
		{"privacy is legal", "privacy", []string{"slug"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			p, err := e.s.CreatePage(t.Context(), staff, content.PageInput{Slug: tt.slug, Title: "회사 소개", Body: "<p>안녕하세요</p>"})
			wantFields(t, err, tt.fields...)
			if err == nil && p.Slug != tt.stored {
				t.Errorf("slug = %q", p.Slug)
			}
		})
	}
}

// Two pages saved at once with one slug: one is stored, the other is told
// the slug is taken (never a 500), however the race falls.
func TestPageSlugRace(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.s.CreatePage(ctx, staff, content.PageInput{Slug: "about", Title: "소개", Body: "<p>x</p>"})
		}()
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		inv, isInv := fault.AsInvalid(err)
		if !isInv || inv.Fields["slug"] != "is taken by another page" {
			t.Errorf("loser: %v", err)
		}
	}
	if ok != 1 || e.count(t, "content_pages") != 1 {
		t.Errorf("%d saved, %d stored", ok, e.count(t, "content_pages"))
	}
	// Renaming another page to the slug is refused too.
	p, err := e.s.CreatePage(ctx, staff, content.PageInput{Slug: "faq-guide", Title: "안내", Body: "<p>x</p>"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.s.UpdatePage(ctx, staff, p.ID, content.PageInput{Slug: "about", Title: "안내", Body: "<p>x</p>"})
	wantFields(t, err, "slug")
	// A missing page is not found, even with a taken slug.
	if _, err := e.s.UpdatePage(ctx, staff, 4242, content.PageInput{Slug: "about", Title: "안내", Body: "<p>x</p>"}); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("update a missing page: %v", err)
	}
}

func TestBannerValidation(t *testing.T) {
	t.Parallel()
	good := content.BannerInput{Title: "겨울 세일", ImageURL: "/media/banners/a.jpg", AltText: "겨울 세일 30%", StartsAt: start}
	with := func(f func(*content.BannerInput)) content.BannerInput { b := good; f(&b); return b }
	tests := []struct {
		name   string
		in     content.BannerInput
		fields []string
	}{
		{"good", good, nil},
		{"https image and link", with(func(b *content.BannerInput) {
			b.ImageURL, b.LinkURL = "https://cdn.example.com/a.jpg", "https://shop.example.com/events/1"
		}), nil},
		{"site link", with(func(b *content.BannerInput) { b.LinkURL = "/events/1" }), nil},
		{"no image", with(func(b *content.BannerInput) { b.ImageURL = "" }), []string{"image_url"}},
		{"javascript link", with(func(b *content.BannerInput) { b.LinkURL = "javascript:alert(1)" }), []string{"link_url"}},
		{"data image", with(func(b *content.BannerInput) { b.ImageURL = "data:image/png;base64,AAAA" }), []string{"image_url"}},
		{"protocol-relative link", with(func(b *content.BannerInput) { b.LinkURL = "//evil.example/x" }), []string{"link_url"}},
		{"backslash link", with(func(b *content.BannerInput) { b.LinkURL = "/\\evil.example" }), []string{"link_url"}},
		{"ftp link", with(func(b *content.BannerInput) { b.LinkURL = "ftp://example.com/x" }), []string{"link_url"}},
		{"relative without slash", with(func(b *content.BannerInput) { b.LinkURL = "events/1" }), []string{"link_url"}},
		{"no alt", with(func(b *content.BannerInput) { b.AltText = "" }), []string{"alt_text"}},
		{"end before start", with(func(b *content.BannerInput) { b.EndsAt = start.Add(-time.Hour) }), []string{"ends_at"}},
		{"negative position", with(func(b *content.BannerInput) { b.Position = -1 }), []string{"position"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			_, err := e.s.CreateBanner(t.Context(), staff, tt.in)
			wantFields(t, err, tt.fields...)
		})
	}
}

func TestCurrentBanners(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	mk := func(title string, pos int64, published bool, from, to time.Time) {
		if _, err := e.s.CreateBanner(ctx, staff, content.BannerInput{Title: title, ImageURL: "/media/" + title + ".jpg",
			AltText: title, Position: pos, Published: published, StartsAt: from, EndsAt: to}); err != nil {
			t.Fatal(err)
		}
	}
	mk("second", 2, true, start.Add(-time.Hour), time.Time{})
	mk("first", 1, true, start.Add(-time.Hour), start.Add(time.Hour))
	mk("over", 0, true, start.Add(-2*time.Hour), start.Add(-time.Hour))
	mk("soon", 0, true, start.Add(time.Hour), time.Time{})
	mk("draft", 0, false, start.Add(-time.Hour), time.Time{})
	bs, err := e.s.CurrentBanners(ctx)
	if err != nil || len(bs) != 2 || bs[0].Title != "first" || bs[1].Title != "second" {
		t.Errorf("current = %+v, %v", bs, err)
	}
	e.clock.Advance(90 * time.Minute)
	bs, err = e.s.CurrentBanners(ctx)
	if err != nil || len(bs) != 2 || bs[0].Title != "soon" || bs[1].Title != "second" {
		t.Errorf("current later = %+v, %v", bs, err)
	}
}

// TestCurrentBannersAreKept checks the home page's banners are read once per
// BannerCacheTTL: a change made through this service shows at once, one made
// by another node (a row written past the service) within the TTL.
func TestCurrentBannersAreKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	if _, err := e.s.CreateBanner(ctx, staff, content.BannerInput{Title: "one", ImageURL: "/media/one.jpg", AltText: "one",
		Published: true, StartsAt: start.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	titles := func() []string {
		t.Helper()
		bs, err := e.s.CurrentBanners(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range bs {
			out = append(out, b.Title)
		}
		return out
	}
	if got := titles(); len(got) != 1 {
		t.Fatalf("after the create: %q", got)
	}
	q := e.d.Write()
	if _, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_banners SET title = 'two'`)); err != nil {
		t.Fatal(err)
	}
	if got := titles(); len(got) != 1 || got[0] != "one" {
		t.Fatalf("within the TTL the kept list is served: %q", got)
	}
	e.clock.Advance(content.BannerCacheTTL)
	if got := titles(); len(got) != 1 || got[0] != "two" {
		t.Fatalf("after the TTL the other node's change shows: %q", got)
	}
	if _, err := e.s.CreateBanner(ctx, staff, content.BannerInput{Title: "three", ImageURL: "/media/three.jpg", AltText: "three",
		Published: true, StartsAt: start.Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if got := titles(); len(got) != 2 {
		t.Fatalf("this node's change shows at once: %q", got)
	}
}

func TestFAQ(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	ship, err := e.s.CreateCategory(ctx, staff, content.CategoryInput{Name: "배송", Position: 2})
	if err != nil {
		t.Fatal(err)
	}
	pay, err := e.s.CreateCategory(ctx, staff, content.CategoryInput{Name: "결제", Position: 1})
	if err != nil {
		t.Fatal(err)
	}
	empty, err := e.s.CreateCategory(ctx, staff, content.CategoryInput{Name: "기타", Position: 3})
	if err != nil {
		t.Fatal(err)
	}
	cats := []struct {
		name   string
		in     content.CategoryInput
		fields []string
	}{
		{"taken", content.CategoryInput{Name: "배송"}, []string{"name"}},
		{"empty", content.CategoryInput{Name: " "}, []string{"name"}},
		{"long", content.CategoryInput{Name: strings.Repeat("가", content.MaxCategory+1)}, []string{"name"}},
		{"bad position", content.CategoryInput{Name: "새", Position: content.MaxPosition + 1}, []string{"position"}},
	}
	for _, tt := range cats {
		_, err := e.s.CreateCategory(ctx, staff, tt.in)
		t.Run("category "+tt.name, func(t *testing.T) { wantFields(t, err, tt.fields...) })
	}
	_, err = e.s.UpdateCategory(ctx, staff, pay.ID, content.CategoryInput{Name: "배송", Position: 1})
	wantFields(t, err, "name")

	entries := []struct {
		name   string
		in     content.FAQInput
		fields []string
	}{
		{"second in shipping", content.FAQInput{CategoryID: ship.ID, Question: "언제 오나요?", Answer: "<p>2일</p>", Position: 2, Published: true}, nil},
		{"first in shipping", content.FAQInput{CategoryID: ship.ID, Question: "어디로 오나요?", Answer: "<p>집</p>", Position: 1, Published: true}, nil},
		{"payment", content.FAQInput{CategoryID: pay.ID, Question: "카드 되나요?", Answer: "<p>네</p>", Published: true}, nil},
		{"draft", content.FAQInput{CategoryID: pay.ID, Question: "초안?", Answer: "<p>x</p>"}, nil},
		{"no category", content.FAQInput{CategoryID: 0, Question: "q", Answer: "<p>a</p>"}, []string{"category_id"}},
		{"missing category", content.FAQInput{CategoryID: 9999, Question: "q", Answer: "<p>a</p>"}, []string{"category_id"}},
		{"no question", content.FAQInput{CategoryID: pay.ID, Answer: "<p>a</p>"}, []string{"question"}},
		{"no answer", content.FAQInput{CategoryID: pay.ID, Question: "q"}, []string{"answer"}},
	}
	for _, tt := range entries {
		_, err := e.s.CreateFAQ(ctx, staff, tt.in)
		t.Run("entry "+tt.name, func(t *testing.T) { wantFields(t, err, tt.fields...) })
	}
	groups, err := e.s.PublishedFAQ(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range groups {
		got = append(got, "["+g.Category.Name+"]")
		for _, f := range g.Entries {
			got = append(got, f.Question)
		}
	}
	if strings.Join(got, " ") != "[결제] 카드 되나요? [배송] 어디로 오나요? 언제 오나요?" {
		t.Errorf("FAQ = %v", got)
	}
	// A category with entries stays; an empty one goes.
	wantFields(t, e.s.DeleteCategory(ctx, staff, ship.ID), "category")
	if err := e.s.DeleteCategory(ctx, staff, empty.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.Category(ctx, empty.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Errorf("deleted category: %v", err)
	}
	if es := audittest.Entries(t, e.d, "content.faq_category_deleted"); len(es) != 1 {
		t.Errorf("%d deletions audited", len(es))
	}
}

// A change whose audit entry cannot be written is undone.
func TestChangeUndoneWithoutAudit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	n, err := e.s.CreateNotice(ctx, staff, content.NoticeInput{Title: "공지", Body: "<p>x</p>"})
	if err != nil {
		t.Fatal(err)
	}
	audittest.Refuse(t, e.d)
	changes := []struct {
		name string
		do   func() error
	}{
		{"create", func() error {
			_, err := e.s.CreatePage(ctx, staff, content.PageInput{Slug: "about", Title: "t", Body: "<p>x</p>"})
			return err
		}},
		{"update", func() error {
			_, err := e.s.UpdateNotice(ctx, staff, n.ID, content.NoticeInput{Title: "바뀐 공지", Body: "<p>x</p>"})
			return err
		}},
		{"delete", func() error { return e.s.DeleteNotice(ctx, staff, n.ID) }},
	}
	for _, c := range changes {
		if err := c.do(); err == nil {
			t.Errorf("%s without audit succeeded", c.name)
		}
	}
	got, err := e.s.Notice(ctx, n.ID)
	if err != nil || got.Title != "공지" || e.count(t, "content_pages") != 0 {
		t.Errorf("after refused audits: %+v, %v, %d pages", got, err, e.count(t, "content_pages"))
	}
}

func TestDeleteMissing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	for name, del := range map[string]func(context.Context, audit.Actor, int64) error{
		"notice": e.s.DeleteNotice, "event": e.s.DeleteEvent, "page": e.s.DeletePage, "banner": e.s.DeleteBanner,
		"faq": e.s.DeleteFAQ, "category": e.s.DeleteCategory,
	} {
		if err := del(ctx, staff, 4242); !errors.Is(err, fault.ErrNotFound) {
			t.Errorf("delete missing %s: %v", name, err)
		}
	}
	if es := audittest.Entries(t, e.d, ""); len(es) != 0 {
		t.Errorf("%d entries for nothing deleted", len(es))
	}
}

func TestSitemap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := t.Context()
	n, _ := e.s.CreateNotice(ctx, staff, content.NoticeInput{Title: "공지", Body: "<p>x</p>", Published: true})
	_, _ = e.s.CreateNotice(ctx, staff, content.NoticeInput{Title: "초안", Body: "<p>x</p>"})
	ev, _ := e.s.CreateEvent(ctx, staff, content.EventInput{Title: "이벤트", Body: "<p>x</p>", Published: true,
		StartsAt: start.Add(-time.Hour), EndsAt: start.Add(time.Hour)})
	_, _ = e.s.CreateEvent(ctx, staff, content.EventInput{Title: "예정", Body: "<p>x</p>", Published: true,
		StartsAt: start.Add(time.Hour), EndsAt: start.Add(2 * time.Hour)})
	_, _ = e.s.CreatePage(ctx, staff, content.PageInput{Slug: "about", Title: "소개", Body: "<p>x</p>", Published: true})
	_, _ = e.s.CreatePage(ctx, staff, content.PageInput{Slug: "secret", Title: "비공개", Body: "<p>x</p>"})
	es, err := e.s.Sitemap(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]time.Time{}
	for _, s := range es {
		got[s.Path] = s.Modified
	}
	want := []string{"/notices", "/events", "/notices/" + itoa(n.ID), "/events/" + itoa(ev.ID), "/pages/about"}
	if len(got) != len(want) {
		t.Errorf("sitemap = %v", got)
	}
	for _, p := range want {
		if _, ok := got[p]; !ok {
			t.Errorf("sitemap lacks %s: %v", p, got)
		}
	}
	if !got["/pages/about"].Equal(start) || !got["/notices"].Equal(start) {
		t.Errorf("lastmod = %v", got)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
