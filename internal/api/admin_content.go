package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/content"
)

// Content is what the content endpoints use (*content.Service); see its
// methods for the errors.
type Content interface {
	Notices(ctx context.Context, limit, offset int) ([]content.Notice, error)
	CountNotices(ctx context.Context) (int, error)
	Notice(ctx context.Context, id int64) (content.Notice, error)
	CreateNotice(ctx context.Context, by audit.Actor, in content.NoticeInput) (content.Notice, error)
	UpdateNotice(ctx context.Context, by audit.Actor, id int64, in content.NoticeInput) (content.Notice, error)
	DeleteNotice(ctx context.Context, by audit.Actor, id int64) error
	Events(ctx context.Context, limit, offset int) ([]content.Event, error)
	CountEvents(ctx context.Context) (int, error)
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
	CountPages(ctx context.Context) (int, error)
	Page(ctx context.Context, id int64) (content.Page, error)
	CreatePage(ctx context.Context, by audit.Actor, in content.PageInput) (content.Page, error)
	UpdatePage(ctx context.Context, by audit.Actor, id int64, in content.PageInput) (content.Page, error)
	DeletePage(ctx context.Context, by audit.Actor, id int64) error
	Banners(ctx context.Context, limit, offset int) ([]content.Banner, error)
	CountBanners(ctx context.Context) (int, error)
	Banner(ctx context.Context, id int64) (content.Banner, error)
	CreateBanner(ctx context.Context, by audit.Actor, in content.BannerInput) (content.Banner, error)
	UpdateBanner(ctx context.Context, by audit.Actor, id int64, in content.BannerInput) (content.Banner, error)
	DeleteBanner(ctx context.Context, by audit.Actor, id int64) error
}

// Notice is a 공지사항 as the API shows it.
type Notice struct {
	ID          int64      `json:"id" example:"3"`
	Title       string     `json:"title" example:"설 연휴 배송 안내"`
	Body        string     `json:"body" doc:"Sanitised HTML." example:"<p>1월 27일부터 30일까지 배송을 쉽니다.</p>"`
	Pinned      bool       `json:"pinned" doc:"Listed before the others." example:"false"`
	Published   bool       `json:"published" example:"true"`
	PublishedAt *time.Time `json:"published_at" doc:"When customers see it from; null until first published." example:"2026-12-01T01:00:00Z"`
	CreatedAt   time.Time  `json:"created_at" example:"2026-12-01T01:00:00Z"`
	UpdatedAt   time.Time  `json:"updated_at" example:"2026-12-01T01:00:00Z"`
}

// NoticeBody is what a client writes of a notice.
type NoticeBody struct {
	Title       string     `json:"title" maxLength:"600" doc:"Required, at most 200 characters." example:"설 연휴 배송 안내"`
	Body        string     `json:"body" maxLength:"400000" doc:"HTML; sanitised before it is stored (scripts, event handlers, frames and styles removed). Required." example:"<p>1월 27일부터 30일까지 배송을 쉽니다.</p>"`
	Pinned      bool       `json:"pinned,omitempty" example:"false"`
	Published   bool       `json:"published,omitempty" example:"true"`
	PublishedAt *time.Time `json:"published_at,omitempty" doc:"Left out: now when published (or the first publishing's time). A later time schedules it." example:"2026-12-01T01:00:00Z"`
}

// Event is an 이벤트 as the API shows it.
type Event struct {
	ID        int64     `json:"id" example:"5"`
	Title     string    `json:"title" example:"겨울 세일"`
	Summary   string    `json:"summary" example:"전 상품 10% 할인"`
	Body      string    `json:"body" doc:"Sanitised HTML." example:"<p>12월 한 달 동안</p>"`
	ImageURL  string    `json:"image_url" example:"/media/events/winter.jpg"`
	Published bool      `json:"published" example:"true"`
	StartsAt  time.Time `json:"starts_at" example:"2026-12-01T00:00:00Z"`
	EndsAt    time.Time `json:"ends_at" doc:"Exclusive; after it the storefront shows the event as ended." example:"2026-12-31T15:00:00Z"`
	CreatedAt time.Time `json:"created_at" example:"2026-11-30T01:00:00Z"`
	UpdatedAt time.Time `json:"updated_at" example:"2026-11-30T01:00:00Z"`
}

// EventBody is what a client writes of an event.
type EventBody struct {
	Title     string    `json:"title" maxLength:"600" example:"겨울 세일"`
	Summary   string    `json:"summary,omitempty" maxLength:"900" doc:"At most 300 characters." example:"전 상품 10% 할인"`
	Body      string    `json:"body" maxLength:"400000" doc:"HTML, sanitised before it is stored." example:"<p>12월 한 달 동안</p>"`
	ImageURL  string    `json:"image_url,omitempty" maxLength:"2000" doc:"http(s) or a path on the shop starting with /." example:"/media/events/winter.jpg"`
	Published bool      `json:"published,omitempty" example:"true"`
	StartsAt  time.Time `json:"starts_at" example:"2026-12-01T00:00:00Z"`
	EndsAt    time.Time `json:"ends_at" doc:"After starts_at." example:"2026-12-31T15:00:00Z"`
}

// FAQCategory is a FAQ category.
type FAQCategory struct {
	ID        int64     `json:"id" example:"1"`
	Name      string    `json:"name" example:"배송"`
	Position  int64     `json:"position" doc:"Smaller first." example:"1"`
	CreatedAt time.Time `json:"created_at" example:"2026-11-30T01:00:00Z"`
	UpdatedAt time.Time `json:"updated_at" example:"2026-11-30T01:00:00Z"`
}

// FAQCategoryBody is what a client writes of a FAQ category.
type FAQCategoryBody struct {
	Name     string `json:"name" maxLength:"200" doc:"Unique, at most 50 characters." example:"배송"`
	Position int64  `json:"position,omitempty" doc:"0 to 10000." example:"1"`
}

// FAQEntry is a FAQ question and answer.
type FAQEntry struct {
	ID         int64     `json:"id" example:"4"`
	CategoryID int64     `json:"category_id" example:"1"`
	Question   string    `json:"question" example:"배송은 얼마나 걸리나요?"`
	Answer     string    `json:"answer" doc:"Sanitised HTML." example:"<p>보통 이틀입니다.</p>"`
	Position   int64     `json:"position" example:"1"`
	Published  bool      `json:"published" example:"true"`
	CreatedAt  time.Time `json:"created_at" example:"2026-11-30T01:00:00Z"`
	UpdatedAt  time.Time `json:"updated_at" example:"2026-11-30T01:00:00Z"`
}

// FAQEntryBody is what a client writes of a FAQ entry.
type FAQEntryBody struct {
	CategoryID int64  `json:"category_id" example:"1"`
	Question   string `json:"question" maxLength:"600" example:"배송은 얼마나 걸리나요?"`
	Answer     string `json:"answer" maxLength:"400000" doc:"HTML, sanitised before it is stored." example:"<p>보통 이틀입니다.</p>"`
	Position   int64  `json:"position,omitempty" example:"1"`
	Published  bool   `json:"published,omitempty" example:"true"`
}

// ContentPage is a static page at /pages/{slug}.
type ContentPage struct {
	ID        int64     `json:"id" example:"2"`
	Slug      string    `json:"slug" example:"about"`
	Title     string    `json:"title" example:"회사 소개"`
	Body      string    `json:"body" doc:"Sanitised HTML." example:"<p>말랑 상점은…</p>"`
	Published bool      `json:"published" example:"true"`
	CreatedAt time.Time `json:"created_at" example:"2026-11-30T01:00:00Z"`
	UpdatedAt time.Time `json:"updated_at" example:"2026-11-30T01:00:00Z"`
}

// ContentPageBody is what a client writes of a page.
type ContentPageBody struct {
	Slug      string `json:"slug" maxLength:"200" doc:"Lowercase letters and digits, words joined by single hyphens, unique; terms and privacy are reserved for the legal pages." example:"about"`
	Title     string `json:"title" maxLength:"600" example:"회사 소개"`
	Body      string `json:"body" maxLength:"400000" doc:"HTML, sanitised before it is stored." example:"<p>말랑 상점은…</p>"`
	Published bool   `json:"published,omitempty" example:"true"`
}

// Banner is a home page banner.
type Banner struct {
	ID        int64      `json:"id" example:"7"`
	Title     string     `json:"title" doc:"Staff's name for it; customers see alt_text." example:"겨울 세일 배너"`
	ImageURL  string     `json:"image_url" example:"/media/banners/winter.jpg"`
	LinkURL   string     `json:"link_url" example:"/events/5"`
	AltText   string     `json:"alt_text" example:"겨울 세일, 전 상품 10% 할인"`
	Position  int64      `json:"position" example:"1"`
	Published bool       `json:"published" example:"true"`
	StartsAt  time.Time  `json:"starts_at" example:"2026-12-01T00:00:00Z"`
	EndsAt    *time.Time `json:"ends_at" doc:"Null: no end." example:"2026-12-31T15:00:00Z"`
	CreatedAt time.Time  `json:"created_at" example:"2026-11-30T01:00:00Z"`
	UpdatedAt time.Time  `json:"updated_at" example:"2026-11-30T01:00:00Z"`
}

// BannerBody is what a client writes of a banner.
type BannerBody struct {
	Title     string     `json:"title" maxLength:"600" example:"겨울 세일 배너"`
	ImageURL  string     `json:"image_url" maxLength:"2000" doc:"http(s) or a path on the shop starting with /." example:"/media/banners/winter.jpg"`
	LinkURL   string     `json:"link_url,omitempty" maxLength:"2000" doc:"http(s) or a path on the shop starting with /; empty: no link." example:"/events/5"`
	AltText   string     `json:"alt_text" maxLength:"600" doc:"Required, at most 200 characters." example:"겨울 세일, 전 상품 10% 할인"`
	Position  int64      `json:"position,omitempty" example:"1"`
	Published bool       `json:"published,omitempty" example:"true"`
	StartsAt  time.Time  `json:"starts_at" example:"2026-12-01T00:00:00Z"`
	EndsAt    *time.Time `json:"ends_at,omitempty" doc:"After starts_at; left out: no end." example:"2026-12-31T15:00:00Z"`
}

func timeOr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

func newNotice(n content.Notice) Notice {
	return Notice{ID: n.ID, Title: n.Title, Body: n.Body, Pinned: n.Pinned, Published: n.Published,
		PublishedAt: timePtr(n.PublishedAt), CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

func (b NoticeBody) input() content.NoticeInput {
	return content.NoticeInput{Title: b.Title, Body: b.Body, Pinned: b.Pinned, Published: b.Published, PublishedAt: timeOr(b.PublishedAt)}
}

func newEvent(e content.Event) Event {
	return Event{ID: e.ID, Title: e.Title, Summary: e.Summary, Body: e.Body, ImageURL: e.ImageURL, Published: e.Published,
		StartsAt: e.StartsAt, EndsAt: e.EndsAt, CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
}

func (b EventBody) input() content.EventInput {
	return content.EventInput{Title: b.Title, Summary: b.Summary, Body: b.Body, ImageURL: b.ImageURL, Published: b.Published,
		StartsAt: b.StartsAt, EndsAt: b.EndsAt}
}

func newFAQCategory(c content.Category) FAQCategory {
	return FAQCategory{ID: c.ID, Name: c.Name, Position: c.Position, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (b FAQCategoryBody) input() content.CategoryInput {
	return content.CategoryInput{Name: b.Name, Position: b.Position}
}

func newFAQEntry(f content.FAQ) FAQEntry {
	return FAQEntry{ID: f.ID, CategoryID: f.CategoryID, Question: f.Question, Answer: f.Answer, Position: f.Position,
		Published: f.Published, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
}

func (b FAQEntryBody) input() content.FAQInput {
	return content.FAQInput{CategoryID: b.CategoryID, Question: b.Question, Answer: b.Answer, Position: b.Position, Published: b.Published}
}

func newContentPage(p content.Page) ContentPage {
	return ContentPage{ID: p.ID, Slug: p.Slug, Title: p.Title, Body: p.Body, Published: p.Published,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

func (b ContentPageBody) input() content.PageInput {
	return content.PageInput{Slug: b.Slug, Title: b.Title, Body: b.Body, Published: b.Published}
}

func newBanner(b content.Banner) Banner {
	return Banner{ID: b.ID, Title: b.Title, ImageURL: b.ImageURL, LinkURL: b.LinkURL, AltText: b.AltText, Position: b.Position,
		Published: b.Published, StartsAt: b.StartsAt, EndsAt: timePtr(b.EndsAt), CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
}

func (b BannerBody) input() content.BannerInput {
	return content.BannerInput{Title: b.Title, ImageURL: b.ImageURL, LinkURL: b.LinkURL, AltText: b.AltText, Position: b.Position,
		Published: b.Published, StartsAt: b.StartsAt, EndsAt: timeOr(b.EndsAt)}
}

// The inputs and outputs every content kind shares.
type (
	contentListInput struct {
		PageQuery50Max200
	}
	contentIDInput struct {
		ID int64 `path:"id" minimum:"1" example:"3"`
	}
	contentBodyInput[B any] struct {
		Body B
	}
	contentUpdateInput[B any] struct {
		ID   int64 `path:"id" minimum:"1" example:"3"`
		Body B
	}
	contentOutput[T any] struct {
		Body T
	}
)

// contentKind is one kind of content as the API serves it: T as shown, B
// as written.
type contentKind[T, B any] struct {
	path, name, plural string // "/notices", "notice", "notices"
	list               func(ctx context.Context, limit, offset int) ([]T, error)
	count              func(ctx context.Context) (int, error)
	get                func(ctx context.Context, id int64) (T, error)
	create             func(ctx context.Context, by audit.Actor, body B) (T, error)
	update             func(ctx context.Context, by audit.Actor, id int64, body B) (T, error)
	remove             func(ctx context.Context, by audit.Actor, id int64) error
}

// contentActor is the signed-in staff member, as the content service
// audits them.
func contentActor(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}

// registerContentKind declares the five operations of k under
// /api/v1/admin/content.
func registerContentKind[T, B any](a *API, k contentKind[T, B]) {
	op := func(id, method, path, summary, desc string, status int, errs ...int) huma.Operation {
		return a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin/content" + k.path + path,
			Summary: summary, DefaultStatus: status, Description: "For staff with the content permission, with a staff token " +
				"carrying the content scope (any other token gets 403). " + desc,
			Errors: append([]int{http.StatusForbidden}, errs...)}, account.PermContent)
	}
	huma.Register(a.huma, op("list-content-"+k.plural, http.MethodGet, "", "List "+k.plural,
		"Returns a page of the "+k.plural+", published or not, with the total on all pages.", 0, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *contentListInput) (*pageOutput[T], error) {
			out, err := listing[T]{path: "/admin/content" + k.path, params: in, list: k.list, count: k.count}.page(ctx, a)
			if err != nil {
				return nil, a.problem(ctx, err, "query")
			}
			return out, nil
		})
	huma.Register(a.huma, op("get-content-"+k.name, http.MethodGet, "/{id}", "Get a "+k.name,
		"Returns one "+k.name+".", 0, http.StatusNotFound),
		func(ctx context.Context, in *contentIDInput) (*contentOutput[T], error) {
			x, err := k.get(ctx, in.ID)
			if err != nil {
				return nil, a.problem(ctx, err, "path")
			}
			return &contentOutput[T]{Body: x}, nil
		})
	huma.Register(a.huma, op("create-content-"+k.name, http.MethodPost, "", "Create a "+k.name,
		"Stores a new "+k.name+" and returns it with 201; the change is audited. Invalid fields give 422 naming each.",
		http.StatusCreated, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *contentBodyInput[B]) (*contentOutput[T], error) {
			by, err := contentActor(ctx)
			if err != nil {
				return nil, err
			}
			x, err := k.create(ctx, by, in.Body)
			if err != nil {
				return nil, a.problem(ctx, err, "body")
			}
			return &contentOutput[T]{Body: x}, nil
		})
	huma.Register(a.huma, op("update-content-"+k.name, http.MethodPut, "/{id}", "Replace a "+k.name,
		"Replaces every field of the "+k.name+" and returns it; the change is audited.", 0,
		http.StatusNotFound, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *contentUpdateInput[B]) (*contentOutput[T], error) {
			by, err := contentActor(ctx)
			if err != nil {
				return nil, err
			}
			x, err := k.update(ctx, by, in.ID, in.Body)
			if err != nil {
				return nil, a.problem(ctx, err, "body")
			}
			return &contentOutput[T]{Body: x}, nil
		})
	huma.Register(a.huma, op("delete-content-"+k.name, http.MethodDelete, "/{id}", "Delete a "+k.name,
		"Deletes the "+k.name+" for good (to hide it for a while, set published false); the deletion is audited.",
		http.StatusNoContent, http.StatusNotFound, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *contentIDInput) (*struct{}, error) {
			by, err := contentActor(ctx)
			if err != nil {
				return nil, err
			}
			if err := k.remove(ctx, by, in.ID); err != nil {
				return nil, a.problem(ctx, err, "path")
			}
			return nil, nil
		})
}

// mapped converts the items of xs with f.
func mapped[S, T any](xs []S, err error, f func(S) T) ([]T, error) {
	if err != nil {
		return nil, err
	}
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out, nil
}

// converted is f(x), or the error.
func converted[S, T any](x S, err error, f func(S) T) (T, error) {
	if err != nil {
		var zero T
		return zero, err
	}
	return f(x), nil
}

// EnableContent adds the staff's content endpoints over c:
// /api/v1/admin/content/{notices,events,faq-categories,faq,pages,banners},
// each with list, get, create, replace and delete. Call it after
// EnableAccounts and before Register.
func (a *API) EnableContent(c Content) {
	if a.acc == nil || c == nil {
		panic("api: EnableContent needs EnableAccounts first, and a Content")
	}
	doc := a.huma.OpenAPI()
	registerContentKind(a, contentKind[Notice, NoticeBody]{path: "/notices", name: "notice", plural: "notices",
		list: func(ctx context.Context, l, o int) ([]Notice, error) {
			xs, err := c.Notices(ctx, l, o)
			return mapped(xs, err, newNotice)
		},
		count: c.CountNotices,
		get: func(ctx context.Context, id int64) (Notice, error) {
			x, err := c.Notice(ctx, id)
			return converted(x, err, newNotice)
		},
		create: func(ctx context.Context, by audit.Actor, b NoticeBody) (Notice, error) {
			x, err := c.CreateNotice(ctx, by, b.input())
			return converted(x, err, newNotice)
		},
		update: func(ctx context.Context, by audit.Actor, id int64, b NoticeBody) (Notice, error) {
			x, err := c.UpdateNotice(ctx, by, id, b.input())
			return converted(x, err, newNotice)
		},
		remove: c.DeleteNotice})
	registerContentKind(a, contentKind[Event, EventBody]{path: "/events", name: "event", plural: "events",
		list: func(ctx context.Context, l, o int) ([]Event, error) {
			xs, err := c.Events(ctx, l, o)
			return mapped(xs, err, newEvent)
		},
		count: c.CountEvents,
		get: func(ctx context.Context, id int64) (Event, error) {
			x, err := c.Event(ctx, id)
			return converted(x, err, newEvent)
		},
		create: func(ctx context.Context, by audit.Actor, b EventBody) (Event, error) {
			x, err := c.CreateEvent(ctx, by, b.input())
			return converted(x, err, newEvent)
		},
		update: func(ctx context.Context, by audit.Actor, id int64, b EventBody) (Event, error) {
			x, err := c.UpdateEvent(ctx, by, id, b.input())
			return converted(x, err, newEvent)
		},
		remove: c.DeleteEvent})
	// The FAQ's categories and entries are short lists the service reads
	// whole; they are paged here.
	registerContentKind(a, contentKind[FAQCategory, FAQCategoryBody]{path: "/faq-categories", name: "faq-category",
		plural: "faq-categories",
		list: func(ctx context.Context, l, o int) ([]FAQCategory, error) {
			xs, err := c.Categories(ctx)
			return mapped(sliced(xs, l, o), err, newFAQCategory)
		},
		count: func(ctx context.Context) (int, error) {
			xs, err := c.Categories(ctx)
			return len(xs), err
		},
		get: func(ctx context.Context, id int64) (FAQCategory, error) {
			x, err := c.Category(ctx, id)
			return converted(x, err, newFAQCategory)
		},
		create: func(ctx context.Context, by audit.Actor, b FAQCategoryBody) (FAQCategory, error) {
			x, err := c.CreateCategory(ctx, by, b.input())
			return converted(x, err, newFAQCategory)
		},
		update: func(ctx context.Context, by audit.Actor, id int64, b FAQCategoryBody) (FAQCategory, error) {
			x, err := c.UpdateCategory(ctx, by, id, b.input())
			return converted(x, err, newFAQCategory)
		},
		remove: c.DeleteCategory})
	registerContentKind(a, contentKind[FAQEntry, FAQEntryBody]{path: "/faq", name: "faq-entry", plural: "faq-entries",
		list: func(ctx context.Context, l, o int) ([]FAQEntry, error) {
			xs, err := c.FAQs(ctx)
			return mapped(sliced(xs, l, o), err, newFAQEntry)
		},
		count: func(ctx context.Context) (int, error) {
			xs, err := c.FAQs(ctx)
			return len(xs), err
		},
		get: func(ctx context.Context, id int64) (FAQEntry, error) {
			x, err := c.FAQ(ctx, id)
			return converted(x, err, newFAQEntry)
		},
		create: func(ctx context.Context, by audit.Actor, b FAQEntryBody) (FAQEntry, error) {
			x, err := c.CreateFAQ(ctx, by, b.input())
			return converted(x, err, newFAQEntry)
		},
		update: func(ctx context.Context, by audit.Actor, id int64, b FAQEntryBody) (FAQEntry, error) {
			x, err := c.UpdateFAQ(ctx, by, id, b.input())
			return converted(x, err, newFAQEntry)
		},
		remove: c.DeleteFAQ})
	registerContentKind(a, contentKind[ContentPage, ContentPageBody]{path: "/pages", name: "page", plural: "pages",
		list: func(ctx context.Context, l, o int) ([]ContentPage, error) {
			xs, err := c.Pages(ctx, l, o)
			return mapped(xs, err, newContentPage)
		},
		count: c.CountPages,
		get: func(ctx context.Context, id int64) (ContentPage, error) {
			x, err := c.Page(ctx, id)
			return converted(x, err, newContentPage)
		},
		create: func(ctx context.Context, by audit.Actor, b ContentPageBody) (ContentPage, error) {
			x, err := c.CreatePage(ctx, by, b.input())
			return converted(x, err, newContentPage)
		},
		update: func(ctx context.Context, by audit.Actor, id int64, b ContentPageBody) (ContentPage, error) {
			x, err := c.UpdatePage(ctx, by, id, b.input())
			return converted(x, err, newContentPage)
		},
		remove: c.DeletePage})
	registerContentKind(a, contentKind[Banner, BannerBody]{path: "/banners", name: "banner", plural: "banners",
		list: func(ctx context.Context, l, o int) ([]Banner, error) {
			xs, err := c.Banners(ctx, l, o)
			return mapped(xs, err, newBanner)
		},
		count: c.CountBanners,
		get: func(ctx context.Context, id int64) (Banner, error) {
			x, err := c.Banner(ctx, id)
			return converted(x, err, newBanner)
		},
		create: func(ctx context.Context, by audit.Actor, b BannerBody) (Banner, error) {
			x, err := c.CreateBanner(ctx, by, b.input())
			return converted(x, err, newBanner)
		},
		update: func(ctx context.Context, by audit.Actor, id int64, b BannerBody) (Banner, error) {
			x, err := c.UpdateBanner(ctx, by, id, b.input())
			return converted(x, err, newBanner)
		},
		remove: c.DeleteBanner})
	documentErrorHeaders(doc)
	a.renderSpec()
}
