package bulk

import (
	"context"
	"fmt"
	"io"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/sheet"
)

// ContentType is the media type of a file of format f.
func ContentType(f Format) string { return sheet.ContentType(f) }

// ParseFormat reads "csv" or "xlsx"; anything else is *fault.Invalid on
// "format".
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, XLSX:
		return Format(s), nil
	case "":
		return CSV, nil
	}
	return "", &fault.Invalid{Fields: map[string]string{"format": "must be csv or xlsx"}}
}

// sheetName names the one sheet of an .xlsx export.
const sheetName = "상품"

// Export writes every variant of every product that is not deleted to w,
// one row per variant under the header row of Columns, as f, reading and
// writing one row at a time (an .xlsx file is assembled by excelize's
// stream writer, which keeps large sheets on disk, and written out at the
// end). A CSV file starts with a UTF-8 byte-order mark, without which
// Excel on Korean Windows reads UTF-8 as CP949. The export is audited as
// "catalog.exported" by actor by once written.
func (s *Service) Export(ctx context.Context, w io.Writer, f Format, by audit.Actor) error {
	if f != CSV && f != XLSX {
		return &fault.Invalid{Fields: map[string]string{"format": "must be csv or xlsx"}}
	}
	sh, err := sheet.New(w, f, sheet.Layout{Name: sheetName, Headers: Headers(),
		Widths: map[int]float64{1: 10, 2: 36, 3: 14, 6: 18, 13: 12, 14: 12}})
	if err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	err = eachExportRow(ctx, s.d.Read(), func(r *exportRow) error { return sh.Row(r.cells()...) })
	if err != nil {
		sh.Abort()
		return fmt.Errorf("export catalog: %w", err)
	}
	if err := sh.Close(); err != nil {
		return fmt.Errorf("export catalog: %w", err)
	}
	n := sh.Rows()
	return s.audit.RecordAlone(ctx, by.Entry("catalog.exported", "catalog", "", map[string]any{"format": string(f), "rows": n}))
}

// cells are the values of r in the order of Columns: numbers as int64, the
// rest as text ("" for no sale price).
func (r *exportRow) cells() []any {
	var sale any = ""
	if r.Sale.Valid {
		sale = r.Sale.Int64
	}
	typ, status := r.Type, r.Status
	if l, ok := TypeLabels[catalog.ProductType(typ)]; ok {
		typ = l
	}
	if l, ok := StatusLabels[catalog.Status(status)]; ok {
		status = l
	}
	return []any{r.ProductID, r.Name, r.Category, typ, status, r.SKU,
		r.Opt1Name, r.Opt1, r.Opt2Name, r.Opt2, r.Opt3Name, r.Opt3,
		r.Price, sale, r.Stock, flag(r.Active)}
}
