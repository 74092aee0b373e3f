package api

import (
	"context"
	"net/url"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// Every listing of the API pages the same way (docs/decisions/0057): the
// client asks for page (from 1) and per_page (each operation has its own
// default and maximum), and the answer carries the items with Paging beside
// them, the Link header to the first, prev, next and last pages, and the
// total again in X-Total-Count.

// Paging is the page metadata of every listing's body.
type Paging struct {
	Total   int `json:"total" doc:"Items matching the filters, on all pages." example:"42"`
	Page    int `json:"page" doc:"This page, counted from 1." example:"1"`
	PerPage int `json:"per_page" doc:"Items per page." example:"20"`
	Pages   int `json:"pages" doc:"Number of pages, at least 1; a page past the last has no items but the real total." example:"3"`
}

// newPaging is the Paging of page of perPage items out of total.
func newPaging(total, page, perPage int) Paging {
	perPage = max(perPage, 1)
	return Paging{Total: total, Page: page, PerPage: perPage, Pages: max(1, (total+perPage-1)/perPage)}
}

// Page is one page of a listing of T.
type Page[T any] struct {
	Items []T `json:"items" nullable:"false" doc:"The items of this page; empty past the last page."`
	Paging
}

// pageOutput is the answer of a listing of T.
type pageOutput[T any] struct {
	Link       string `header:"Link" doc:"RFC 8288 links to the first, prev, next and last pages that exist."`
	TotalCount int    `header:"X-Total-Count" doc:"The same number as total in the body."`
	Body       Page[T]
}

// retiredPaging refuses the limit and offset parameters the listings took
// before page and per_page: a client still sending them gets a 422 naming
// the parameters to use, rather than page 1 again and again.
type retiredPaging struct{}

// Resolve implements huma.Resolver.
func (retiredPaging) Resolve(ctx huma.Context) []error {
	u := ctx.URL()
	return retiredParams(u.Query())
}

// retiredParams is the 422 detail of each retired paging parameter in v.
func retiredParams(v url.Values) []error {
	var errs []error
	for _, name := range []string{"limit", "offset"} {
		if v.Has(name) {
			errs = append(errs, &huma.ErrorDetail{Location: "query." + name,
				Message: name + " is no longer accepted: ask for a page with page (from 1) and per_page"})
		}
	}
	return errs
}

// The paging parameters of a listing, embedded in its input: page is at
// most 1,000,000 (as catalog.MaxPage), so a huge page is a 422 rather than
// a deep scan; one type per
// default and maximum of per_page, since huma reads both from struct tags,
// and exported, since huma reads only exported embedded fields.
type (
	// PageQuery50Max200 pages staff listings of small rows: content, returns,
	// low stock.
	PageQuery50Max200 struct {
		Page    int `query:"page" minimum:"1" maximum:"1000000" default:"1" doc:"Page to return, counted from 1." example:"1"`
		PerPage int `query:"per_page" minimum:"1" maximum:"200" default:"50" doc:"Items per page." example:"50"`
		retiredPaging
	}
	// PageQuery50Max100 pages inquiries.
	PageQuery50Max100 struct {
		Page    int `query:"page" minimum:"1" maximum:"1000000" default:"1" doc:"Page to return, counted from 1." example:"1"`
		PerPage int `query:"per_page" minimum:"1" maximum:"100" default:"50" doc:"Items per page." example:"50"`
		retiredPaging
	}
	// PageQuery20Max100 pages a customer's orders, which carry their lines.
	PageQuery20Max100 struct {
		Page    int `query:"page" minimum:"1" maximum:"1000000" default:"1" doc:"Page to return, counted from 1." example:"1"`
		PerPage int `query:"per_page" minimum:"1" maximum:"100" default:"20" doc:"Items per page." example:"20"`
		retiredPaging
	}
	// PageQuery24Max100 pages the staff's products, as the public listing.
	PageQuery24Max100 struct {
		Page    int `query:"page" minimum:"1" maximum:"1000000" default:"1" doc:"Page to return, counted from 1." example:"1"`
		PerPage int `query:"per_page" minimum:"1" maximum:"100" default:"24" doc:"Items per page." example:"24"`
		retiredPaging
	}
)

func (p PageQuery50Max200) paging() (int, int) { return p.Page, p.PerPage }
func (p PageQuery50Max100) paging() (int, int) { return p.Page, p.PerPage }
func (p PageQuery20Max100) paging() (int, int) { return p.Page, p.PerPage }
func (p PageQuery24Max100) paging() (int, int) { return p.Page, p.PerPage }

// pager is the paging parameters of any listing.
type pager interface {
	paging() (page, perPage int)
}

// listing is how a handler reads one listing: list reads a page of limit
// items after offset, count all of them. count is called only when the
// page itself cannot tell the total (a full page, or an empty one past the
// first), so the last page of a short list costs one query.
type listing[T any] struct {
	path   string     // under Prefix, for the Link header
	query  url.Values // the listing's own filters, echoed in the links
	list   func(ctx context.Context, limit, offset int) ([]T, error)
	count  func(ctx context.Context) (int, error)
	params pager
}

// page answers one page of l; the errors are those of list and count,
// which the caller maps.
func (l listing[T]) page(ctx context.Context, a *API) (*pageOutput[T], error) {
	page, perPage := l.params.paging()
	offset := (page - 1) * perPage
	items, err := l.list(ctx, perPage, offset)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []T{}
	}
	total := offset + len(items)
	if len(items) == perPage || (len(items) == 0 && offset > 0) {
		if total, err = l.count(ctx); err != nil {
			return nil, err
		}
	}
	return newPageOutput(a, l.path, l.query, items, total, page, perPage), nil
}

// newPageOutput is the answer of page of a listing at path with query (its
// own filters): items out of total, perPage a page.
func newPageOutput[T any](a *API, path string, query url.Values, items []T, total, page, perPage int) *pageOutput[T] {
	meta := newPaging(total, page, perPage)
	v := url.Values{}
	for k, vs := range query {
		v[k] = vs
	}
	v.Set("per_page", strconv.Itoa(perPage))
	return &pageOutput[T]{
		Link:       a.pageLinks(path, v, meta.Page, meta.Pages),
		TotalCount: total,
		Body:       Page[T]{Items: items, Paging: meta},
	}
}

// pageLinks is the Link header of a listing at path: query with another
// page, for each of first, prev, next and last that exists. query holds only
// the parameters the listing knows, parsed, so whatever else a client sends
// is not echoed back and the header stays small.
func (a *API) pageLinks(path string, query url.Values, page, pages int) string {
	if pages < 1 {
		return ""
	}
	link := func(p int, rel string) string {
		v := url.Values{}
		for k, vs := range query {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(p))
		return "<" + a.absURL(Prefix+path+"?"+v.Encode()) + `>; rel="` + rel + `"`
	}
	links := []string{link(1, "first")}
	if page > 1 && page <= pages {
		links = append(links, link(page-1, "prev"))
	}
	if page < pages {
		links = append(links, link(page+1, "next"))
	}
	links = append(links, link(pages, "last"))
	return strings.Join(links, ", ")
}

// sliced is a list function over items held whole (a short list its service
// returns at once, such as the FAQ).
func sliced[T any](items []T, limit, offset int) []T {
	if offset >= len(items) {
		return []T{}
	}
	return items[offset:min(len(items), offset+limit)]
}
