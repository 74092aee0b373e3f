package bulk

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
)

// ContentType is the media type of a file of format f.
func ContentType(f Format) string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

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
	var n int
	var err error
	switch f {
	case CSV:
		n, err = s.exportCSV(ctx, w)
	case XLSX:
		n, err = s.exportXLSX(ctx, w)
	default:
		return &fault.Invalid{Fields: map[string]string{"format": "must be csv or xlsx"}}
	}
	if err != nil {
		return err
	}
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

func (s *Service) exportCSV(ctx context.Context, w io.Writer) (int, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return 0, fmt.Errorf("export csv: %w", err)
	}
	cw := csv.NewWriter(w)
	// Excel on Windows expects CRLF line ends.
	cw.UseCRLF = true
	if err := cw.Write(Headers()); err != nil {
		return 0, fmt.Errorf("export csv: %w", err)
	}
	n := 0
	line := make([]string, len(Columns))
	err := eachExportRow(ctx, s.d.Read(), func(r *exportRow) error {
		for i, c := range r.cells() {
			line[i] = fmt.Sprint(c)
		}
		n++
		return cw.Write(line)
	})
	if err != nil {
		return 0, fmt.Errorf("export csv: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return 0, fmt.Errorf("export csv: %w", err)
	}
	return n, nil
}

func (s *Service) exportXLSX(ctx context.Context, w io.Writer) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName(f.GetSheetName(0), sheetName); err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheetName)
	if err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	widths := map[int]float64{1: 10, 2: 36, 3: 14, 6: 18, 13: 12, 14: 12}
	for col, wd := range widths {
		if err := sw.SetColWidth(col, col, wd); err != nil {
			return 0, fmt.Errorf("export xlsx: %w", err)
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	head := make([]any, len(Columns))
	for i, h := range Headers() {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	n := 0
	err = eachExportRow(ctx, s.d.Read(), func(r *exportRow) error {
		n++
		cell, err := excelize.CoordinatesToCellName(1, n+1)
		if err != nil {
			return err
		}
		return sw.SetRow(cell, r.cells())
	})
	if err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return 0, fmt.Errorf("export xlsx: %w", err)
	}
	return n, nil
}
