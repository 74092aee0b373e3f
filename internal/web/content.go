package web

import (
	"bufio"
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/mallang/mallang/internal/content"
	"github.com/mallang/mallang/internal/fault"
)

// Content is what the storefront reads of the shop's content: only what
// customers may see now (*content.Service). Each single-item method returns
// fault.ErrNotFound for an item that is missing, unpublished or out of its
// period.
type Content interface {
	PublishedNotices(ctx context.Context, limit, offset int) ([]content.Notice, error)
	PublishedNotice(ctx context.Context, id int64) (content.Notice, error)
	ShownEvents(ctx context.Context, limit, offset int) ([]content.Event, error)
	ShownEvent(ctx context.Context, id int64) (content.Event, error)
	PublishedFAQ(ctx context.Context) ([]content.Group, error)
	PublishedPage(ctx context.Context, slug string) (content.Page, error)
	CurrentBanners(ctx context.Context) ([]content.Banner, error)
	Sitemap(ctx context.Context) ([]content.SitemapEntry, error)
}

// EnableContent adds the content pages (/notices, /events, /faq,
// /pages/{slug}), the home page's banners, the footer's links and the
// sitemap's entries, read from c. Call it before Register.
func (h *Handler) EnableContent(c Content) *Handler {
	if c == nil {
		panic("web: EnableContent without a content reader")
	}
	h.content = c
	return h
}

// registerContent adds the content pages.
func (h *Handler) registerContent(mux *http.ServeMux) {
	mux.Handle("GET /notices", h.serve(h.notices))
	mux.Handle("GET /notices/{id}", h.serve(h.notice))
	mux.Handle("GET /events", h.serve(h.events))
	mux.Handle("GET /events/{id}", h.serve(h.event))
	mux.Handle("GET /faq", h.serve(h.faq))
	mux.Handle("GET /pages/{slug}", h.serve(h.contentPage))
}

// footerLinks are the footer's links to the content pages, none without
// content.
func (h *Handler) footerLinks(lc *locale) []link {
	if h.content == nil {
		return nil
	}
	return []link{{Label: lc.T("content.notices"), URL: "/notices"}, {Label: lc.T("content.events"), URL: "/events"},
		{Label: lc.T("content.faq"), URL: "/faq"}}
}

// contentID is the path's id, fault.ErrNotFound when it is not one.
func contentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("content id %q: %w", r.PathValue("id"), fault.ErrNotFound)
	}
	return id, nil
}

// noticeItem is a notice in the list.
type noticeItem struct {
	URL, Title, Date string
	Pinned           bool
}

// notices serves GET /notices: pinned notices first, then the latest.
func (h *Handler) notices(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	ns, err := h.content.PublishedNotices(ctx, content.MaxList, 0)
	if err != nil {
		return err
	}
	items := make([]noticeItem, len(ns))
	for i, n := range ns {
		items[i] = noticeItem{URL: "/notices/" + strconv.FormatInt(n.ID, 10), Title: n.Title, Date: lc.Date(n.PublishedAt), Pinned: n.Pinned}
	}
	p := h.newPage(r, lc, tree, lc.T("content.notices"), "/notices", nil)
	p.Description = lc.F("content.notices.description", p.Shop)
	h.render(w, r, lc, http.StatusOK, noticesPage(p, items))
	return nil
}

// article is one notice, event or page as its page shows it.
type article struct {
	TestID string
	Title  string
	Meta   string // the date or the period
	Ended  bool
	Image  string
	Body   string // sanitised when stored
	Back   link
}

// notice serves GET /notices/{id}.
func (h *Handler) notice(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	id, err := contentID(r)
	if err != nil {
		return err
	}
	n, err := h.content.PublishedNotice(ctx, id)
	if err != nil {
		return err
	}
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	p := h.newPage(r, lc, tree, n.Title, "/notices/"+strconv.FormatInt(id, 10), nil)
	p.OGType = "article"
	p.Description = plainText(n.Body, 160)
	a := article{TestID: "notice", Title: n.Title, Meta: lc.Date(n.PublishedAt), Body: n.Body,
		Back: link{Label: lc.T("content.notices.all"), URL: "/notices"}}
	h.render(w, r, lc, http.StatusOK, articlePage(p, a))
	return nil
}

// eventItem is an event in the list.
type eventItem struct {
	URL, Title, Summary, Period, Image string
	Ended                              bool
}

// period is an event's period in lc: its first and last moments in Seoul.
func (lc *locale) period(from, to time.Time) string {
	return lc.DateTime(from) + " ~ " + lc.DateTime(to)
}

// events serves GET /events: those running, then those ended, marked.
func (h *Handler) events(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	es, err := h.content.ShownEvents(ctx, content.MaxList, 0)
	if err != nil {
		return err
	}
	now := h.cfg.Now()
	var current, ended []eventItem
	for _, e := range es {
		it := eventItem{URL: "/events/" + strconv.FormatInt(e.ID, 10), Title: e.Title, Summary: e.Summary,
			Period: lc.period(e.StartsAt, e.EndsAt), Ended: e.Ended(now)}
		if content.SafeURL(e.ImageURL) {
			it.Image = e.ImageURL
		}
		if it.Ended {
			ended = append(ended, it)
		} else {
			current = append(current, it)
		}
	}
	p := h.newPage(r, lc, tree, lc.T("content.events"), "/events", nil)
	p.Description = lc.F("content.events.description", p.Shop)
	h.render(w, r, lc, http.StatusOK, eventsPage(p, current, ended))
	return nil
}

// event serves GET /events/{id}; an ended event says so.
func (h *Handler) event(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	id, err := contentID(r)
	if err != nil {
		return err
	}
	e, err := h.content.ShownEvent(ctx, id)
	if err != nil {
		return err
	}
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	p := h.newPage(r, lc, tree, e.Title, "/events/"+strconv.FormatInt(id, 10), nil)
	p.OGType = "article"
	p.Description = e.Summary
	if p.Description == "" {
		p.Description = plainText(e.Body, 160)
	}
	a := article{TestID: "event", Title: e.Title, Meta: lc.period(e.StartsAt, e.EndsAt), Ended: e.Ended(h.cfg.Now()),
		Body: e.Body, Back: link{Label: lc.T("content.events.all"), URL: "/events"}}
	if content.SafeURL(e.ImageURL) {
		a.Image = e.ImageURL
		if len(e.ImageURL) > 0 && e.ImageURL[0] == '/' {
			p.OGImage = h.absolute(e.ImageURL)
		} else {
			p.OGImage = e.ImageURL
		}
	}
	h.render(w, r, lc, http.StatusOK, articlePage(p, a))
	return nil
}

// faq serves GET /faq: each category with its questions, each opening its
// answer without script (<details>).
func (h *Handler) faq(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	groups, err := h.content.PublishedFAQ(ctx)
	if err != nil {
		return err
	}
	p := h.newPage(r, lc, tree, lc.T("content.faq"), "/faq", nil)
	p.Description = lc.F("content.faq.description", p.Shop)
	h.render(w, r, lc, http.StatusOK, faqPage(p, groups))
	return nil
}

// contentPage serves GET /pages/{slug}.
func (h *Handler) contentPage(w http.ResponseWriter, r *http.Request, lc *locale) error {
	ctx := r.Context()
	pg, err := h.content.PublishedPage(ctx, r.PathValue("slug"))
	if err != nil {
		return err
	}
	tree, err := h.categories(ctx)
	if err != nil {
		return err
	}
	p := h.newPage(r, lc, tree, pg.Title, "/pages/"+pg.Slug, nil)
	p.Description = plainText(pg.Body, 160)
	h.render(w, r, lc, http.StatusOK, articlePage(p, article{TestID: "content-page", Title: pg.Title, Body: pg.Body}))
	return nil
}

// bannerItem is a banner on the home page.
type bannerItem struct {
	Image, Link, Alt string
}

// banners are the home page's banners now, none without content. A
// failure leaves them out (logged): the home page stands without them.
func (h *Handler) banners(ctx context.Context) []bannerItem {
	if h.content == nil {
		return nil
	}
	bs, err := h.content.CurrentBanners(ctx)
	if err != nil {
		h.log.ErrorContext(ctx, "home page without banners", "err", err)
		return nil
	}
	var out []bannerItem
	for _, b := range bs {
		if !content.SafeURL(b.ImageURL) {
			continue
		}
		it := bannerItem{Image: b.ImageURL, Alt: b.AltText}
		if content.SafeURL(b.LinkURL) {
			it.Link = b.LinkURL
		}
		out = append(out, it)
	}
	return out
}

// sitemapContent is the content's entries for the sitemap, none without
// content.
func (h *Handler) sitemapContent(ctx context.Context) ([]content.SitemapEntry, error) {
	if h.content == nil {
		return nil, nil
	}
	es, err := h.content.Sitemap(ctx)
	if err != nil {
		return nil, fmt.Errorf("content for the sitemap: %w", err)
	}
	return es, nil
}

// writeContentURLs writes es as sitemap urls, with their last change when
// they have one.
func (h *Handler) writeContentURLs(bw *bufio.Writer, es []content.SitemapEntry) {
	for _, e := range es {
		bw.WriteString("<url><loc>")
		_ = xml.EscapeText(bw, []byte(h.absolute(e.Path)))
		bw.WriteString("</loc>")
		if !e.Modified.IsZero() {
			bw.WriteString("<lastmod>" + e.Modified.UTC().Format(time.RFC3339) + "</lastmod>")
		}
		bw.WriteString("</url>\n")
	}
}

// contentText lists the content pages' texts.
func contentText() []msg {
	return []msg{
		{key: "content.footer", ko: "고객 안내", en: "Customer information"},
		{key: "content.notices", ko: "공지사항", en: "Notices"},
		{key: "content.notices.all", ko: "공지사항 목록", en: "All notices"},
		{key: "content.notices.description", ko: "%[1]v의 공지사항", en: "Notices from %[1]v"},
		{key: "content.notices.none", ko: "등록된 공지사항이 없습니다.", en: "There are no notices."},
		{key: "content.pinned", ko: "중요", en: "Important"},
		{key: "content.events", ko: "이벤트", en: "Events"},
		{key: "content.events.all", ko: "이벤트 목록", en: "All events"},
		{key: "content.events.description", ko: "%[1]v에서 진행 중인 이벤트", en: "Events at %[1]v"},
		{key: "content.events.current", ko: "진행 중인 이벤트", en: "Running now"},
		{key: "content.events.none", ko: "진행 중인 이벤트가 없습니다.", en: "No event is running right now."},
		{key: "content.events.ended", ko: "종료된 이벤트", en: "Ended events"},
		{key: "content.ended", ko: "종료", en: "Ended"},
		{key: "content.ended.notice", ko: "종료된 이벤트입니다.", en: "This event has ended."},
		{key: "content.period", ko: "기간", en: "Period"},
		{key: "content.faq", ko: "자주 묻는 질문", en: "FAQ"},
		{key: "content.faq.description", ko: "%[1]v 이용에 관해 자주 묻는 질문과 답변", en: "Frequently asked questions about shopping at %[1]v"},
		{key: "content.faq.none", ko: "등록된 질문이 없습니다.", en: "There are no questions yet."},
		{key: "content.banners", ko: "기획전", en: "Featured promotions"},
	}
}
