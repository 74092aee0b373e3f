package sheet_test

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"github.com/mallang/mallang/internal/sheet"
)

var layout = sheet.Layout{Name: "주문", Headers: []string{"주문번호", "연락처", "수량"}, Widths: map[int]float64{1: 20}}

func write(t *testing.T, f sheet.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := sheet.New(&buf, f, layout)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Row("M-1", "01012345678", int64(2)); err != nil {
		t.Fatal(err)
	}
	if err := w.Row("M-2", "0212345678", int64(10)); err != nil {
		t.Fatal(err)
	}
	if w.Rows() != 2 {
		t.Fatalf("Rows() = %d, want 2", w.Rows())
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCSVHasTheMarkExcelNeeds(t *testing.T) {
	got := string(write(t, sheet.CSV))
	want := "\uFEFF주문번호,연락처,수량\r\nM-1,01012345678,2\r\nM-2,0212345678,10\r\n"
	if got != want {
		t.Fatalf("csv = %q, want %q", got, want)
	}
}

func TestXLSXKeepsTextAndNumbers(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(write(t, sheet.XLSX)))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 1 || got[0] != "주문" {
		t.Fatalf("sheets = %v, want [주문]", got)
	}
	rows, err := f.GetRows("주문")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], "|") + "/" + strings.Join(rows[1], "|"); got != "주문번호|연락처|수량/M-1|01012345678|2" {
		t.Fatalf("rows = %q", got)
	}
	for cell, want := range map[string]excelize.CellType{"B2": excelize.CellTypeSharedString, "C3": excelize.CellTypeUnset} {
		typ, err := f.GetCellType("주문", cell)
		if err != nil {
			t.Fatal(err)
		}
		if typ != want && !(want == excelize.CellTypeSharedString && typ == excelize.CellTypeInlineString) {
			t.Errorf("%s type = %v, want %v", cell, typ, want)
		}
	}
	if w, err := f.GetColWidth("주문", "A"); err != nil || w != 20 {
		t.Errorf("column A width = %v (%v), want 20", w, err)
	}
}

func TestUnknownFormat(t *testing.T) {
	if _, err := sheet.New(&bytes.Buffer{}, "ods", layout); err == nil {
		t.Fatal("ods accepted")
	}
}

func TestRead(t *testing.T) {
	cp949, err := korean.EUCKR.NewEncoder().String("주문번호,송장번호\r\n1001,123456789012\r\n")
	if err != nil {
		t.Fatal(err)
	}
	xlsx := write(t, sheet.XLSX)
	lim := sheet.Limits{MaxBytes: 1 << 20, MaxRows: 2}
	tests := []struct {
		name   string
		file   []byte
		lim    sheet.Limits
		format sheet.Format
		want   string // header / rows as "n:a|b"
		err    string // FileError code
	}{
		{name: "utf-8 with mark and blank row", file: []byte("\uFEFF주문번호, 송장번호 \n\n1001,1234\n"), lim: lim, format: sheet.CSV, want: "주문번호|송장번호/3:1001|1234"},
		{name: "cp949", file: []byte(cp949), lim: lim, format: sheet.CSV, want: "주문번호|송장번호/2:1001|123456789012"},
		{name: "xlsx", file: xlsx, lim: lim, format: sheet.XLSX, want: "주문번호|연락처|수량/2:M-1|01012345678|2/3:M-2|0212345678|10"},
		{name: "too many rows", file: xlsx, lim: sheet.Limits{MaxBytes: 1 << 20, MaxRows: 1}, err: "rows"},
		{name: "too big", file: []byte("a,b\n1,2\n"), lim: sheet.Limits{MaxBytes: 4, MaxRows: 2}, err: "size"},
		{name: "old excel", file: []byte{0xD0, 0xCF, 0x11, 0xE0, 1, 2}, lim: lim, err: "xls"},
		{name: "image", file: []byte("\x89PNG\r\n\x1a\n\x00"), lim: lim, err: "type"},
		{name: "only blank rows", file: []byte("\n , \n"), lim: lim, err: "empty"},
		{name: "blank rows kept under the header", file: []byte("a,b\n1,2\n,\n3,4\n\n,\n"), lim: sheet.Limits{MaxBytes: 1 << 20, MaxRows: 5, KeepBlank: true},
			format: sheet.CSV, want: "a|b/2:1|2/3:/4:3|4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := sheet.Read(tt.file, tt.lim)
			if tt.err != "" {
				var fe *sheet.FileError
				if !errors.As(err, &fe) || fe.Code != tt.err {
					t.Fatalf("err = %v, want FileError %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := strings.Join(f.Header, "|")
			for _, r := range f.Rows {
				got += "/" + strconv.Itoa(r.N) + ":" + strings.Join(r.Cells, "|")
			}
			if got != tt.want || f.Format != tt.format {
				t.Fatalf("read %s %q, want %s %q", f.Format, got, tt.format, tt.want)
			}
		})
	}
}
