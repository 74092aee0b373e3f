package backoffice

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
)

// page is what the layout needs to draw the chrome around a page.
type page struct {
	M       *messages
	Title   string
	Shop    string
	Home    string
	CSS     string
	LangURL string
	// User is the signed-in staff member; nil on the login pages.
	User    *account.User
	Nav     []navItem
	Logout  string
	Notice  string
	Current string
}

// navItem is one section in the menu.
type navItem struct {
	Key   string // the section, for aria-current and tests
	Label string
	Hint  string
	URL   string
}

// sections lists the back-office sections u may use, in menu order.
func (h *Handler) sections(m *messages, u account.User) []navItem {
	var ns []navItem
	add := func(key, path, hint string) {
		ns = append(ns, navItem{Key: key, Label: m.T("nav." + key), Hint: m.T(hint), URL: h.url(path)})
	}
	if u.Can(account.PermMail) {
		add("outbox", "/outbox", "dash.outbox")
	}
	h.catalogSections(u, add)
	h.commerceSections(u, add)
	h.paymentSections(u, add)
	h.returnSections(u, add)
	h.bulkSections(u, add)
	h.contentSections(u, add)
	h.reviewSections(u, add)
	h.promotionSections(u, add)
	h.settingsSections(u, add)
	h.statsSections(u, add)
	if u.Can(account.PermCustomers) {
		add("users", "/users", "dash.users")
	}
	h.inquirySections(u, add)
	h.questionSections(u, add)
	if u.Can(account.PermSecurity) {
		add("honeypot", "/honeypot", "dash.honeypot")
		add("audit", "/audit", "dash.audit")
	}
	add("security", "/security", "dash.security")
	return ns
}

// page returns the chrome of a page for the signed-in staff member u;
// current names the section it belongs to.
func (h *Handler) page(r *http.Request, m *messages, u account.User, title, current string) *page {
	p := h.bare(r, m, title)
	p.User = &u
	p.Nav = h.sections(m, u)
	p.Logout = h.url("/logout")
	p.Current = current
	return p
}

// bare returns the chrome of a page outside a session (the login steps).
func (h *Handler) bare(r *http.Request, m *messages, title string) *page {
	other := "en"
	if m.Code() == "en" {
		other = "ko"
	}
	target := h.url("/")
	if r.Method == http.MethodGet {
		target = r.URL.Path
	}
	q := url.Values{}
	if r.Method == http.MethodGet {
		q = r.URL.Query()
	}
	q.Set("lang", other)
	return &page{
		M: m, Title: title, Shop: h.deps.Settings.Current(r.Context()).ShopName, Home: h.url("/"), CSS: h.url("/static/style.css"),
		LangURL: target + "?" + q.Encode(),
	}
}

// form is a page whose body is one form, drawn the same accessible way as
// the storefront's forms.
type form struct {
	TestID string
	Title  string
	Intro  string
	Action string
	Fields []field
	Submit string
	Danger bool
	Error  string
	Done   string
}

// field is one input of a form.
type field struct {
	Name         string
	Label        string
	Type         string // text, email, password, hidden
	Value        string
	Required     bool
	Autocomplete string
	Hint         string
	MaxLength    int
	InputMode    string
}

// setupData is what the authenticator setup shows besides its form.
type setupData struct {
	QR     string // a data: URL of the PNG
	Secret string // grouped for typing
}

// pager links the pages of a list.
type pager struct {
	Page int
	Prev string
	Next string
}

// maxPage bounds ?page=, so an offset stays sane.
const maxPage = 10000

// pageNumber reads ?page= (1 when missing or bad).
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return min(n, maxPage)
}

// newPager links the pages around n of r's list; hasNext says whether a
// later page exists. Other query parameters are kept.
func newPager(r *http.Request, n int, hasNext bool) pager {
	link := func(to int) string {
		q := r.URL.Query()
		q.Del("lang")
		if to <= 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(to))
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	p := pager{Page: n}
	if n > 1 {
		p.Prev = link(n - 1)
	}
	if hasNext {
		p.Next = link(n + 1)
	}
	return p
}

// segment is a piece of mail text: plain, or a link when URL is set.
type segment struct {
	Text string
	URL  string
}

// linkRE finds web links in mail text.
var linkRE = regexp.MustCompile(`https?://[^\s<>"'` + "`" + `]+`)

// linkify splits text into plain pieces and links, so the outbox can make
// the links in a mail clickable. Punctuation that ends a sentence is left
// out of a link.
func linkify(text string) []segment {
	var out []segment
	last := 0
	for _, loc := range linkRE.FindAllStringIndex(text, -1) {
		start, end := loc[0], loc[1]
		end = start + len(strings.TrimRight(text[start:end], ".,;:!?)]}"))
		if _, err := url.Parse(text[start:end]); err != nil || end-start <= len("https://") {
			continue
		}
		if start > last {
			out = append(out, segment{Text: text[last:start]})
		}
		out = append(out, segment{Text: text[start:end], URL: text[start:end]})
		last = end
	}
	if last < len(text) {
		out = append(out, segment{Text: text[last:]})
	}
	return out
}
