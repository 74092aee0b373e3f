package content

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// Audit records a change in the transaction that makes it (*audit.Log).
type Audit interface {
	Record(ctx context.Context, q db.Querier, e audit.Entry) error
}

// Service keeps the shop's content. It is safe for concurrent use.
type Service struct {
	d     *db.DB
	audit Audit
	now   func() time.Time
	log   *slog.Logger

	banners bannerCache
}

// BannerCacheTTL is how long the home page's banners are kept: every home
// page shows them, so they are read from the database at most this often.
// A change made through this service shows at once; one made on another
// app node, or a banner's period starting or ending, within this time.
const BannerCacheTTL = 2 * time.Second

// bannerCache keeps the last CurrentBanners answer, read at "at"; gen counts
// this node's changes, so one made after the read drops it.
type bannerCache struct {
	mu      sync.Mutex
	list    []Banner
	at      time.Time
	readGen uint64
	gen     uint64
}

// NewService returns the content service on d; every argument is required.
func NewService(d *db.DB, a Audit, now func() time.Time, log *slog.Logger) *Service {
	if d == nil || a == nil || now == nil || log == nil {
		panic("content: NewService without every dependency")
	}
	return &Service{d: d, audit: a, now: now, log: log}
}

// stamp is the service's now, as stored.
func (s *Service) stamp() time.Time { return stamp(s.now()) }

// change runs fn in a transaction and records by's action on the target
// kind/id in it; fn returns the id (a new row's) and the detail. A failure
// to write the entry undoes the change.
func (s *Service) change(ctx context.Context, by audit.Actor, action, kind string, fn func(q db.Querier) (int64, map[string]any, error)) (int64, error) {
	var id int64
	err := s.d.InTx(ctx, func(q db.Querier) error {
		var detail map[string]any
		var err error
		id, detail, err = fn(q)
		if err != nil {
			return err
		}
		if err := s.audit.Record(ctx, q, by.Entry("content."+kind+"_"+action, kind, strconv.FormatInt(id, 10), detail)); err != nil {
			return fmt.Errorf("audit %s of %s %d: %w", action, kind, id, err)
		}
		return nil
	})
	if err == nil {
		s.banners.mu.Lock()
		s.banners.gen++
		s.banners.mu.Unlock()
		s.log.InfoContext(ctx, "content "+action, "kind", kind, "id", id, "actor_id", by.UserID)
	}
	return id, err
}

// page checks a staff list's page: limit 1 to MaxList (0 means 50), offset
// not negative.
func page(limit, offset int) (int, int, error) {
	v := &fault.Invalid{}
	if limit == 0 {
		limit = 50
	}
	if limit < 1 || limit > MaxList {
		v.Add("limit", fmt.Sprintf("must be 1 to %d", MaxList))
	}
	if offset < 0 {
		v.Add("offset", "must not be negative")
	}
	return limit, offset, v.Err()
}

// Notices returns notices for staff, newest first; *fault.Invalid for a
// bad page.
func (s *Service) Notices(ctx context.Context, limit, offset int) ([]Notice, error) {
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	return noticesWhere(ctx, s.d.Read(), false, time.Time{}, limit, offset)
}

// CountNotices returns how many notices Notices lists in all.
func (s *Service) CountNotices(ctx context.Context) (int, error) {
	return countAll(ctx, s.d.Read(), "content_notices")
}

// Notice returns notice id for staff; fault.ErrNotFound when there is none.
func (s *Service) Notice(ctx context.Context, id int64) (Notice, error) {
	return noticeByID(ctx, s.d.Read(), id)
}

// CreateNotice stores a new notice written by by.
func (s *Service) CreateNotice(ctx context.Context, by audit.Actor, in NoticeInput) (Notice, error) {
	if err := in.clean(); err != nil {
		return Notice{}, err
	}
	now := s.stamp()
	n := Notice{Title: in.Title, Body: in.Body, Pinned: in.Pinned, Published: in.Published, PublishedAt: in.PublishedAt,
		CreatedAt: now, UpdatedAt: now}
	if n.Published && n.PublishedAt.IsZero() {
		n.PublishedAt = now
	}
	id, err := s.change(ctx, by, "created", "notice", func(q db.Querier) (int64, map[string]any, error) {
		id, err := insertNotice(ctx, q, n)
		return id, map[string]any{"title": n.Title, "published": n.Published}, err
	})
	if err != nil {
		return Notice{}, err
	}
	return s.Notice(ctx, id)
}

// UpdateNotice replaces notice id with in. A notice published before keeps
// its date unless in gives one.
func (s *Service) UpdateNotice(ctx context.Context, by audit.Actor, id int64, in NoticeInput) (Notice, error) {
	if err := in.clean(); err != nil {
		return Notice{}, err
	}
	_, err := s.change(ctx, by, "updated", "notice", func(q db.Querier) (int64, map[string]any, error) {
		old, err := noticeByID(ctx, q, id)
		if err != nil {
			return id, nil, err
		}
		n := Notice{ID: id, Title: in.Title, Body: in.Body, Pinned: in.Pinned, Published: in.Published,
			PublishedAt: in.PublishedAt, UpdatedAt: s.stamp()}
		if n.PublishedAt.IsZero() {
			n.PublishedAt = old.PublishedAt
		}
		if n.Published && n.PublishedAt.IsZero() {
			n.PublishedAt = n.UpdatedAt
		}
		return id, map[string]any{"title": n.Title, "published": n.Published}, updateNotice(ctx, q, n)
	})
	if err != nil {
		return Notice{}, err
	}
	return s.Notice(ctx, id)
}

// DeleteNotice deletes notice id; fault.ErrNotFound when there is none.
func (s *Service) DeleteNotice(ctx context.Context, by audit.Actor, id int64) error {
	return s.remove(ctx, by, "notice", "content_notices", id)
}

// remove deletes row id of table, audited as kind.
func (s *Service) remove(ctx context.Context, by audit.Actor, kind, table string, id int64) error {
	_, err := s.change(ctx, by, "deleted", kind, func(q db.Querier) (int64, map[string]any, error) {
		return id, nil, deleteRow(ctx, q, table, kind, id)
	})
	return err
}

// PublishedNotices returns the notices customers see now: pinned first,
// then the latest.
func (s *Service) PublishedNotices(ctx context.Context, limit, offset int) ([]Notice, error) {
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	return noticesWhere(ctx, s.d.Read(), true, s.stamp(), limit, offset)
}

// PublishedNotice returns notice id if customers may see it now, and
// fault.ErrNotFound otherwise.
func (s *Service) PublishedNotice(ctx context.Context, id int64) (Notice, error) {
	n, err := s.Notice(ctx, id)
	if err == nil && (!n.Published || n.PublishedAt.After(s.now())) {
		err = fmt.Errorf("notice %d is not published: %w", id, fault.ErrNotFound)
	}
	return n, err
}

// Events returns events for staff, newest first.
func (s *Service) Events(ctx context.Context, limit, offset int) ([]Event, error) {
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	return eventsWhere(ctx, s.d.Read(), false, time.Time{}, limit, offset)
}

// CountEvents returns how many events Events lists in all.
func (s *Service) CountEvents(ctx context.Context) (int, error) {
	return countAll(ctx, s.d.Read(), "content_events")
}

// Event returns event id for staff; fault.ErrNotFound when there is none.
func (s *Service) Event(ctx context.Context, id int64) (Event, error) {
	return eventByID(ctx, s.d.Read(), id)
}

// CreateEvent stores a new event.
func (s *Service) CreateEvent(ctx context.Context, by audit.Actor, in EventInput) (Event, error) {
	if err := in.clean(); err != nil {
		return Event{}, err
	}
	now := s.stamp()
	e := Event{Title: in.Title, Summary: in.Summary, Body: in.Body, ImageURL: in.ImageURL, Published: in.Published,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, CreatedAt: now, UpdatedAt: now}
	id, err := s.change(ctx, by, "created", "event", func(q db.Querier) (int64, map[string]any, error) {
		id, err := insertEvent(ctx, q, e)
		return id, eventDetail(e), err
	})
	if err != nil {
		return Event{}, err
	}
	return s.Event(ctx, id)
}

func eventDetail(e Event) map[string]any {
	return map[string]any{"title": e.Title, "published": e.Published,
		"starts_at": e.StartsAt.Format(time.RFC3339), "ends_at": e.EndsAt.Format(time.RFC3339)}
}

// UpdateEvent replaces event id with in.
func (s *Service) UpdateEvent(ctx context.Context, by audit.Actor, id int64, in EventInput) (Event, error) {
	if err := in.clean(); err != nil {
		return Event{}, err
	}
	e := Event{ID: id, Title: in.Title, Summary: in.Summary, Body: in.Body, ImageURL: in.ImageURL, Published: in.Published,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, UpdatedAt: s.stamp()}
	_, err := s.change(ctx, by, "updated", "event", func(q db.Querier) (int64, map[string]any, error) {
		return id, eventDetail(e), updateEvent(ctx, q, e)
	})
	if err != nil {
		return Event{}, err
	}
	return s.Event(ctx, id)
}

// DeleteEvent deletes event id.
func (s *Service) DeleteEvent(ctx context.Context, by audit.Actor, id int64) error {
	return s.remove(ctx, by, "event", "content_events", id)
}

// ShownEvents returns the events customers see now: published and
// started, those running first, then those ended (which the storefront
// marks as ended).
func (s *Service) ShownEvents(ctx context.Context, limit, offset int) ([]Event, error) {
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	return eventsWhere(ctx, s.d.Read(), true, s.stamp(), limit, offset)
}

// ShownEvent returns event id if customers may see it now (published and
// started, running or ended), fault.ErrNotFound otherwise.
func (s *Service) ShownEvent(ctx context.Context, id int64) (Event, error) {
	e, err := s.Event(ctx, id)
	if err == nil && (!e.Published || e.StartsAt.After(s.now())) {
		err = fmt.Errorf("event %d is not shown: %w", id, fault.ErrNotFound)
	}
	return e, err
}

// Pages returns pages for staff, by slug.
func (s *Service) Pages(ctx context.Context, limit, offset int) ([]Page, error) {
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	return pagesWhere(ctx, s.d.Read(), false, limit, offset)
}

// CountPages returns how many pages Pages lists in all.
func (s *Service) CountPages(ctx context.Context) (int, error) {
	return countAll(ctx, s.d.Read(), "content_pages")
}

// Page returns page id for staff; fault.ErrNotFound when there is none.
func (s *Service) Page(ctx context.Context, id int64) (Page, error) {
	return pageByID(ctx, s.d.Read(), id)
}

// CreatePage stores a new page. A slug another page has is a
// *fault.Invalid on "slug", also when two pages with it are saved at once.
func (s *Service) CreatePage(ctx context.Context, by audit.Actor, in PageInput) (Page, error) {
	if err := in.clean(); err != nil {
		return Page{}, err
	}
	now := s.stamp()
	p := Page{Slug: in.Slug, Title: in.Title, Body: in.Body, Published: in.Published, CreatedAt: now, UpdatedAt: now}
	id, err := s.change(ctx, by, "created", "page", func(q db.Querier) (int64, map[string]any, error) {
		if err := s.freeSlug(ctx, q, p.Slug, 0); err != nil {
			return 0, nil, err
		}
		id, err := insertPage(ctx, q, p)
		return id, map[string]any{"slug": p.Slug, "title": p.Title, "published": p.Published}, s.slugClash(err)
	})
	if err != nil {
		return Page{}, err
	}
	return s.Page(ctx, id)
}

// UpdatePage replaces page id with in; the slug may change to one no other
// page has.
func (s *Service) UpdatePage(ctx context.Context, by audit.Actor, id int64, in PageInput) (Page, error) {
	if err := in.clean(); err != nil {
		return Page{}, err
	}
	p := Page{ID: id, Slug: in.Slug, Title: in.Title, Body: in.Body, Published: in.Published, UpdatedAt: s.stamp()}
	_, err := s.change(ctx, by, "updated", "page", func(q db.Querier) (int64, map[string]any, error) {
		// A missing page is not found, whatever its slug.
		if _, err := pageByID(ctx, q, id); err != nil {
			return id, nil, err
		}
		if err := s.freeSlug(ctx, q, p.Slug, id); err != nil {
			return id, nil, err
		}
		return id, map[string]any{"slug": p.Slug, "title": p.Title, "published": p.Published}, s.slugClash(updatePage(ctx, q, p))
	})
	if err != nil {
		return Page{}, err
	}
	return s.Page(ctx, id)
}

// freeSlug is the *fault.Invalid of a slug a page other than except has.
func (s *Service) freeSlug(ctx context.Context, q db.Querier, slug string, except int64) error {
	taken, err := slugTaken(ctx, q, slug, except)
	if err == nil && taken {
		err = &fault.Invalid{Fields: map[string]string{"slug": msgSlugTaken}}
	}
	return err
}

// slugClash turns the unique index's refusal (a page saved with the slug
// meanwhile) into the slug's field message.
func (s *Service) slugClash(err error) error {
	if s.d.Dialect.IsUniqueViolation(err) {
		return &fault.Invalid{Fields: map[string]string{"slug": msgSlugTaken}}
	}
	return err
}

// DeletePage deletes page id.
func (s *Service) DeletePage(ctx context.Context, by audit.Actor, id int64) error {
	return s.remove(ctx, by, "page", "content_pages", id)
}

// PublishedPage returns the published page at slug, fault.ErrNotFound
// otherwise.
func (s *Service) PublishedPage(ctx context.Context, slug string) (Page, error) {
	p, err := pageBySlug(ctx, s.d.Read(), slug)
	if err == nil && !p.Published {
		err = fmt.Errorf("page %q is not published: %w", slug, fault.ErrNotFound)
	}
	return p, err
}

// Banners returns banners for staff, in their order.
func (s *Service) Banners(ctx context.Context, limit, offset int) ([]Banner, error) {
	limit, offset, err := page(limit, offset)
	if err != nil {
		return nil, err
	}
	return bannersWhere(ctx, s.d.Read(), false, time.Time{}, limit, offset)
}

// CountBanners returns how many banners Banners lists in all.
func (s *Service) CountBanners(ctx context.Context) (int, error) {
	return countAll(ctx, s.d.Read(), "content_banners")
}

// Banner returns banner id for staff; fault.ErrNotFound when there is none.
func (s *Service) Banner(ctx context.Context, id int64) (Banner, error) {
	return bannerByID(ctx, s.d.Read(), id)
}

// CreateBanner stores a new banner.
func (s *Service) CreateBanner(ctx context.Context, by audit.Actor, in BannerInput) (Banner, error) {
	if err := in.clean(); err != nil {
		return Banner{}, err
	}
	now := s.stamp()
	b := Banner{Title: in.Title, ImageURL: in.ImageURL, LinkURL: in.LinkURL, AltText: in.AltText, Position: in.Position,
		Published: in.Published, StartsAt: in.StartsAt, EndsAt: in.EndsAt, CreatedAt: now, UpdatedAt: now}
	id, err := s.change(ctx, by, "created", "banner", func(q db.Querier) (int64, map[string]any, error) {
		id, err := insertBanner(ctx, q, b)
		return id, map[string]any{"title": b.Title, "published": b.Published}, err
	})
	if err != nil {
		return Banner{}, err
	}
	return s.Banner(ctx, id)
}

// UpdateBanner replaces banner id with in.
func (s *Service) UpdateBanner(ctx context.Context, by audit.Actor, id int64, in BannerInput) (Banner, error) {
	if err := in.clean(); err != nil {
		return Banner{}, err
	}
	b := Banner{ID: id, Title: in.Title, ImageURL: in.ImageURL, LinkURL: in.LinkURL, AltText: in.AltText, Position: in.Position,
		Published: in.Published, StartsAt: in.StartsAt, EndsAt: in.EndsAt, UpdatedAt: s.stamp()}
	_, err := s.change(ctx, by, "updated", "banner", func(q db.Querier) (int64, map[string]any, error) {
		return id, map[string]any{"title": b.Title, "published": b.Published}, updateBanner(ctx, q, b)
	})
	if err != nil {
		return Banner{}, err
	}
	return s.Banner(ctx, id)
}

// DeleteBanner deletes banner id.
func (s *Service) DeleteBanner(ctx context.Context, by audit.Actor, id int64) error {
	return s.remove(ctx, by, "banner", "content_banners", id)
}

// CurrentBanners returns the banners the home page shows now, in order,
// as read at most BannerCacheTTL ago. The slice is shared: callers must not
// change it.
func (s *Service) CurrentBanners(ctx context.Context) ([]Banner, error) {
	now := s.stamp()
	c := &s.banners
	c.mu.Lock()
	if c.list != nil && c.readGen == c.gen && !now.Before(c.at) && now.Sub(c.at) < BannerCacheTTL {
		list := c.list
		c.mu.Unlock()
		return list, nil
	}
	gen := c.gen
	c.mu.Unlock()
	list, err := bannersWhere(ctx, s.d.Read(), true, now, MaxList, 0)
	if err != nil {
		return nil, err
	}
	if list == nil {
		list = []Banner{}
	}
	c.mu.Lock()
	if c.gen == gen { // no change of this node's while reading
		c.list, c.at, c.readGen = list, now, gen
	}
	c.mu.Unlock()
	return list, nil
}

// Sitemap returns the content pages customers may see now with their last
// change: the lists (notices, events, FAQ) that list something, every
// notice, event and page.
func (s *Service) Sitemap(ctx context.Context) ([]SitemapEntry, error) {
	ns, err := s.PublishedNotices(ctx, MaxList, 0)
	if err != nil {
		return nil, err
	}
	es, err := s.ShownEvents(ctx, MaxList, 0)
	if err != nil {
		return nil, err
	}
	groups, err := s.PublishedFAQ(ctx)
	if err != nil {
		return nil, err
	}
	ps, err := pagesWhere(ctx, s.d.Read(), true, MaxList, 0)
	if err != nil {
		return nil, err
	}
	latest := func(ts ...time.Time) time.Time {
		var m time.Time
		for _, t := range ts {
			if t.After(m) {
				m = t
			}
		}
		return m
	}
	var out []SitemapEntry
	var lastNotice, lastEvent, lastFAQ time.Time
	for _, n := range ns {
		lastNotice = latest(lastNotice, n.UpdatedAt, n.PublishedAt)
		out = append(out, SitemapEntry{Path: "/notices/" + strconv.FormatInt(n.ID, 10), Modified: latest(n.UpdatedAt, n.PublishedAt)})
	}
	for _, e := range es {
		lastEvent = latest(lastEvent, e.UpdatedAt, e.StartsAt)
		out = append(out, SitemapEntry{Path: "/events/" + strconv.FormatInt(e.ID, 10), Modified: latest(e.UpdatedAt, e.StartsAt)})
	}
	for _, g := range groups {
		lastFAQ = latest(lastFAQ, g.Category.UpdatedAt)
		for _, f := range g.Entries {
			lastFAQ = latest(lastFAQ, f.UpdatedAt)
		}
	}
	for _, p := range ps {
		out = append(out, SitemapEntry{Path: "/pages/" + p.Slug, Modified: p.UpdatedAt})
	}
	// A list is worth a crawl once it lists something.
	var lists []SitemapEntry
	for _, l := range []SitemapEntry{{"/notices", lastNotice}, {"/events", lastEvent}, {"/faq", lastFAQ}} {
		if !l.Modified.IsZero() {
			lists = append(lists, l)
		}
	}
	return append(lists, out...), nil
}

// notFoundAs turns fault.ErrNotFound into the field message msg on field
// (a category named by an entry that is not there).
func notFoundAs(err error, field, msg string) error {
	if errors.Is(err, fault.ErrNotFound) {
		return &fault.Invalid{Fields: map[string]string{field: msg}}
	}
	return err
}
