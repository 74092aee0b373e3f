package content

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/db"
	"github.com/mallang/mallang/internal/fault"
)

// nullTime is t for a nullable column: NULL for the zero time.
func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

// one maps no rows to fault.ErrNotFound naming what was asked for.
func one(err error, what string, id any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %v: %w", what, id, fault.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read %s %v: %w", what, id, err)
	}
	return nil
}

// gone is fault.ErrNotFound when a statement on row id changed nothing.
func gone(res sql.Result, err error, what string, id int64) error {
	ok, err := db.Affected(res, err, "change %s %d", what, id)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%s %d: %w", what, id, fault.ErrNotFound)
	}
	return nil
}

// Notices.

type noticeRow struct {
	ID          int64        `db:"id"`
	Title       string       `db:"title"`
	Body        string       `db:"body"`
	Pinned      bool         `db:"pinned"`
	Published   bool         `db:"published"`
	PublishedAt sql.NullTime `db:"published_at"`
	CreatedAt   time.Time    `db:"created_at"`
	UpdatedAt   time.Time    `db:"updated_at"`
}

func (r noticeRow) notice() Notice {
	return Notice{ID: r.ID, Title: r.Title, Body: r.Body, Pinned: r.Pinned, Published: r.Published,
		PublishedAt: r.PublishedAt.Time.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

const selectNotice = `SELECT id, title, body, pinned, published, published_at, created_at, updated_at FROM content_notices`

func noticeByID(ctx context.Context, q db.Querier, id int64) (Notice, error) {
	var r noticeRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectNotice+` WHERE id = ?`), id), "notice", id); err != nil {
		return Notice{}, err
	}
	return r.notice(), nil
}

// noticesWhere lists notices newest first (pinned first when visible is
// set: the storefront's order), only those customers see at now when
// visible.
func noticesWhere(ctx context.Context, q db.Querier, visible bool, now time.Time, limit, offset int) ([]Notice, error) {
	query, args := selectNotice+` ORDER BY id DESC LIMIT ? OFFSET ?`, []any{limit, offset}
	if visible {
		query = selectNotice + ` WHERE published = TRUE AND published_at <= ?
			ORDER BY pinned DESC, published_at DESC, id DESC LIMIT ? OFFSET ?`
		args = append([]any{now}, args...)
	}
	var rs []noticeRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	out := make([]Notice, len(rs))
	for i, r := range rs {
		out[i] = r.notice()
	}
	return out, nil
}

// countAll counts the rows of table, one of the content tables (a constant,
// never input).
func countAll(ctx context.Context, q db.Querier, table string) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, `SELECT COUNT(*) FROM `+table); err != nil {
		return 0, fmt.Errorf("count %s: %w", table, err)
	}
	return n, nil
}

func insertNotice(ctx context.Context, q db.Querier, n Notice) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO content_notices (title, body, pinned, published, published_at,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		n.Title, n.Body, n.Pinned, n.Published, nullTime(n.PublishedAt), n.CreatedAt, n.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert notice: %w", err)
	}
	return id, nil
}

func updateNotice(ctx context.Context, q db.Querier, n Notice) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_notices SET title = ?, body = ?, pinned = ?, published = ?,
		published_at = ?, updated_at = ? WHERE id = ?`),
		n.Title, n.Body, n.Pinned, n.Published, nullTime(n.PublishedAt), n.UpdatedAt, n.ID)
	return gone(res, err, "notice", n.ID)
}

// Events.

type eventRow struct {
	ID        int64     `db:"id"`
	Title     string    `db:"title"`
	Summary   string    `db:"summary"`
	Body      string    `db:"body"`
	ImageURL  string    `db:"image_url"`
	Published bool      `db:"published"`
	StartsAt  time.Time `db:"starts_at"`
	EndsAt    time.Time `db:"ends_at"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

func (r eventRow) event() Event {
	return Event{ID: r.ID, Title: r.Title, Summary: r.Summary, Body: r.Body, ImageURL: r.ImageURL, Published: r.Published,
		StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

const selectEvent = `SELECT id, title, summary, body, image_url, published, starts_at, ends_at, created_at, updated_at
	FROM content_events`

func eventByID(ctx context.Context, q db.Querier, id int64) (Event, error) {
	var r eventRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectEvent+` WHERE id = ?`), id), "event", id); err != nil {
		return Event{}, err
	}
	return r.event(), nil
}

// eventsWhere lists events: for staff newest first; when visible, the
// published ones started by now, running ones first (soonest to end), then
// ended ones, latest ended first.
func eventsWhere(ctx context.Context, q db.Querier, visible bool, now time.Time, limit, offset int) ([]Event, error) {
	query, args := selectEvent+` ORDER BY id DESC LIMIT ? OFFSET ?`, []any{limit, offset}
	if visible {
		query = selectEvent + ` WHERE published = TRUE AND starts_at <= ?
			ORDER BY CASE WHEN ends_at > ? THEN 0 ELSE 1 END, ends_at DESC, id DESC LIMIT ? OFFSET ?`
		args = append([]any{now, now}, args...)
	}
	var rs []eventRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(query), args...); err != nil {
		return nil, fmt.Errorf("list events: %w", err)
	}
	out := make([]Event, len(rs))
	for i, r := range rs {
		out[i] = r.event()
	}
	return out, nil
}

func insertEvent(ctx context.Context, q db.Querier, e Event) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO content_events (title, summary, body, image_url, published,
		starts_at, ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		e.Title, e.Summary, e.Body, e.ImageURL, e.Published, e.StartsAt, e.EndsAt, e.CreatedAt, e.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert event: %w", err)
	}
	return id, nil
}

func updateEvent(ctx context.Context, q db.Querier, e Event) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_events SET title = ?, summary = ?, body = ?, image_url = ?,
		published = ?, starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?`),
		e.Title, e.Summary, e.Body, e.ImageURL, e.Published, e.StartsAt, e.EndsAt, e.UpdatedAt, e.ID)
	return gone(res, err, "event", e.ID)
}

// FAQ.

type categoryRow struct {
	ID        int64     `db:"id"`
	Name      string    `db:"name"`
	Position  int64     `db:"position"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

func (r categoryRow) category() Category {
	return Category{ID: r.ID, Name: r.Name, Position: r.Position, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

const selectCategory = `SELECT id, name, position, created_at, updated_at FROM content_faq_categories`

func categoryByID(ctx context.Context, q db.Querier, id int64) (Category, error) {
	var r categoryRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectCategory+` WHERE id = ?`), id), "FAQ category", id); err != nil {
		return Category{}, err
	}
	return r.category(), nil
}

func allCategories(ctx context.Context, q db.Querier) ([]Category, error) {
	var rs []categoryRow
	if err := q.SelectContext(ctx, &rs, selectCategory+` ORDER BY position, id`); err != nil {
		return nil, fmt.Errorf("list FAQ categories: %w", err)
	}
	out := make([]Category, len(rs))
	for i, r := range rs {
		out[i] = r.category()
	}
	return out, nil
}

// categoryNamed is the id of the category called name other than except,
// 0 when there is none.
func categoryNamed(ctx context.Context, q db.Querier, name string, except int64) (int64, error) {
	var id int64
	err := q.GetContext(ctx, &id, q.Rebind(`SELECT id FROM content_faq_categories WHERE name = ? AND id <> ?`), name, except)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("look up FAQ category %q: %w", name, err)
	}
	return id, nil
}

func insertCategory(ctx context.Context, q db.Querier, c Category) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO content_faq_categories (name, position, created_at, updated_at)
		VALUES (?, ?, ?, ?) RETURNING id`), c.Name, c.Position, c.CreatedAt, c.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert FAQ category: %w", err)
	}
	return id, nil
}

func updateCategory(ctx context.Context, q db.Querier, c Category) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_faq_categories SET name = ?, position = ?, updated_at = ?
		WHERE id = ?`), c.Name, c.Position, c.UpdatedAt, c.ID)
	return gone(res, err, "FAQ category", c.ID)
}

// entriesIn counts the entries of category id.
func entriesIn(ctx context.Context, q db.Querier, id int64) (int, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM content_faqs WHERE category_id = ?`), id); err != nil {
		return 0, fmt.Errorf("count entries of FAQ category %d: %w", id, err)
	}
	return n, nil
}

type faqRow struct {
	ID         int64     `db:"id"`
	CategoryID int64     `db:"category_id"`
	Question   string    `db:"question"`
	Answer     string    `db:"answer"`
	Position   int64     `db:"position"`
	Published  bool      `db:"published"`
	CreatedAt  time.Time `db:"created_at"`
	UpdatedAt  time.Time `db:"updated_at"`
}

func (r faqRow) faq() FAQ {
	return FAQ{ID: r.ID, CategoryID: r.CategoryID, Question: r.Question, Answer: r.Answer, Position: r.Position,
		Published: r.Published, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

const selectFAQ = `SELECT f.id, f.category_id, f.question, f.answer, f.position, f.published, f.created_at, f.updated_at
	FROM content_faqs f JOIN content_faq_categories c ON c.id = f.category_id`

func faqByID(ctx context.Context, q db.Querier, id int64) (FAQ, error) {
	var r faqRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectFAQ+` WHERE f.id = ?`), id), "FAQ entry", id); err != nil {
		return FAQ{}, err
	}
	return r.faq(), nil
}

// faqsWhere lists the entries in the order customers read them (by
// category, then position), only published ones when published is set.
func faqsWhere(ctx context.Context, q db.Querier, published bool) ([]FAQ, error) {
	query := selectFAQ
	if published {
		query += ` WHERE f.published = TRUE`
	}
	var rs []faqRow
	if err := q.SelectContext(ctx, &rs, query+` ORDER BY c.position, c.id, f.position, f.id`); err != nil {
		return nil, fmt.Errorf("list FAQ entries: %w", err)
	}
	out := make([]FAQ, len(rs))
	for i, r := range rs {
		out[i] = r.faq()
	}
	return out, nil
}

func insertFAQ(ctx context.Context, q db.Querier, f FAQ) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO content_faqs (category_id, question, answer, position, published,
		created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		f.CategoryID, f.Question, f.Answer, f.Position, f.Published, f.CreatedAt, f.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert FAQ entry: %w", err)
	}
	return id, nil
}

func updateFAQ(ctx context.Context, q db.Querier, f FAQ) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_faqs SET category_id = ?, question = ?, answer = ?,
		position = ?, published = ?, updated_at = ? WHERE id = ?`),
		f.CategoryID, f.Question, f.Answer, f.Position, f.Published, f.UpdatedAt, f.ID)
	return gone(res, err, "FAQ entry", f.ID)
}

// Pages.

type pageRow struct {
	ID        int64     `db:"id"`
	Slug      string    `db:"slug"`
	Title     string    `db:"title"`
	Body      string    `db:"body"`
	Published bool      `db:"published"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

func (r pageRow) page() Page {
	return Page{ID: r.ID, Slug: r.Slug, Title: r.Title, Body: r.Body, Published: r.Published,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

const selectPage = `SELECT id, slug, title, body, published, created_at, updated_at FROM content_pages`

func pageByID(ctx context.Context, q db.Querier, id int64) (Page, error) {
	var r pageRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectPage+` WHERE id = ?`), id), "page", id); err != nil {
		return Page{}, err
	}
	return r.page(), nil
}

func pageBySlug(ctx context.Context, q db.Querier, slug string) (Page, error) {
	var r pageRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectPage+` WHERE slug = ?`), slug), "page", slug); err != nil {
		return Page{}, err
	}
	return r.page(), nil
}

// pagesWhere lists pages by slug, only published ones when published is
// set.
func pagesWhere(ctx context.Context, q db.Querier, published bool, limit, offset int) ([]Page, error) {
	query := selectPage
	if published {
		query += ` WHERE published = TRUE`
	}
	var rs []pageRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(query+` ORDER BY slug LIMIT ? OFFSET ?`), limit, offset); err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	out := make([]Page, len(rs))
	for i, r := range rs {
		out[i] = r.page()
	}
	return out, nil
}

// slugTaken reports whether a page other than except has slug.
func slugTaken(ctx context.Context, q db.Querier, slug string, except int64) (bool, error) {
	var n int
	if err := q.GetContext(ctx, &n, q.Rebind(`SELECT COUNT(*) FROM content_pages WHERE slug = ? AND id <> ?`), slug, except); err != nil {
		return false, fmt.Errorf("look up page %q: %w", slug, err)
	}
	return n > 0, nil
}

func insertPage(ctx context.Context, q db.Querier, p Page) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO content_pages (slug, title, body, published, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), p.Slug, p.Title, p.Body, p.Published, p.CreatedAt, p.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert page %q: %w", p.Slug, err)
	}
	return id, nil
}

func updatePage(ctx context.Context, q db.Querier, p Page) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_pages SET slug = ?, title = ?, body = ?, published = ?,
		updated_at = ? WHERE id = ?`), p.Slug, p.Title, p.Body, p.Published, p.UpdatedAt, p.ID)
	return gone(res, err, "page", p.ID)
}

// Banners.

type bannerRow struct {
	ID        int64        `db:"id"`
	Title     string       `db:"title"`
	ImageURL  string       `db:"image_url"`
	LinkURL   string       `db:"link_url"`
	AltText   string       `db:"alt_text"`
	Position  int64        `db:"position"`
	Published bool         `db:"published"`
	StartsAt  time.Time    `db:"starts_at"`
	EndsAt    sql.NullTime `db:"ends_at"`
	CreatedAt time.Time    `db:"created_at"`
	UpdatedAt time.Time    `db:"updated_at"`
}

func (r bannerRow) banner() Banner {
	b := Banner{ID: r.ID, Title: r.Title, ImageURL: r.ImageURL, LinkURL: r.LinkURL, AltText: r.AltText, Position: r.Position,
		Published: r.Published, StartsAt: r.StartsAt.UTC(), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.EndsAt.Valid {
		b.EndsAt = r.EndsAt.Time.UTC()
	}
	return b
}

const selectBanner = `SELECT id, title, image_url, link_url, alt_text, position, published, starts_at, ends_at,
	created_at, updated_at FROM content_banners`

func bannerByID(ctx context.Context, q db.Querier, id int64) (Banner, error) {
	var r bannerRow
	if err := one(q.GetContext(ctx, &r, q.Rebind(selectBanner+` WHERE id = ?`), id), "banner", id); err != nil {
		return Banner{}, err
	}
	return r.banner(), nil
}

// bannersWhere lists banners in their order, only those shown at now when
// current is set.
func bannersWhere(ctx context.Context, q db.Querier, current bool, now time.Time, limit, offset int) ([]Banner, error) {
	query, args := selectBanner, []any{}
	if current {
		query += ` WHERE published = TRUE AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)`
		args = append(args, now, now)
	}
	var rs []bannerRow
	if err := q.SelectContext(ctx, &rs, q.Rebind(query+` ORDER BY position, id LIMIT ? OFFSET ?`), append(args, limit, offset)...); err != nil {
		return nil, fmt.Errorf("list banners: %w", err)
	}
	out := make([]Banner, len(rs))
	for i, r := range rs {
		out[i] = r.banner()
	}
	return out, nil
}

func insertBanner(ctx context.Context, q db.Querier, b Banner) (int64, error) {
	var id int64
	err := q.QueryRowxContext(ctx, q.Rebind(`INSERT INTO content_banners (title, image_url, link_url, alt_text, position,
		published, starts_at, ends_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		b.Title, b.ImageURL, b.LinkURL, b.AltText, b.Position, b.Published, b.StartsAt, nullTime(b.EndsAt),
		b.CreatedAt, b.UpdatedAt).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("insert banner: %w", err)
	}
	return id, nil
}

func updateBanner(ctx context.Context, q db.Querier, b Banner) error {
	res, err := q.ExecContext(ctx, q.Rebind(`UPDATE content_banners SET title = ?, image_url = ?, link_url = ?,
		alt_text = ?, position = ?, published = ?, starts_at = ?, ends_at = ?, updated_at = ? WHERE id = ?`),
		b.Title, b.ImageURL, b.LinkURL, b.AltText, b.Position, b.Published, b.StartsAt, nullTime(b.EndsAt), b.UpdatedAt, b.ID)
	return gone(res, err, "banner", b.ID)
}

// deleteRow deletes row id of table, one of the content tables (a constant
// of this package, never input).
func deleteRow(ctx context.Context, q db.Querier, table, what string, id int64) error {
	res, err := q.ExecContext(ctx, q.Rebind(`DELETE FROM `+table+` WHERE id = ?`), id)
	return gone(res, err, what, id)
}
