package web

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/media"
)

// page is what the layout needs around every page's content.
type page struct {
	L           *locale
	Shop        string
	Title       string // the whole <title>
	Description string
	Canonical   string // absolute
	AltKo       string // absolute hreflang alternates
	AltEn       string
	OGType      string
	OGImage     string // absolute, or empty
	NoIndex     bool
	SwitchURL   string // this page in the other language
	Search      string // the search box's value
	Nav         []link
	Notices     []notice
	CSS         string
	Icon        string
	Logo        string // the logo's address, or "" to show the name
	Footer      footer
	Year        string
	Scripts     []string // same-site script paths, loaded with defer
	Links       []link   // the footer's links to the content pages
}

// link is a labelled href; Current marks the page the visitor is on.
type link struct {
	Label   string
	URL     string
	Current bool
}

// notice tells the visitor that part of the request was wrong and what the
// page shows instead. Field names the query parameter.
type notice struct {
	Field string
	Text  string
}

// newPage fills the chrome of a page: language, navigation, assets and the
// canonical link made of BaseURL, path and the page-defining params only.
func (h *Handler) newPage(r *http.Request, lc *locale, tree *categoryTree, title, path string, params url.Values) *page {
	st := h.cfg.Shop.Current(r.Context())
	p := &page{
		L:         lc,
		Shop:      st.ShopName,
		Logo:      st.Logo,
		Title:     title,
		OGType:    "website",
		SwitchURL: withLang(r.URL, lc.lang.other()),
		CSS:       h.css,
		Icon:      h.icon,
		Footer:    newFooter(st),
		Year:      strconv.Itoa(h.cfg.Now().In(kst.Zone).Year()),
	}
	if title == "" {
		p.Title = st.ShopName
	} else {
		p.Title = title + " — " + st.ShopName
	}
	canon := func(l lang) string {
		v := url.Values{}
		for k, vs := range params {
			v[k] = vs
		}
		if l == langEn {
			v.Set("lang", "en")
		}
		s := h.cfg.BaseURL + path
		if len(v) > 0 {
			s += "?" + v.Encode()
		}
		return s
	}
	p.AltKo, p.AltEn = canon(langKo), canon(langEn)
	p.Canonical = p.AltKo
	if lc.lang == langEn {
		p.Canonical = p.AltEn
	}
	if tree != nil {
		p.Nav = tree.nav[lc.lang]
	}
	p.Links = h.footerLinks(lc)
	return p
}

// absolute makes a site path absolute under BaseURL.
func (h *Handler) absolute(path string) string { return h.cfg.BaseURL + path }

func categoryURL(slug string) string { return "/categories/" + url.PathEscape(slug) }

func productURL(id int64) string { return "/products/" + strconv.FormatInt(id, 10) }

// imageURL is the path of img at size s: its thumbnail once thumbnails are
// made, else the original.
func imageURL(img *catalog.Image, s media.Size) string {
	if img.ThumbsReady {
		return media.URLPrefix + media.ThumbKey(img.Key, s)
	}
	return media.URLPrefix + img.Key
}

// srcset lists the thumbnails of img with their widths, or "" before they
// exist.
func srcset(img *catalog.Image) string {
	if !img.ThumbsReady {
		return ""
	}
	var b strings.Builder
	for i, s := range media.Sizes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(media.URLPrefix + media.ThumbKey(img.Key, s))
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(s.Pixels()))
		b.WriteByte('w')
	}
	return b.String()
}

// imgDims returns the width and height attributes for img scaled to fit a
// box of side px, so the browser reserves the space before it loads; 0, 0
// when the size is unknown.
func imgDims(img *catalog.Image, px int) (int, int) {
	w, h := img.Width, img.Height
	if w <= 0 || h <= 0 {
		return 0, 0
	}
	if w > px || h > px {
		if w >= h {
			h, w = h*px/w, px
		} else {
			w, h = w*px/h, px
		}
	}
	return max(w, 1), max(h, 1)
}

// altText is the image's alt text, or the product name when it has none.
func altText(img *catalog.Image, name string) string {
	if img.Alt != "" {
		return img.Alt
	}
	return name
}

// plainText turns sanitised description HTML into at most n runes of text
// for a meta description.
func plainText(s string, n int) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	t := strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
	return truncate(t, n)
}

// truncate cuts s to at most n runes, ending with … when it cut.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// pager is a listing's page navigation.
type pager struct {
	Prev, Next string // "" at the ends
	Pages      []pageLink
	Page, Of   int
}

// pageLink is one entry of the pager; Gap marks an ellipsis.
type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// newPager links pages around cur out of n; href builds the URL of page i.
func newPager(cur, n int, href func(i int) string) pager {
	p := pager{Page: cur, Of: n}
	if n <= 1 {
		return p
	}
	if cur > 1 {
		p.Prev = href(min(cur-1, n))
	}
	if cur < n {
		p.Next = href(cur + 1)
	}
	c := min(cur, n)
	lo, hi := max(1, c-2), min(n, c+2)
	if lo > 1 {
		p.Pages = append(p.Pages, pageLink{N: 1, URL: href(1)})
		if lo > 2 {
			p.Pages = append(p.Pages, pageLink{Gap: true})
		}
	}
	for i := lo; i <= hi; i++ {
		p.Pages = append(p.Pages, pageLink{N: i, URL: href(i), Current: i == cur})
	}
	if hi < n {
		if hi < n-1 {
			p.Pages = append(p.Pages, pageLink{Gap: true})
		}
		p.Pages = append(p.Pages, pageLink{N: n, URL: href(n)})
	}
	return p
}
