package order_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/order"
)

// xlsxOf is an .xlsx file of rows; a cell that is an int is written as a
// number, as Excel keeps a tracking number typed in.
func xlsxOf(t *testing.T, rows ...[]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func cp949(t *testing.T, s string) []byte {
	t.Helper()
	b, err := korean.EUCKR.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A shipment file is read from CSV in UTF-8 (with or without a byte-order
// mark) or CP949, or from .xlsx, under the header names couriers use in
// Korean or English, in any order and among other columns; a file that is
// not one, has no such columns, or is too large or too long is refused as
// a whole on "file".
func TestParseShipmentFile(t *testing.T) {
	t.Parallel()
	utf := "주문번호,택배사,송장번호\nM-1,CJ대한통운,6789-1234-5678\n,,\nM-2,hanjin,123456789012\n\n"
	want := []order.ShipmentLine{{Row: 2, Number: "M-1", Carrier: "CJ대한통운", Tracking: "6789-1234-5678"},
		{Row: 3}, {Row: 4, Number: "M-2", Carrier: "hanjin", Tracking: "123456789012"}}
	tests := []struct {
		name string
		file []byte
		want []order.ShipmentLine
		err  string
	}{
		{"UTF-8", []byte(utf), want, ""},
		{"UTF-8 with BOM", append([]byte("\xEF\xBB\xBF"), utf...), want, ""},
		{"CP949", cp949(t, utf), want, ""},
		{"CRLF and quotes", []byte("\"주문번호\",\"택배사\",\"송장번호\"\r\n\"M-1\",\"CJ대한통운\",\"6789-1234-5678\"\r\n,,\r\n\"M-2\",hanjin,123456789012\r\n"), want, ""},
		{"English headers in another order among other columns", []byte("Tracking No.,Name,Order Number,Carrier Code\n" +
			"6789-1234-5678,김말랑,M-1, CJ대한통운 \n,,,\n123456789012,이말랑,M-2,hanjin\n"), want, ""},
		{"courier's names with remarks, blank rows above", []byte("\n,,\n운송장번호(필수),배송업체,쇼핑몰 주문번호\n6789-1234-5678,CJ대한통운,M-1\n"),
			[]order.ShipmentLine{{Row: 4, Number: "M-1", Carrier: "CJ대한통운", Tracking: "6789-1234-5678"}}, ""},
		{"xlsx with numbers", xlsxOf(t, []any{"주문번호", "택배사", "송장번호"}, []any{"M-1", "CJ대한통운", "6789-1234-5678"},
			[]any{}, []any{"M-2", "hanjin", 123456789012}, []any{}), want, ""},
		{"short rows", []byte("주문번호,택배사,송장번호\nM-1\n"), []order.ShipmentLine{{Row: 2, Number: "M-1"}}, ""},
		{"empty", nil, nil, order.FileEmpty},
		{"blank lines only", []byte("\n\n,,\n"), nil, order.FileEmpty},
		{"header only", []byte("주문번호,택배사,송장번호\n,,\n"), nil, order.FileEmpty},
		{"no tracking column", []byte("주문번호,택배사,메모\nM-1,cj,x\n"), nil, order.FileNoColumns},
		{"an image", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), nil, order.FileType},
		{"an old xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, nil, order.FileXLS},
		{"a zip that is not xlsx", []byte("PK\x03\x04garbage"), nil, order.FileType},
		{"too big", bytes.Repeat([]byte("a"), order.MaxShipmentFileBytes+1), nil, order.FileTooBig},
		{"too many rows", []byte("주문번호,택배사,송장번호\n" + strings.Repeat("M-1,cj,123456789012\n", order.MaxShipmentRows+1)), nil, order.FileTooMany},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := order.ParseShipmentFile(tt.file)
			if tt.err != "" {
				inv, ok := fault.AsInvalid(err)
				if !ok || inv.Fields["file"] != tt.err {
					t.Fatalf("ParseShipmentFile = %v, %v; want %q on file", got, err, tt.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tt.want) {
				t.Fatalf("ParseShipmentFile =\n%+v, %v\nwant\n%+v", got, err, tt.want)
			}
		})
	}

	// The most rows a file may have are read.
	full := "주문번호,택배사,송장번호\n" + strings.Repeat("M-1,cj,123456789012\n", order.MaxShipmentRows)
	if got, err := order.ParseShipmentFile([]byte(full)); err != nil || len(got) != order.MaxShipmentRows {
		t.Fatalf("a full file: %d lines, %v", len(got), err)
	}
}
