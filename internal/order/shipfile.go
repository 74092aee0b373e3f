package order

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"

	"github.com/mallang/mallang/internal/fault"
)

// The limits of a shipment file (송장 일괄등록): larger files and more rows
// are refused with a message rather than read in part.
const (
	// MaxShipmentFileBytes is the largest shipment file read: 5 MB holds
	// far more than MaxShipmentRows rows of a courier's file.
	MaxShipmentFileBytes = 5 << 20
	// MaxShipmentRows is the most rows (after the header) one file ships.
	MaxShipmentRows = 5000
)

// The messages of a shipment file refused as a whole, on the field "file".
// They are English sentences; the back office translates them.
const (
	FileEmpty     = "is empty"
	FileType      = "is not a CSV or Excel (.xlsx) file"
	FileXLS       = "is an old Excel (.xls) file; save it as .xlsx or CSV"
	FileTooBig    = "is larger than 5 MB"
	FileTooMany   = "has more than 5000 rows"
	FileNoColumns = "lacks the columns order number, carrier and tracking number"
	FileBroken    = "cannot be read"
)

// ShipmentLine is one row of a shipment file (or of the admin API's list):
// an order number, a carrier (its code or name) and a tracking number, as
// given, trimmed. Row is the row's number in the file (the header is 1);
// an API list numbers its rows from 1.
type ShipmentLine struct {
	Row      int    `json:"row"`
	Number   string `json:"number"`
	Carrier  string `json:"carrier"`
	Tracking string `json:"tracking"`
}

// shipmentColumns are the header names a shipment file's columns go by,
// normalized (normHeader): those of Korean couriers' and marketplaces'
// files, and English ones.
var shipmentColumns = map[string]string{
	"주문번호": "number", "쇼핑몰주문번호": "number", "고객주문번호": "number", "주문no": "number", "ordernumber": "number",
	"orderno": "number", "order": "number",
	"택배사": "carrier", "택배사명": "carrier", "택배사코드": "carrier", "택배회사": "carrier", "배송업체": "carrier",
	"배송사": "carrier", "운송사": "carrier", "carrier": "carrier", "carriercode": "carrier", "courier": "carrier",
	"송장번호": "tracking", "운송장번호": "tracking", "운송장": "tracking", "송장": "tracking", "trackingnumber": "tracking",
	"trackingno": "tracking", "tracking": "tracking", "invoicenumber": "tracking", "invoiceno": "tracking", "waybill": "tracking",
}

// normHeader is a header cell without case, spaces, punctuation and a
// trailing remark in parentheses ("송장번호(필수)", "Order No." → "송장번호",
// "orderno").
func normHeader(s string) string {
	if i := strings.IndexAny(s, "(["); i > 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// ParseShipmentFile reads a shipment file: CSV (UTF-8 with or without a
// byte-order mark, or CP949/EUC-KR as Korean Windows and couriers' systems
// save it) or Excel .xlsx (its first sheet), told apart by content, not
// name. The first row that is not blank is the header, which must name the
// order number, carrier and tracking number columns (shipmentColumns; other
// columns are ignored). Every later row is a line, blank ones included so
// the report can say so, except blank rows at the end.
//
// A file refused as a whole is a *fault.Invalid on "file" with one of the
// File… messages.
func ParseShipmentFile(b []byte) ([]ShipmentLine, error) {
	if len(b) > MaxShipmentFileBytes {
		return nil, fileErr(FileTooBig)
	}
	var rows [][]string
	var nums []int
	var err error
	switch {
	case len(b) == 0:
		return nil, fileErr(FileEmpty)
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		rows, nums, err = readShipmentXLSX(b)
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return nil, fileErr(FileXLS)
	default:
		rows, nums, err = readShipmentCSV(b)
	}
	if err != nil {
		return nil, err
	}
	return shipmentLines(rows, nums)
}

func fileErr(msg string) error { return &fault.Invalid{Fields: map[string]string{"file": msg}} }

// readShipmentCSV returns the records of a CSV file and their line numbers.
func readShipmentCSV(b []byte) ([][]string, []int, error) {
	head := b[:min(len(b), 8192)]
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return nil, nil, fileErr(FileType)
		}
	}
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		dec, err := korean.EUCKR.NewDecoder().Bytes(b)
		if err != nil || !utf8.Valid(dec) {
			return nil, nil, fileErr(FileType)
		}
		b = dec
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	var nums []int
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			return rows, nums, nil
		}
		if err != nil {
			return nil, nil, fileErr(FileBroken)
		}
		line, _ := r.FieldPos(0)
		if len(rows) > MaxShipmentRows+readSlack {
			return nil, nil, fileErr(FileTooMany)
		}
		rows, nums = append(rows, cells), append(nums, line)
	}
}

// readShipmentXLSX returns the rows of the first sheet of an .xlsx file and
// their numbers.
func readShipmentXLSX(b []byte) ([][]string, []int, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 20 * MaxShipmentFileBytes})
	if err != nil {
		return nil, nil, fileErr(FileType)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, nil, fileErr(FileEmpty)
	}
	it, err := f.Rows(sheets[0])
	if err != nil {
		return nil, nil, fileErr(FileBroken)
	}
	defer it.Close()
	var rows [][]string
	var nums []int
	n := 0
	for it.Next() {
		n++
		// Raw values: a tracking number typed as a number reads as its
		// digits, not as "6.78912E+11" or "678,912,345,678".
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, fileErr(FileBroken)
		}
		for i, c := range cells {
			cells[i] = plainNumber(c)
		}
		if len(rows) > MaxShipmentRows+readSlack {
			return nil, nil, fileErr(FileTooMany)
		}
		rows, nums = append(rows, cells), append(nums, n)
	}
	if it.Error() != nil {
		return nil, nil, fileErr(FileBroken)
	}
	return rows, nums, nil
}

// plainNumber writes a whole number Excel stored in exponent form
// ("6.78912345678E+11") with its digits; anything else is left as it is.
func plainNumber(s string) string {
	if !strings.ContainsAny(s, "Ee") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e15 || f != math.Trunc(f) {
		return s
	}
	return strconv.FormatFloat(f, 'f', 0, 64)
}

// shipmentLines finds the header among rows and returns the lines under it.
func shipmentLines(rows [][]string, nums []int) ([]ShipmentLine, error) {
	blank := func(cells []string) bool {
		for _, c := range cells {
			if strings.TrimSpace(c) != "" {
				return false
			}
		}
		return true
	}
	h := 0
	for h < len(rows) && blank(rows[h]) {
		h++
	}
	if h == len(rows) {
		return nil, fileErr(FileEmpty)
	}
	col := map[string]int{}
	for i, c := range rows[h] {
		if key, ok := shipmentColumns[normHeader(c)]; ok {
			if _, dup := col[key]; !dup {
				col[key] = i
			}
		}
	}
	if len(col) != 3 {
		return nil, fileErr(FileNoColumns)
	}
	end := len(rows)
	for end > h+1 && blank(rows[end-1]) {
		end--
	}
	if end-h-1 > MaxShipmentRows {
		return nil, fileErr(FileTooMany)
	}
	cell := func(cells []string, key string) string {
		if i := col[key]; i < len(cells) {
			return strings.TrimSpace(strings.TrimPrefix(cells[i], "'"))
		}
		return ""
	}
	out := make([]ShipmentLine, 0, end-h-1)
	for i := h + 1; i < end; i++ {
		out = append(out, ShipmentLine{Row: nums[i], Number: cell(rows[i], "number"), Carrier: cell(rows[i], "carrier"),
			Tracking: cell(rows[i], "tracking")})
	}
	if len(out) == 0 {
		return nil, fileErr(FileEmpty)
	}
	return out, nil
}

// readSlack is how many rows beyond MaxShipmentRows a file is read before
// it is refused: room for the header and blank rows, which do not count.
const readSlack = 100
