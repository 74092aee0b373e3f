package bulk

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/sheet"
)

// layout maps the column keys the file has to their cell index.
type layout struct {
	at      map[string]int
	headers []string // the file's headers, as written
}

// newLayout finds the columns of header. Headers that name no column are
// returned as ignored; a repeated column or a missing SKU column is a
// *FileError.
func newLayout(header []string) (layout, []string, error) {
	l := layout{at: map[string]int{}, headers: header}
	var ignored []string
	for i, h := range header {
		if h == "" {
			continue
		}
		k, ok := byHeader[headerKey(h)]
		if !ok {
			ignored = append(ignored, h)
			continue
		}
		if _, dup := l.at[k]; dup {
			return layout{}, nil, &FileError{Code: "duplicate", Detail: h}
		}
		l.at[k] = i
	}
	if _, ok := l.at[ColSKU]; !ok {
		return layout{}, nil, &FileError{Code: "no_sku"}
	}
	return l, ignored, nil
}

func (l layout) has(k string) bool { _, ok := l.at[k]; return ok }

// cell is the value of column k in r, "" when the file lacks the column or
// the row is short.
func (l layout) cell(r sheet.Row, k string) string {
	i, ok := l.at[k]
	if !ok || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// header is how the file names column k (its Korean header when the file
// lacks it).
func (l layout) header(k string) string {
	if i, ok := l.at[k]; ok {
		return l.headers[i]
	}
	return ColumnHeader(k)
}

// item is one data row, parsed.
type item struct {
	n          int
	productID  int64 // 0: a new product, or the SKU's product
	name       string
	categoryID int64
	typ        catalog.ProductType
	status     catalog.Status
	sku        string
	optNames   [3]string
	optValues  [3]string
	price      int64
	sale       *int64
	stock      int64
	active     bool
	bad        bool
}

// categories resolves the category column: a slug, or the path of names
// from the top ("식품 > 초콜릿").
type categories struct {
	byKey  map[string]int64
	slugOf map[int64]string
}

func newCategories(roots []*catalog.Category) categories {
	c := categories{byKey: map[string]int64{}, slugOf: map[int64]string{}}
	var walk func(cs []*catalog.Category, prefix string)
	walk = func(cs []*catalog.Category, prefix string) {
		for _, x := range cs {
			path := prefix + foldPath(x.Name)
			c.byKey[x.Slug] = x.ID
			if _, taken := c.byKey[path]; !taken {
				c.byKey[path] = x.ID
			}
			c.slugOf[x.ID] = x.Slug
			walk(x.Children, path+">")
		}
	}
	walk(roots, "")
	return c
}

func foldPath(s string) string {
	parts := strings.Split(s, ">")
	for i, p := range parts {
		parts[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(parts, ">")
}

func (c categories) find(v string) (int64, bool) {
	if id, ok := c.byKey[v]; ok {
		return id, true
	}
	id, ok := c.byKey[foldPath(v)]
	return id, ok
}

// TypeLabels and StatusLabels are how the export writes a product's type
// and status: in Korean, as operators read them. The import takes these
// and the English codes.
var (
	TypeLabels = map[catalog.ProductType]string{
		catalog.Physical: "배송상품", catalog.Digital: "디지털", catalog.Subscription: "정기구독",
	}
	StatusLabels = map[catalog.Status]string{
		catalog.Active: "판매중", catalog.Draft: "준비중", catalog.Archived: "판매종료",
	}
)

var typeNames = map[string]catalog.ProductType{
	"physical": catalog.Physical, "배송상품": catalog.Physical, "실물": catalog.Physical,
	"digital": catalog.Digital, "디지털": catalog.Digital,
	"subscription": catalog.Subscription, "정기구독": catalog.Subscription, "구독": catalog.Subscription,
}

var statusNames = map[string]catalog.Status{
	"active": catalog.Active, "판매중": catalog.Active,
	"draft": catalog.Draft, "준비중": catalog.Draft, "임시저장": catalog.Draft,
	"archived": catalog.Archived, "판매종료": catalog.Archived, "보관": catalog.Archived,
}

var flagNames = map[string]bool{
	"y": true, "yes": true, "true": true, "1": true, "o": true, "예": true, "사용": true,
	"n": false, "no": false, "false": false, "0": false, "x": false, "아니오": false, "미사용": false,
}

// parseWhole reads a whole number of won: digits with optional thousands
// commas, a "원" after them, or a spreadsheet's "12900.0".
func parseWhole(s string) (int64, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "원")
	s = strings.ReplaceAll(s, ",", "")
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if strings.Trim(s[i+1:], "0") != "" {
			return 0, false
		}
		s = s[:i]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// parse reads row r; problems go to add.
func (l layout) parse(r sheet.Row, cats categories, add func(Problem)) item {
	it := item{n: r.N, active: true}
	bad := func(k string, reason Reason) {
		it.bad = true
		add(Problem{Row: r.N, Field: k, Column: l.header(k), Value: l.cell(r, k), Reason: reason})
	}
	text := func(k string, max int, required bool) string {
		v := l.cell(r, k)
		switch {
		case v == "" && required && l.has(k):
			bad(k, ReasonRequired)
		case utf8.RuneCountInString(v) > max:
			it.bad = true
			add(Problem{Row: r.N, Field: k, Column: l.header(k), Value: v, Reason: ReasonTooLong, Max: max})
		}
		return v
	}
	whole := func(k string) int64 {
		v := l.cell(r, k)
		if v == "" {
			if l.has(k) {
				bad(k, ReasonRequired)
			}
			return 0
		}
		n, ok := parseWhole(v)
		switch {
		case !ok:
			bad(k, ReasonNotNumber)
		case n < 0:
			bad(k, ReasonNegative)
		}
		return n
	}

	if v := l.cell(r, ColProductID); v != "" {
		n, ok := parseWhole(v)
		if !ok || n <= 0 {
			bad(ColProductID, ReasonNotNumber)
		}
		it.productID = n
	}
	it.name = text(ColName, catalog.MaxProductName, true)
	if v := l.cell(r, ColCategory); v != "" {
		id, ok := cats.find(v)
		if !ok {
			bad(ColCategory, ReasonUnknownCat)
		}
		it.categoryID = id
	} else if l.has(ColCategory) {
		bad(ColCategory, ReasonRequired)
	}
	if v := l.cell(r, ColType); v != "" {
		t, ok := typeNames[strings.ToLower(v)]
		if !ok {
			bad(ColType, ReasonBadType)
		}
		it.typ = t
	}
	if v := l.cell(r, ColStatus); v != "" {
		st, ok := statusNames[strings.ToLower(v)]
		if !ok {
			bad(ColStatus, ReasonBadStatus)
		}
		it.status = st
	}
	it.sku = text(ColSKU, catalog.MaxSKU, true)
	for i := range catalog.MaxOptions {
		it.optNames[i] = text(optionName(i), catalog.MaxOptionName, false)
		it.optValues[i] = text(optionValue(i), catalog.MaxOptionName, false)
	}
	if !it.bad {
		for i := range catalog.MaxOptions {
			switch {
			case it.optNames[i] != "" && it.optValues[i] == "":
				bad(optionValue(i), ReasonOptionMissing)
			case it.optNames[i] == "" && it.optValues[i] != "":
				bad(optionValue(i), ReasonOptionExtra)
			case i > 0 && it.optNames[i] != "" && it.optNames[i-1] == "":
				bad(optionName(i-1), ReasonRequired)
			}
		}
	}
	it.price = whole(ColPrice)
	if v := l.cell(r, ColSalePrice); v != "" {
		n := whole(ColSalePrice)
		it.sale = &n
	}
	it.stock = whole(ColStock)
	if v := l.cell(r, ColActive); v != "" {
		f, ok := flagNames[strings.ToLower(v)]
		if !ok {
			bad(ColActive, ReasonBadFlag)
		}
		it.active = f
	} else if l.has(ColActive) {
		bad(ColActive, ReasonRequired)
	}
	return it
}
