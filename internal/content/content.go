// Package content keeps what the shop writes for its customers besides the
// catalog: notices (공지사항), events (이벤트) with a period, the FAQ in
// ordered categories, static pages under a slug (/pages/about) and the home
// page's banners. The legal pages (이용약관, 개인정보처리방침) are not here:
// they are versioned elsewhere and their slugs are reserved.
//
// Staff with the content permission write it; every change is validated
// (a *fault.Invalid names each field at fault), rich-text bodies are
// sanitised by internal/richtext before they are stored, and the change is
// audited in its own transaction with the staff member who made it. The
// storefront reads only what customers may see: published, and inside its
// period.
package content

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/richtext"
)

// Limits of what staff write.
const (
	MaxTitle    = 200     // characters of a title, a question or a banner's name
	MaxSummary  = 300     // characters of an event's summary
	MaxAlt      = 200     // characters of a banner's alt text
	MaxCategory = 50      // characters of a FAQ category's name
	MaxSlug     = 64      // characters of a page's slug
	MaxURL      = 2000    // characters of an image or link address
	MaxBody     = 100_000 // characters of a sanitised body
	MaxPosition = 10_000  // the largest position in an ordered list
	MaxList     = 200     // the most items a staff list returns at once
)

// Reserved are the slugs a page may not take: the legal pages live at
// /terms and /privacy with their versions, not among the pages.
var Reserved = []string{"terms", "privacy"}

// Notice is a 공지사항. Customers see it once Published and PublishedAt has
// come; Pinned notices come first in the list.
type Notice struct {
	ID          int64
	Title       string
	Body        string // sanitised HTML
	Pinned      bool
	Published   bool
	PublishedAt time.Time // zero until first published
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NoticeInput is what staff write of a notice. A zero PublishedAt on a
// published notice means now (or, on an update, when it was first
// published).
type NoticeInput struct {
	Title       string
	Body        string
	Pinned      bool
	Published   bool
	PublishedAt time.Time
}

// Event is an 이벤트 that runs from StartsAt to EndsAt (exclusive).
// Customers see it once published and started; after EndsAt it is shown as
// ended.
type Event struct {
	ID        int64
	Title     string
	Summary   string
	Body      string // sanitised HTML
	ImageURL  string
	Published bool
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Ended reports whether e is over at now.
func (e Event) Ended(now time.Time) bool { return !now.Before(e.EndsAt) }

// EventInput is what staff write of an event; both ends of the period are
// required.
type EventInput struct {
	Title     string
	Summary   string
	Body      string
	ImageURL  string
	Published bool
	StartsAt  time.Time
	EndsAt    time.Time
}

// Category is a FAQ category, ordered by Position then id.
type Category struct {
	ID        int64
	Name      string
	Position  int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CategoryInput is what staff write of a category.
type CategoryInput struct {
	Name     string
	Position int64
}

// FAQ is one question and its answer in a category, ordered by Position
// then id.
type FAQ struct {
	ID         int64
	CategoryID int64
	Question   string
	Answer     string // sanitised HTML
	Position   int64
	Published  bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// FAQInput is what staff write of a FAQ entry.
type FAQInput struct {
	CategoryID int64
	Question   string
	Answer     string
	Position   int64
	Published  bool
}

// Group is a category with its published entries, as customers read them.
type Group struct {
	Category Category
	Entries  []FAQ
}

// Page is a static page at /pages/{Slug}.
type Page struct {
	ID        int64
	Slug      string
	Title     string
	Body      string // sanitised HTML
	Published bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// PageInput is what staff write of a page.
type PageInput struct {
	Slug      string
	Title     string
	Body      string
	Published bool
}

// Banner is a picture on the home page, linking somewhere, shown while
// published from StartsAt until EndsAt (zero: no end), ordered by Position
// then id.
type Banner struct {
	ID        int64
	Title     string // staff's name for it, never shown to customers
	ImageURL  string
	LinkURL   string
	AltText   string
	Position  int64
	Published bool
	StartsAt  time.Time
	EndsAt    time.Time
	CreatedAt time.Time
	UpdatedAt time.Time
}

// BannerInput is what staff write of a banner; EndsAt may be zero.
type BannerInput struct {
	Title     string
	ImageURL  string
	LinkURL   string
	AltText   string
	Position  int64
	Published bool
	StartsAt  time.Time
	EndsAt    time.Time
}

// SitemapEntry is a page customers may see, for the sitemap: its path and
// last change.
type SitemapEntry struct {
	Path     string
	Modified time.Time
}

// slugRE is a slug: lowercase letters and digits in words joined by single
// hyphens.
var slugRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// Messages of the checks, shown to staff (the back office translates them).
const (
	msgRequired   = "is required"
	msgControl    = "must not contain control characters"
	msgSlug       = "must be lowercase letters and digits, words joined by single hyphens"
	msgSlugTaken  = "is taken by another page"
	msgReserved   = "is reserved for the legal pages"
	msgAfterStart = "must be after the start"
	msgURL        = "must be an http:// or https:// address, or a path on this site starting with /"
	msgCategory   = "is not a FAQ category"
	msgNameTaken  = "is already used by another category"
	msgPosition   = "must be from 0 to 10000"
	msgHasEntries = "still has questions; move or delete them first"
)

// text checks a plain-text field of at most max characters, trimmed;
// required says whether it may be empty.
func text(v *fault.Invalid, field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "" && required:
		v.Add(field, msgRequired)
	case !utf8.ValidString(s) || strings.IndexFunc(s, unicode.IsControl) >= 0:
		v.Add(field, msgControl)
	case utf8.RuneCountInString(s) > max:
		v.Add(field, fmt.Sprintf("must be at most %d characters", max))
	}
	return s
}

// body sanitises a rich-text field and checks its size.
func body(v *fault.Invalid, field, html string, required bool) string {
	s := richtext.Sanitize(strings.ToValidUTF8(html, ""))
	switch {
	case s == "" && required:
		v.Add(field, msgRequired)
	case utf8.RuneCountInString(s) > MaxBody:
		v.Add(field, fmt.Sprintf("must be at most %d characters", MaxBody))
	}
	return s
}

// link checks an image or link address: http(s) with a host, or a path on
// this site ("/events/3", never "//host", which a browser reads as another
// site).
func link(v *fault.Invalid, field, s string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, msgRequired)
		}
		return s
	}
	if utf8.RuneCountInString(s) > MaxURL {
		v.Add(field, fmt.Sprintf("must be at most %d characters", MaxURL))
		return s
	}
	if !SafeURL(s) {
		v.Add(field, msgURL)
	}
	return s
}

// SafeURL reports whether s is an address the storefront may link to or
// load: http or https with a host, or a path on this site. Anything with
// spaces, control characters or backslashes is refused.
func SafeURL(s string) bool {
	if s == "" || strings.ContainsAny(s, " \\\t\r\n") || strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return false
	}
	if strings.HasPrefix(s, "/") {
		return !strings.HasPrefix(s, "//")
	}
	u, err := url.Parse(s)
	if err != nil {
		return false
	}
	return (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil
}

// period checks start and end (end after start); needEnd says whether the
// end is required.
func period(v *fault.Invalid, start, end time.Time, needEnd bool) (time.Time, time.Time) {
	if start.IsZero() {
		v.Add("starts_at", msgRequired)
	}
	switch {
	case end.IsZero() && needEnd:
		v.Add("ends_at", msgRequired)
	case !end.IsZero() && !start.IsZero() && !end.After(start):
		v.Add("ends_at", msgAfterStart)
	}
	return stamp(start), stamp(end)
}

// position checks an order number.
func position(v *fault.Invalid, p int64) int64 {
	if p < 0 || p > MaxPosition {
		v.Add("position", msgPosition)
	}
	return p
}

// slug checks a page's slug, lowercased.
func slug(v *fault.Invalid, s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		v.Add("slug", msgRequired)
	case len(s) > MaxSlug:
		v.Add("slug", fmt.Sprintf("must be at most %d characters", MaxSlug))
	case !slugRE.MatchString(s):
		v.Add("slug", msgSlug)
	default:
		for _, r := range Reserved {
			if s == r {
				v.Add("slug", msgReserved)
			}
		}
	}
	return s
}

// stamp is t as stored: UTC, to the microsecond; the zero time stays zero.
func stamp(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return t.UTC().Truncate(time.Microsecond)
}

func (in *NoticeInput) clean() error {
	v := &fault.Invalid{}
	in.Title = text(v, "title", in.Title, MaxTitle, true)
	in.Body = body(v, "body", in.Body, true)
	in.PublishedAt = stamp(in.PublishedAt)
	return v.Err()
}

func (in *EventInput) clean() error {
	v := &fault.Invalid{}
	in.Title = text(v, "title", in.Title, MaxTitle, true)
	in.Summary = text(v, "summary", in.Summary, MaxSummary, false)
	in.Body = body(v, "body", in.Body, true)
	in.ImageURL = link(v, "image_url", in.ImageURL, false)
	in.StartsAt, in.EndsAt = period(v, in.StartsAt, in.EndsAt, true)
	return v.Err()
}

func (in *CategoryInput) clean() error {
	v := &fault.Invalid{}
	in.Name = text(v, "name", in.Name, MaxCategory, true)
	in.Position = position(v, in.Position)
	return v.Err()
}

func (in *FAQInput) clean() error {
	v := &fault.Invalid{}
	if in.CategoryID <= 0 {
		v.Add("category_id", msgCategory)
	}
	in.Question = text(v, "question", in.Question, MaxTitle, true)
	in.Answer = body(v, "answer", in.Answer, true)
	in.Position = position(v, in.Position)
	return v.Err()
}

func (in *PageInput) clean() error {
	v := &fault.Invalid{}
	in.Slug = slug(v, in.Slug)
	in.Title = text(v, "title", in.Title, MaxTitle, true)
	in.Body = body(v, "body", in.Body, true)
	return v.Err()
}

func (in *BannerInput) clean() error {
	v := &fault.Invalid{}
	in.Title = text(v, "title", in.Title, MaxTitle, true)
	in.ImageURL = link(v, "image_url", in.ImageURL, true)
	in.LinkURL = link(v, "link_url", in.LinkURL, false)
	in.AltText = text(v, "alt_text", in.AltText, MaxAlt, true)
	in.Position = position(v, in.Position)
	in.StartsAt, in.EndsAt = period(v, in.StartsAt, in.EndsAt, false)
	return v.Err()
}
