package catalog

import (
	"net/url"
	"strconv"
)

// Values gives q back as the query parameters ParseListQuery reads, naming
// only those that differ from the defaults, in their parsed form. Links to
// other pages of a listing are built from it, so that nothing of the
// request but what the listing understood is echoed into a response.
func (q ListQuery) Values() url.Values {
	v := url.Values{}
	if q.Query != "" {
		v.Set("q", q.Query)
	}
	if q.Category != "" {
		v.Set("category", q.Category)
	}
	if q.MinPrice != nil {
		v.Set("min_price", strconv.FormatInt(*q.MinPrice, 10))
	}
	if q.MaxPrice != nil {
		v.Set("max_price", strconv.FormatInt(*q.MaxPrice, 10))
	}
	if q.InStock {
		v.Set("in_stock", "true")
	}
	if q.Featured {
		v.Set("featured", "true")
	}
	if q.Sort != "" && q.Sort != SortNewest {
		v.Set("sort", string(q.Sort))
	}
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.PerPage != 0 && q.PerPage != DefaultPerPage {
		v.Set("per_page", strconv.Itoa(q.PerPage))
	}
	return v
}
