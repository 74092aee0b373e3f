package order

import (
	"errors"
	"strings"
	"unicode"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/sheet"
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
	f, err := sheet.Read(b, sheet.Limits{MaxBytes: MaxShipmentFileBytes, MaxRows: MaxShipmentRows + readSlack, KeepBlank: true})
	var fe *sheet.FileError
	if errors.As(err, &fe) {
		return nil, fileErr(fileMessages[fe.Code])
	}
	if err != nil {
		return nil, err
	}
	rows := append([][]string{f.Header}, make([][]string, len(f.Rows))...)
	nums := make([]int, len(rows))
	for i, r := range f.Rows {
		rows[i+1], nums[i+1] = r.Cells, r.N
	}
	return shipmentLines(rows, nums)
}

// fileMessages say why a file could not be read (sheet.FileError's codes).
var fileMessages = map[string]string{"size": FileTooBig, "type": FileType, "xls": FileXLS, "empty": FileEmpty,
	"rows": FileTooMany, "unreadable": FileBroken}

func fileErr(msg string) error { return &fault.Invalid{Fields: map[string]string{"file": msg}} }

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
