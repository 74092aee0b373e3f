package backoffice

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/content"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/kst"
)

// The content section (콘텐츠): notices, events, the FAQ and its
// categories, pages and home banners, each listed, created, edited and
// deleted, behind account.PermContent. The content service validates,
// sanitises the bodies and audits every change in its transaction; a form
// with bad input comes back with a message beside each field and nothing
// written.

// Content is what the back office needs of the content service;
// *content.Service implements it.
type Content interface {
	Notices(ctx context.Context, limit, offset int) ([]content.Notice, error)
	Notice(ctx context.Context, id int64) (content.Notice, error)
	CreateNotice(ctx context.Context, by audit.Actor, in content.NoticeInput) (content.Notice, error)
	UpdateNotice(ctx context.Context, by audit.Actor, id int64, in content.NoticeInput) (content.Notice, error)
	DeleteNotice(ctx context.Context, by audit.Actor, id int64) error
	Events(ctx context.Context, limit, offset int) ([]content.Event, error)
	Event(ctx context.Context, id int64) (content.Event, error)
	CreateEvent(ctx context.Context, by audit.Actor, in content.EventInput) (content.Event, error)
	UpdateEvent(ctx context.Context, by audit.Actor, id int64, in content.EventInput) (content.Event, error)
	DeleteEvent(ctx context.Context, by audit.Actor, id int64) error
	Categories(ctx context.Context) ([]content.Category, error)
	Category(ctx context.Context, id int64) (content.Category, error)
	CreateCategory(ctx context.Context, by audit.Actor, in content.CategoryInput) (content.Category, error)
	UpdateCategory(ctx context.Context, by audit.Actor, id int64, in content.CategoryInput) (content.Category, error)
	DeleteCategory(ctx context.Context, by audit.Actor, id int64) error
	FAQs(ctx context.Context) ([]content.FAQ, error)
	FAQ(ctx context.Context, id int64) (content.FAQ, error)
	CreateFAQ(ctx context.Context, by audit.Actor, in content.FAQInput) (content.FAQ, error)
	UpdateFAQ(ctx context.Context, by audit.Actor, id int64, in content.FAQInput) (content.FAQ, error)
	DeleteFAQ(ctx context.Context, by audit.Actor, id int64) error
	Pages(ctx context.Context, limit, offset int) ([]content.Page, error)
	Page(ctx context.Context, id int64) (content.Page, error)
	CreatePage(ctx context.Context, by audit.Actor, in content.PageInput) (content.Page, error)
	UpdatePage(ctx context.Context, by audit.Actor, id int64, in content.PageInput) (content.Page, error)
	DeletePage(ctx context.Context, by audit.Actor, id int64) error
	Banners(ctx context.Context, limit, offset int) ([]content.Banner, error)
	Banner(ctx context.Context, id int64) (content.Banner, error)
	CreateBanner(ctx context.Context, by audit.Actor, in content.BannerInput) (content.Banner, error)
	UpdateBanner(ctx context.Context, by audit.Actor, id int64, in content.BannerInput) (content.Banner, error)
	DeleteBanner(ctx context.Context, by audit.Actor, id int64) error
}

// contentKinds are the kinds of content, in the hub's order.
var contentKinds = []string{"notices", "events", "faq", "faq-categories", "pages", "banners"}

// handler is where registerContent adds its routes: the back office's mux,
// or anything else that takes routes the same way.
type handler interface {
	Handle(pattern string, h http.Handler)
}

// registerContent adds the content section.
func (h *Handler) registerContent(mux handler) {
	p, s := h.cfg.Path, h.withSession
	c := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermContent, next))) }
	mux.Handle("GET "+p+"/content", c(h.contentHub))
	for _, k := range contentKinds {
		base := p + "/content/" + k
		mux.Handle("GET "+base, c(h.contentList(k)))
		mux.Handle("GET "+base+"/new", c(h.contentNew(k)))
		mux.Handle("POST "+base, c(h.contentSave(k)))
		mux.Handle("GET "+base+"/{id}", c(h.contentEdit(k)))
		mux.Handle("POST "+base+"/{id}", c(h.contentSave(k)))
		mux.Handle("POST "+base+"/{id}/delete", c(h.contentDelete(k)))
	}
}

// contentSections adds the content section to the menu for u.
func (h *Handler) contentSections(u account.User, add func(key, path, hint string)) {
	if u.Can(account.PermContent) {
		add("content", "/content", "dash.content")
	}
}

// contentField is one input of a content form.
type contentField struct {
	Name  string
	Label string
	// Kind is text, rich (a body for the editor), check, datetime (Korean
	// time), number or select.
	Kind      string
	Hint      string
	MaxLength int
	Options   []option // a select's
	Value     string
	Error     string
}

// contentFormView is a create or edit form.
type contentFormView struct {
	Kind, Title, Action, Back, Delete string
	Fields                            []contentField
	Error                             string
	View                              string // the storefront page, when there is one
}

// contentListView is a kind's list.
type contentListView struct {
	Kind, New string
	Tabs      []option // Value: URL
	Columns   []string
	Rows      []contentRow
}

// contentRow is one item of a list: its edit link and cells.
type contentRow struct {
	URL   string
	Cells []string
}

// contentURL is a path of the content section.
func (h *Handler) contentURL(kind string, id int64) string {
	if id == 0 {
		return h.url("/content/" + kind)
	}
	return h.url("/content/" + kind + "/" + strconv.FormatInt(id, 10))
}

// contentHub lists the kinds of content.
func (h *Handler) contentHub(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	h.render(w, r, http.StatusOK, contentHubPage(h.page(r, m, u, m.T("nav.content"), "content"), h.contentTabs(m, "")))
	return nil
}

func (h *Handler) contentTabs(m *messages, current string) []option {
	out := make([]option, len(contentKinds))
	for i, k := range contentKinds {
		out[i] = option{Value: h.contentURL(k, 0), Label: m.T("cnt." + k), Selected: k == current}
	}
	return out
}

// kst formats t for a datetime-local input in Korean time; "" for zero.
func kstInput(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(kst.Zone).Format("2006-01-02T15:04")
}

func yes(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// published is the list's word for a published flag.
func published(m *messages, b bool) string {
	if b {
		return m.T("cnt.published.yes")
	}
	return m.T("cnt.published.no")
}

func (h *Handler) contentList(kind string) staffPage {
	return func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		ctx := r.Context()
		v := contentListView{Kind: kind, New: h.contentURL(kind, 0) + "/new", Tabs: h.contentTabs(m, kind)}
		row := func(id int64, cells ...string) {
			v.Rows = append(v.Rows, contentRow{URL: h.contentURL(kind, id), Cells: cells})
		}
		cols := func(keys ...string) {
			for _, k := range keys {
				v.Columns = append(v.Columns, m.T("cnt.f."+k))
			}
		}
		switch kind {
		case "notices":
			cols("title", "pinned", "published", "published_at")
			ns, err := h.deps.Content.Notices(ctx, content.MaxList, 0)
			if err != nil {
				return err
			}
			for _, n := range ns {
				pin := ""
				if n.Pinned {
					pin = m.T("cnt.pinned")
				}
				row(n.ID, n.Title, pin, published(m, n.Published), m.Time(n.PublishedAt))
			}
		case "events":
			cols("title", "published", "starts_at", "ends_at")
			es, err := h.deps.Content.Events(ctx, content.MaxList, 0)
			if err != nil {
				return err
			}
			for _, e := range es {
				row(e.ID, e.Title, published(m, e.Published), m.Time(e.StartsAt), m.Time(e.EndsAt))
			}
		case "faq":
			cols("question", "category_id", "position", "published")
			cs, err := h.deps.Content.Categories(ctx)
			if err != nil {
				return err
			}
			names := map[int64]string{}
			for _, c := range cs {
				names[c.ID] = c.Name
			}
			fs, err := h.deps.Content.FAQs(ctx)
			if err != nil {
				return err
			}
			for _, f := range fs {
				row(f.ID, f.Question, names[f.CategoryID], strconv.FormatInt(f.Position, 10), published(m, f.Published))
			}
		case "faq-categories":
			cols("name", "position")
			cs, err := h.deps.Content.Categories(ctx)
			if err != nil {
				return err
			}
			for _, c := range cs {
				row(c.ID, c.Name, strconv.FormatInt(c.Position, 10))
			}
		case "pages":
			cols("title", "slug", "published")
			ps, err := h.deps.Content.Pages(ctx, content.MaxList, 0)
			if err != nil {
				return err
			}
			for _, p := range ps {
				row(p.ID, p.Title, "/pages/"+p.Slug, published(m, p.Published))
			}
		case "banners":
			cols("title", "position", "published", "starts_at", "ends_at")
			bs, err := h.deps.Content.Banners(ctx, content.MaxList, 0)
			if err != nil {
				return err
			}
			for _, b := range bs {
				row(b.ID, b.Title, strconv.FormatInt(b.Position, 10), published(m, b.Published), m.Time(b.StartsAt), m.Time(b.EndsAt))
			}
		}
		pg := h.page(r, m, u, m.T("cnt."+kind), "content")
		switch {
		case r.URL.Query().Get("saved") == "1":
			pg.Notice = m.T("cnt.saved")
		case r.URL.Query().Get("deleted") == "1":
			pg.Notice = m.T("cnt.deleted")
		}
		h.render(w, r, http.StatusOK, contentListPage(pg, v))
		return nil
	}
}

// contentFields are the inputs of kind's form, filled from values.
func (h *Handler) contentFields(ctx context.Context, m *messages, kind string, values map[string]string) ([]contentField, error) {
	f := func(name, typ string, max int) contentField {
		hint := m.T("cnt.hint." + name)
		if hint == "cnt.hint."+name {
			hint = ""
		}
		return contentField{Name: name, Label: m.T("cnt.f." + name), Kind: typ, MaxLength: max, Hint: hint, Value: values[name]}
	}
	switch kind {
	case "notices":
		return []contentField{f("title", "text", content.MaxTitle), f("body", "rich", 0), f("pinned", "check", 0),
			f("published", "check", 0), f("published_at", "datetime", 0)}, nil
	case "events":
		return []contentField{f("title", "text", content.MaxTitle), f("summary", "text", content.MaxSummary), f("body", "rich", 0),
			f("image_url", "text", content.MaxURL), f("starts_at", "datetime", 0), f("ends_at", "datetime", 0),
			f("published", "check", 0)}, nil
	case "faq":
		cs, err := h.deps.Content.Categories(ctx)
		if err != nil {
			return nil, err
		}
		cat := f("category_id", "select", 0)
		for _, c := range cs {
			v := strconv.FormatInt(c.ID, 10)
			cat.Options = append(cat.Options, option{Value: v, Label: c.Name, Selected: v == values["category_id"]})
		}
		return []contentField{cat, f("question", "text", content.MaxTitle), f("answer", "rich", 0),
			f("position", "number", 6), f("published", "check", 0)}, nil
	case "faq-categories":
		return []contentField{f("name", "text", content.MaxCategory), f("position", "number", 6)}, nil
	case "pages":
		return []contentField{f("title", "text", content.MaxTitle), f("slug", "text", content.MaxSlug), f("body", "rich", 0),
			f("published", "check", 0)}, nil
	case "banners":
		return []contentField{f("title", "text", content.MaxTitle), f("image_url", "text", content.MaxURL),
			f("alt_text", "text", content.MaxAlt), f("link_url", "text", content.MaxURL), f("position", "number", 6),
			f("starts_at", "datetime", 0), f("ends_at", "datetime", 0), f("published", "check", 0)}, nil
	}
	return nil, fault.ErrNotFound
}

// contentValues reads an item of kind for its edit form, with the
// storefront page it is shown at.
func (h *Handler) contentValues(ctx context.Context, kind string, id int64) (map[string]string, string, error) {
	c := h.deps.Content
	switch kind {
	case "notices":
		n, err := c.Notice(ctx, id)
		return map[string]string{"title": n.Title, "body": n.Body, "pinned": yes(n.Pinned), "published": yes(n.Published),
			"published_at": kstInput(n.PublishedAt)}, "/notices/" + strconv.FormatInt(id, 10), err
	case "events":
		e, err := c.Event(ctx, id)
		return map[string]string{"title": e.Title, "summary": e.Summary, "body": e.Body, "image_url": e.ImageURL,
				"starts_at": kstInput(e.StartsAt), "ends_at": kstInput(e.EndsAt), "published": yes(e.Published)},
			"/events/" + strconv.FormatInt(id, 10), err
	case "faq":
		f, err := c.FAQ(ctx, id)
		return map[string]string{"category_id": strconv.FormatInt(f.CategoryID, 10), "question": f.Question, "answer": f.Answer,
			"position": strconv.FormatInt(f.Position, 10), "published": yes(f.Published)}, "/faq", err
	case "faq-categories":
		cat, err := c.Category(ctx, id)
		return map[string]string{"name": cat.Name, "position": strconv.FormatInt(cat.Position, 10)}, "/faq", err
	case "pages":
		p, err := c.Page(ctx, id)
		return map[string]string{"title": p.Title, "slug": p.Slug, "body": p.Body, "published": yes(p.Published)},
			"/pages/" + p.Slug, err
	case "banners":
		b, err := c.Banner(ctx, id)
		return map[string]string{"title": b.Title, "image_url": b.ImageURL, "alt_text": b.AltText, "link_url": b.LinkURL,
			"position": strconv.FormatInt(b.Position, 10), "starts_at": kstInput(b.StartsAt), "ends_at": kstInput(b.EndsAt),
			"published": yes(b.Published)}, "/", err
	}
	return nil, "", fault.ErrNotFound
}

// showContentForm renders kind's form with values, per-field errors and a
// message over it; id 0 is a new item.
func (h *Handler) showContentForm(w http.ResponseWriter, r *http.Request, m *messages, u account.User, kind string, id int64,
	values, errs map[string]string, msg string, status int, view string) error {
	fields, err := h.contentFields(r.Context(), m, kind, values)
	if err != nil {
		return err
	}
	for i := range fields {
		fields[i].Error = errs[fields[i].Name]
	}
	v := contentFormView{Kind: kind, Back: h.contentURL(kind, 0), Fields: fields, Error: msg, View: view}
	title := m.T("cnt.new." + kind)
	if id == 0 {
		v.Action = h.contentURL(kind, 0)
	} else {
		title = m.T("cnt.edit." + kind)
		v.Action = h.contentURL(kind, id)
		v.Delete = v.Action + "/delete"
	}
	v.Title = title
	h.render(w, r, status, contentFormPage(h.page(r, m, u, title, "content"), v))
	return nil
}

func (h *Handler) contentNew(kind string) staffPage {
	return func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		values := map[string]string{}
		if kind == "events" || kind == "banners" {
			values["starts_at"] = kstInput(h.deps.Now().Truncate(time.Minute))
		}
		if kind == "faq" || kind == "faq-categories" || kind == "banners" {
			values["position"] = "0"
		}
		return h.showContentForm(w, r, m, u, kind, 0, values, nil, "", http.StatusOK, "")
	}
}

func (h *Handler) contentEdit(kind string) staffPage {
	return func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		id := pathID(r)
		if id == 0 {
			return fault.ErrNotFound
		}
		values, view, err := h.contentValues(r.Context(), kind, id)
		if err != nil {
			return err
		}
		return h.showContentForm(w, r, m, u, kind, id, values, nil, "", http.StatusOK, view)
	}
}

// contentForm is a posted content form: its values (for showing it again)
// and what they parse to.
type contentForm struct {
	values map[string]string
	errs   map[string]string
	m      *messages
}

func (f *contentForm) text(name string) string { return f.values[name] }

func (f *contentForm) check(name string) bool { return f.values[name] == "1" }

// time reads a datetime-local field in Korean time; "" is the zero time.
func (f *contentForm) time(name string) time.Time {
	s := f.values[name]
	if s == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04", s, kst.Zone)
	if err != nil {
		f.errs[name] = f.m.T("v.datetime")
		return time.Time{}
	}
	return t.UTC()
}

func (f *contentForm) number(name string) int64 {
	n, ok := parseWhole(f.values[name])
	if !ok {
		f.errs[name] = f.m.T("v.whole")
	}
	return n
}

// readContentForm reads the fields of kind from the posted form. Bodies
// keep their length (the service bounds them); other fields are cut.
func (h *Handler) readContentForm(ctx context.Context, r *http.Request, m *messages, kind string) (*contentForm, error) {
	fields, err := h.contentFields(ctx, m, kind, nil)
	if err != nil {
		return nil, err
	}
	f := &contentForm{values: map[string]string{}, errs: map[string]string{}, m: m}
	for _, fl := range fields {
		v := r.PostFormValue(fl.Name)
		switch fl.Kind {
		case "rich":
			f.values[fl.Name] = v
		case "check":
			f.values[fl.Name] = yes(v == "1" || v == "on")
		default:
			f.values[fl.Name] = cut(strings.TrimSpace(v), 4*content.MaxURL)
		}
	}
	return f, nil
}

// saveContent creates (id 0) or updates an item of kind from f as by,
// returning its id.
func (h *Handler) saveContent(ctx context.Context, kind string, id int64, by audit.Actor, f *contentForm) (int64, error) {
	c := h.deps.Content
	switch kind {
	case "notices":
		in := content.NoticeInput{Title: f.text("title"), Body: f.text("body"), Pinned: f.check("pinned"),
			Published: f.check("published"), PublishedAt: f.time("published_at")}
		if len(f.errs) > 0 {
			return 0, nil
		}
		if id == 0 {
			n, err := c.CreateNotice(ctx, by, in)
			return n.ID, err
		}
		_, err := c.UpdateNotice(ctx, by, id, in)
		return id, err
	case "events":
		in := content.EventInput{Title: f.text("title"), Summary: f.text("summary"), Body: f.text("body"),
			ImageURL: f.text("image_url"), Published: f.check("published"), StartsAt: f.time("starts_at"), EndsAt: f.time("ends_at")}
		if len(f.errs) > 0 {
			return 0, nil
		}
		if id == 0 {
			e, err := c.CreateEvent(ctx, by, in)
			return e.ID, err
		}
		_, err := c.UpdateEvent(ctx, by, id, in)
		return id, err
	case "faq":
		cat, _ := strconv.ParseInt(f.text("category_id"), 10, 64)
		in := content.FAQInput{CategoryID: cat, Question: f.text("question"), Answer: f.text("answer"),
			Position: f.number("position"), Published: f.check("published")}
		if len(f.errs) > 0 {
			return 0, nil
		}
		if id == 0 {
			e, err := c.CreateFAQ(ctx, by, in)
			return e.ID, err
		}
		_, err := c.UpdateFAQ(ctx, by, id, in)
		return id, err
	case "faq-categories":
		in := content.CategoryInput{Name: f.text("name"), Position: f.number("position")}
		if len(f.errs) > 0 {
			return 0, nil
		}
		if id == 0 {
			e, err := c.CreateCategory(ctx, by, in)
			return e.ID, err
		}
		_, err := c.UpdateCategory(ctx, by, id, in)
		return id, err
	case "pages":
		in := content.PageInput{Slug: f.text("slug"), Title: f.text("title"), Body: f.text("body"), Published: f.check("published")}
		if id == 0 {
			p, err := c.CreatePage(ctx, by, in)
			return p.ID, err
		}
		_, err := c.UpdatePage(ctx, by, id, in)
		return id, err
	case "banners":
		in := content.BannerInput{Title: f.text("title"), ImageURL: f.text("image_url"), AltText: f.text("alt_text"),
			LinkURL: f.text("link_url"), Position: f.number("position"), Published: f.check("published"),
			StartsAt: f.time("starts_at"), EndsAt: f.time("ends_at")}
		if len(f.errs) > 0 {
			return 0, nil
		}
		if id == 0 {
			b, err := c.CreateBanner(ctx, by, in)
			return b.ID, err
		}
		_, err := c.UpdateBanner(ctx, by, id, in)
		return id, err
	}
	return 0, fault.ErrNotFound
}

// contentSave creates (POST …/{kind}) or updates (POST …/{kind}/{id}) an
// item, then shows the list with a notice; bad input shows the form again
// with its messages (422) and writes nothing.
func (h *Handler) contentSave(kind string) staffPage {
	return func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		ctx := r.Context()
		var id int64
		if r.PathValue("id") != "" {
			if id = pathID(r); id == 0 {
				return fault.ErrNotFound
			}
		}
		f, err := h.readContentForm(ctx, r, m, kind)
		if err != nil {
			return err
		}
		saved, err := h.saveContent(ctx, kind, id, staffActor(r, u), f)
		if inv, ok := fault.AsInvalid(err); ok {
			msg := placeFields(m, inv, f.values, f.errs)
			return h.showContentForm(w, r, m, u, kind, id, f.values, f.errs, msg, http.StatusUnprocessableEntity, "")
		}
		if err != nil {
			return err
		}
		if len(f.errs) > 0 {
			return h.showContentForm(w, r, m, u, kind, id, f.values, f.errs, m.T("form.fix"), http.StatusUnprocessableEntity, "")
		}
		h.log.InfoContext(ctx, "content saved in the back office", "actor_id", u.ID, "kind", kind, "id", saved)
		http.Redirect(w, r, h.contentURL(kind, 0)+"?saved=1", http.StatusSeeOther)
		return nil
	}
}

// contentDelete deletes an item; a FAQ category with questions stays and
// its form says why.
func (h *Handler) contentDelete(kind string) staffPage {
	return func(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
		ctx := r.Context()
		id := pathID(r)
		if id == 0 {
			return fault.ErrNotFound
		}
		c, by := h.deps.Content, staffActor(r, u)
		var err error
		switch kind {
		case "notices":
			err = c.DeleteNotice(ctx, by, id)
		case "events":
			err = c.DeleteEvent(ctx, by, id)
		case "faq":
			err = c.DeleteFAQ(ctx, by, id)
		case "faq-categories":
			err = c.DeleteCategory(ctx, by, id)
		case "pages":
			err = c.DeletePage(ctx, by, id)
		case "banners":
			err = c.DeleteBanner(ctx, by, id)
		default:
			return fault.ErrNotFound
		}
		if inv, ok := fault.AsInvalid(err); ok {
			values, view, verr := h.contentValues(ctx, kind, id)
			if verr != nil {
				return verr
			}
			return h.showContentForm(w, r, m, u, kind, id, values, nil, placeFields(m, inv, values, map[string]string{}),
				http.StatusUnprocessableEntity, view)
		}
		if err != nil {
			return err
		}
		h.log.InfoContext(ctx, "content deleted in the back office", "actor_id", u.ID, "kind", kind, "id", id)
		http.Redirect(w, r, h.contentURL(kind, 0)+"?deleted=1", http.StatusSeeOther)
		return nil
	}
}

// contentTexts are the content section's texts, {Korean, English}.
var contentTexts = map[string][2]string{
	"nav.content":                         {"콘텐츠", "Content"},
	"dash.content":                        {"공지사항, 이벤트, 자주 묻는 질문, 페이지, 메인 배너 작성과 게시", "Write and publish notices, events, the FAQ, pages and home banners"},
	"cnt.intro":                           {"고객에게 보이는 글을 관리합니다. 게시하지 않은 글과 기간 밖의 글은 고객에게 보이지 않습니다.", "What customers read. Unpublished items and items outside their period are hidden from them."},
	"cnt.notices":                         {"공지사항", "Notices"},
	"cnt.events":                          {"이벤트", "Events"},
	"cnt.faq":                             {"자주 묻는 질문", "FAQ"},
	"cnt.faq-categories":                  {"질문 분류", "FAQ categories"},
	"cnt.pages":                           {"페이지", "Pages"},
	"cnt.banners":                         {"메인 배너", "Home banners"},
	"cnt.new.notices":                     {"공지사항 작성", "New notice"},
	"cnt.new.events":                      {"이벤트 작성", "New event"},
	"cnt.new.faq":                         {"질문 작성", "New question"},
	"cnt.new.faq-categories":              {"질문 분류 추가", "New FAQ category"},
	"cnt.new.pages":                       {"페이지 작성", "New page"},
	"cnt.new.banners":                     {"배너 추가", "New banner"},
	"cnt.edit.notices":                    {"공지사항 수정", "Edit notice"},
	"cnt.edit.events":                     {"이벤트 수정", "Edit event"},
	"cnt.edit.faq":                        {"질문 수정", "Edit question"},
	"cnt.edit.faq-categories":             {"질문 분류 수정", "Edit FAQ category"},
	"cnt.edit.pages":                      {"페이지 수정", "Edit page"},
	"cnt.edit.banners":                    {"배너 수정", "Edit banner"},
	"cnt.new":                             {"새로 만들기", "Create"},
	"cnt.save":                            {"저장", "Save"},
	"cnt.delete":                          {"삭제", "Delete"},
	"cnt.delete.hint":                     {"삭제하면 되돌릴 수 없습니다. 잠시 숨기려면 ‘게시’를 끄고 저장하세요.", "Deleting cannot be undone. To hide it for a while, untick ‘Published’ and save."},
	"cnt.back":                            {"← 목록", "← List"},
	"cnt.view":                            {"상점에서 보기", "View in the shop"},
	"cnt.saved":                           {"저장했습니다.", "Saved."},
	"cnt.deleted":                         {"삭제했습니다.", "Deleted."},
	"cnt.pinned":                          {"상단 고정", "Pinned"},
	"cnt.published.yes":                   {"게시 중", "Published"},
	"cnt.published.no":                    {"숨김", "Hidden"},
	"cnt.f.title":                         {"제목", "Title"},
	"cnt.f.body":                          {"본문", "Body"},
	"cnt.f.summary":                       {"요약", "Summary"},
	"cnt.f.pinned":                        {"목록 맨 위에 고정", "Pin to the top of the list"},
	"cnt.f.published":                     {"게시", "Published"},
	"cnt.f.published_at":                  {"게시일시", "Published at"},
	"cnt.f.image_url":                     {"이미지 주소", "Image address"},
	"cnt.f.link_url":                      {"연결할 주소", "Link"},
	"cnt.f.alt_text":                      {"대체 텍스트", "Alt text"},
	"cnt.f.starts_at":                     {"시작 일시", "Starts"},
	"cnt.f.ends_at":                       {"종료 일시", "Ends"},
	"cnt.f.position":                      {"순서", "Order"},
	"cnt.f.category_id":                   {"분류", "Category"},
	"cnt.f.question":                      {"질문", "Question"},
	"cnt.f.answer":                        {"답변", "Answer"},
	"cnt.f.name":                          {"분류 이름", "Name"},
	"cnt.f.slug":                          {"주소 이름", "Slug"},
	"cnt.hint.published_at":               {"비워 두면 처음 게시할 때의 시각이 됩니다. 미래 시각이면 그때부터 보입니다. (한국 시간)", "Empty: when first published. A later time schedules it. (Korean time)"},
	"cnt.hint.starts_at":                  {"한국 시간", "Korean time"},
	"cnt.hint.ends_at":                    {"한국 시간. 배너는 비워 두면 종료 없이 게시됩니다.", "Korean time. A banner without an end runs until it is hidden."},
	"cnt.hint.image_url":                  {"https://로 시작하는 주소나 /로 시작하는 상점 안 주소", "An https:// address or a path on this shop starting with /"},
	"cnt.hint.link_url":                   {"https://로 시작하는 주소나 /로 시작하는 상점 안 주소 (비워 두면 링크 없음)", "An https:// address or a path on this shop starting with / (empty: no link)"},
	"cnt.hint.alt_text":                   {"이미지를 볼 수 없는 고객에게 읽어 주는 설명", "Read to customers who cannot see the image"},
	"cnt.hint.slug":                       {"영문 소문자, 숫자, 하이픈(-). 예: about → /pages/about. 이용약관·개인정보처리방침은 법적 고지 메뉴에서 관리합니다.", "Lowercase letters, digits and hyphens: about → /pages/about. The terms and privacy policy have their own section."},
	"cnt.hint.position":                   {"작은 숫자가 먼저 나옵니다.", "Smaller numbers come first."},
	"v.datetime":                          {"날짜와 시각을 입력하세요.", "Enter a date and time."},
	"v.must be at most 300 characters":    {"300자 이하여야 합니다.", "Must be at most 300 characters."},
	"v.must be at most 2000 characters":   {"2000자 이하여야 합니다.", "Must be at most 2000 characters."},
	"v.must be at most 100000 characters": {"100,000자 이하여야 합니다.", "Must be at most 100,000 characters."},
	"v.must be lowercase letters and digits, words joined by single hyphens": {"영문 소문자와 숫자로, 단어 사이에 하이픈(-) 하나씩만 쓸 수 있습니다.", "Use lowercase letters and digits, words joined by single hyphens."},
	"v.is taken by another page":        {"다른 페이지가 이미 쓰는 주소입니다.", "Another page has this slug."},
	"v.is reserved for the legal pages": {"이용약관·개인정보처리방침용 주소라 쓸 수 없습니다.", "Reserved for the legal pages."},
	"v.must be an http:// or https:// address, or a path on this site starting with /": {"http:// 또는 https://로 시작하는 주소나 /로 시작하는 상점 안 주소를 입력하세요.", "Enter an http:// or https:// address, or a path on this shop starting with /."},
	"v.is not a FAQ category":                          {"분류를 고르세요.", "Choose a category."},
	"v.is already used by another category":            {"이미 있는 분류 이름입니다.", "Another category has this name."},
	"v.must be from 0 to 10000":                        {"0에서 10000 사이여야 합니다.", "Must be from 0 to 10000."},
	"v.still has questions; move or delete them first": {"이 분류에 질문이 있어 삭제할 수 없습니다. 질문을 다른 분류로 옮기거나 먼저 삭제하세요.", "This category still has questions: move or delete them first."},
}
