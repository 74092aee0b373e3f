package bulk

import (
	"fmt"

	"github.com/mallang/mallang/internal/fault"
)

// Options choose how Import runs.
type Options struct {
	// DryRun reports what would change and writes nothing.
	DryRun bool
	// Partial writes the rows that are good when some are rejected; without
	// it a single rejected row makes the run write nothing.
	Partial bool
	// FileName names the file in the audit entry; optional.
	FileName string
	// Key is the one-time key of the form that started a run (Start): a
	// second Start with the same key is the first run. Empty starts a run
	// each time.
	Key string
}

// Report is what an import did, or would do in a dry run.
type Report struct {
	Format  Format
	DryRun  bool
	Partial bool
	// Applied is true when the run wrote its changes: not a dry run, and
	// either no row was rejected or Partial was set.
	Applied bool
	// Rows counts the data rows read (blank rows are skipped).
	Rows int
	// Created, Updated and Unchanged count the good rows by what they do
	// to their variant (a product change counts on its first good row);
	// Rejected counts the rows with a problem.
	Created, Updated, Unchanged, Rejected int
	// ProductsCreated and ProductsUpdated count products.
	ProductsCreated, ProductsUpdated int
	// Changes are the rows that create or update something, in file order.
	Changes []Change
	// Problems are the reasons rows were rejected, by row then column.
	Problems []Problem
	// Ignored are headers that name no column; their cells were not read.
	Ignored []string
}

// Change is what one good row creates or updates.
type Change struct {
	Row    int    // the row's number in the file (the header is row 1)
	SKU    string // the variant's SKU
	Kind   string // "created" or "updated"
	Fields []FieldChange
}

// FieldChange is one value a row changes, before and after as the file
// writes them ("" before, for a new variant).
type FieldChange struct {
	Field  string // a column key
	Before string
	After  string
}

// Problem is why a row, or one of its cells, was rejected.
type Problem struct {
	Row    int    // the row's number in the file (the header is row 1)
	Field  string // the column key; "" for the whole row
	Column string // the column's header as the file writes it
	Value  string // the cell, as read
	Reason Reason
	// Ref is another row the reason refers to (the first row of a repeated
	// SKU), or a product id for ReasonOtherProduct; 0 otherwise.
	Ref int64
	// Max is the limit of ReasonTooLong.
	Max int
}

// Reason is why a row was rejected.
type Reason string

// The reasons.
const (
	ReasonRequired       Reason = "required"
	ReasonNotNumber      Reason = "not_number"
	ReasonNegative       Reason = "negative"
	ReasonSaleNotBelow   Reason = "sale_not_below"
	ReasonTooLong        Reason = "too_long"
	ReasonUnknownCat     Reason = "unknown_category"
	ReasonBadType        Reason = "bad_type"
	ReasonBadStatus      Reason = "bad_status"
	ReasonBadFlag        Reason = "bad_flag"
	ReasonDuplicateSKU   Reason = "duplicate_sku"
	ReasonUnknownProduct Reason = "unknown_product"
	ReasonOtherProduct   Reason = "other_product"
	ReasonMismatch       Reason = "product_mismatch"
	ReasonOptionsChanged Reason = "options_changed"
	ReasonOptionMissing  Reason = "option_missing"
	ReasonOptionExtra    Reason = "option_extra"
	ReasonOptionRepeat   Reason = "option_repeat"
)

// reasonText are the reasons in Korean and English; %d is Problem.Ref or
// Problem.Max.
var reasonText = map[Reason][2]string{
	ReasonRequired:       {"값을 입력해 주세요", "is required"},
	ReasonNotNumber:      {"숫자(정수)가 아닙니다", "is not a whole number"},
	ReasonNegative:       {"0 이상이어야 합니다", "must not be negative"},
	ReasonSaleNotBelow:   {"할인가는 판매가보다 낮아야 합니다", "must be below the price"},
	ReasonTooLong:        {"%d자 이하로 입력해 주세요", "must be at most %d characters"},
	ReasonUnknownCat:     {"없는 카테고리입니다", "unknown category"},
	ReasonBadType:        {"배송상품, 디지털, 정기구독 중 하나여야 합니다", "must be 배송상품 (physical), 디지털 (digital) or 정기구독 (subscription)"},
	ReasonBadStatus:      {"판매중, 준비중, 판매종료 중 하나여야 합니다", "must be 판매중 (active), 준비중 (draft) or 판매종료 (archived)"},
	ReasonBadFlag:        {"Y 또는 N이어야 합니다", "must be Y or N"},
	ReasonDuplicateSKU:   {"파일의 %d행과 SKU가 같습니다", "repeats the SKU of row %d"},
	ReasonUnknownProduct: {"없는 상품번호입니다", "unknown product"},
	ReasonOtherProduct:   {"이 SKU는 다른 상품(상품번호 %d)의 옵션입니다", "the SKU belongs to product %d"},
	ReasonMismatch:       {"같은 상품의 %d행과 값이 다릅니다", "differs from row %d of the same product"},
	ReasonOptionsChanged: {"이미 있는 옵션의 옵션명·옵션값은 일괄 수정으로 바꿀 수 없습니다", "options of an existing variant cannot be changed by import"},
	ReasonOptionMissing:  {"옵션명마다 옵션값이 있어야 합니다", "needs a value for each option name"},
	ReasonOptionExtra:    {"옵션명이 없는 옵션값입니다", "has a value without an option name"},
	ReasonOptionRepeat:   {"같은 상품의 다른 옵션과 옵션값이 같습니다", "repeats the options of another variant of the product"},
}

// Message is the problem's reason in lang ("ko" or "en"; anything else is
// English).
func (p Problem) Message(lang string) string {
	t, ok := reasonText[p.Reason]
	if !ok {
		return string(p.Reason)
	}
	s := t[1]
	if lang == "ko" {
		s = t[0]
	}
	switch p.Reason {
	case ReasonTooLong:
		return fmt.Sprintf(s, p.Max)
	case ReasonDuplicateSKU, ReasonOtherProduct, ReasonMismatch:
		return fmt.Sprintf(s, p.Ref)
	}
	return s
}

// FileError is a file that cannot be imported at all: not a CSV or .xlsx
// file, too big, without a header row or an SKU column. It unwraps to a
// *fault.Invalid on "file" with the English message, so the API answers 422.
type FileError struct {
	Code   string // one of the fileText keys
	Detail string // the column or number the message names
}

var fileText = map[string][2]string{
	"type":       {"CSV 또는 엑셀(.xlsx) 파일만 올릴 수 있습니다", "is neither a CSV nor an Excel (.xlsx) file"},
	"xls":        {"예전 엑셀 형식(.xls)은 읽을 수 없습니다. 엑셀에서 .xlsx로 저장해 주세요", "is an old Excel (.xls) file: save it as .xlsx"},
	"size":       {"파일이 너무 큽니다 (최대 %s)", "is larger than %s"},
	"empty":      {"머리글 행이 없는 빈 파일입니다", "has no header row"},
	"no_sku":     {"SKU 열이 없습니다", "has no SKU column"},
	"duplicate":  {"같은 열이 두 번 있습니다: %s", "has the column %s twice"},
	"rows":       {"행이 너무 많습니다 (최대 %s행)", "has more than %s rows"},
	"unreadable": {"파일을 읽을 수 없습니다: %s", "cannot be read: %s"},
}

// Message is the error in lang ("ko" or "en").
func (e *FileError) Message(lang string) string {
	t := fileText[e.Code]
	s := t[1]
	if lang == "ko" {
		s = t[0]
	}
	if e.Detail != "" {
		return fmt.Sprintf(s, e.Detail)
	}
	return s
}

func (e *FileError) Error() string { return "file " + e.Message("en") }

// Unwrap makes the error a *fault.Invalid on "file".
func (e *FileError) Unwrap() error {
	return &fault.Invalid{Fields: map[string]string{"file": e.Message("en")}}
}
