// Package bulk exports every product and variant of the catalog to a
// spreadsheet (CSV or Excel .xlsx) and imports one back by SKU: an existing
// SKU updates its variant and its product, a new SKU adds a variant (to the
// product its 상품번호 names) or a product (rows without 상품번호, grouped by
// 상품명). A dry run reports what would change without writing; an applying
// run writes every change in one transaction with one audit entry, and by
// default writes nothing when any row is rejected.
//
// The file has a header row, and columns are found by their header (Korean,
// or the English key), so columns may come in any order, an import may carry
// only the columns it changes (SKU and 재고, say), and columns added later
// are only new entries in Columns. See docs/decisions/0046-bulk-catalog.md.
package bulk

import (
	"strings"
	"unicode"

	"github.com/mallang/mallang/internal/sheet"
)

// Format is a spreadsheet format.
type Format = sheet.Format

// The formats of Export and Import.
const (
	CSV  = sheet.CSV
	XLSX = sheet.XLSX
)

// Limits of an import.
const (
	MaxFileBytes = 10 << 20 // the size of an uploaded file
	MaxRows      = 50000    // data rows
)

// Column is one column of the file: Key is its English name (the API's and
// the reports' field), Header the Korean header the export writes. Aliases
// are other headers an import accepts for it.
type Column struct {
	Key     string
	Header  string
	Aliases []string
}

// The column keys.
const (
	ColProductID = "product_id"
	ColName      = "name"
	ColCategory  = "category"
	ColType      = "type"
	ColStatus    = "status"
	ColSKU       = "sku"
	ColPrice     = "price"
	ColSalePrice = "sale_price"
	ColStock     = "stock"
	ColActive    = "active"
)

// optionName and optionValue are the keys of the i-th option axis (0 to 2).
func optionName(i int) string  { return "option" + string(rune('1'+i)) + "_name" }
func optionValue(i int) string { return "option" + string(rune('1'+i)) + "_value" }

// Columns are the columns Export writes, in order. The product's fields are
// repeated on every row of its variants: a sheet that operators filter and
// sort in Excel stays whole, every row says which product it belongs to.
var Columns = []Column{
	{ColProductID, "상품번호", []string{"product id", "id"}},
	{ColName, "상품명", []string{"product name", "product_name"}},
	{ColCategory, "카테고리", []string{"category_slug", "분류"}},
	{ColType, "상품유형", []string{"product_type", "유형"}},
	{ColStatus, "판매상태", []string{"상태"}},
	{ColSKU, "SKU", []string{"상품관리코드"}},
	{optionName(0), "옵션명1", nil},
	{optionValue(0), "옵션값1", nil},
	{optionName(1), "옵션명2", nil},
	{optionValue(1), "옵션값2", nil},
	{optionName(2), "옵션명3", nil},
	{optionValue(2), "옵션값3", nil},
	{ColPrice, "판매가", []string{"가격", "정가"}},
	{ColSalePrice, "할인가", []string{"sale price"}},
	{ColStock, "재고", []string{"재고수량"}},
	{ColActive, "사용여부", []string{"판매여부"}},
}

// Headers are the Korean headers of Columns, in order.
func Headers() []string {
	out := make([]string, len(Columns))
	for i, c := range Columns {
		out[i] = c.Header
	}
	return out
}

// ColumnHeader is the Korean header of the column with key, or key when there
// is none.
func ColumnHeader(key string) string {
	for _, c := range Columns {
		if c.Key == key {
			return c.Header
		}
	}
	return key
}

// headerKey folds a header for matching: lower case, without spaces,
// underscores, hyphens and a byte-order mark.
func headerKey(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '\uFEFF' {
			return -1
		}
		return unicode.ToLower(r)
	}, h)
}

// byHeader maps every folded header and alias to its column key.
var byHeader = func() map[string]string {
	m := map[string]string{}
	for _, c := range Columns {
		m[headerKey(c.Key)] = c.Key
		m[headerKey(c.Header)] = c.Key
		for _, a := range c.Aliases {
			m[headerKey(a)] = c.Key
		}
	}
	return m
}()
