package bulk

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
)

// sheet is a file read into memory: the header row and the data rows, each
// with its number in the file.
type sheet struct {
	format Format
	header []string
	rows   []record
}

type record struct {
	n     int // the row's number in the file; the header is 1
	cells []string
}

// Sniff tells the format of a file by its content, not its name: an .xlsx
// file is a zip archive; a CSV file is text. Anything else (an image, an old
// .xls file) is a *FileError.
func Sniff(b []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return XLSX, nil
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", &FileError{Code: "xls"}
	case len(b) == 0:
		return "", &FileError{Code: "empty"}
	}
	head := b[:min(len(b), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return "", &FileError{Code: "type"}
	}
	// Text: valid UTF-8 or Korean Windows' code page (CP949), which is
	// what Excel on Korean Windows saves "CSV" in. Control bytes other than
	// tabs and line ends mean a binary file.
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return "", &FileError{Code: "type"}
		}
	}
	return CSV, nil
}

// read parses the file.
func read(b []byte) (*sheet, error) {
	if len(b) > MaxFileBytes {
		return nil, &FileError{Code: "size"}
	}
	f, err := Sniff(b)
	if err != nil {
		return nil, err
	}
	var s *sheet
	if f == XLSX {
		s, err = readXLSX(b)
	} else {
		s, err = readCSV(b)
	}
	if err != nil {
		return nil, err
	}
	s.format = f
	if s.header == nil {
		return nil, &FileError{Code: "empty"}
	}
	return s, nil
}

func readCSV(b []byte) (*sheet, error) {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		dec, err := korean.EUCKR.NewDecoder().Bytes(b)
		if err != nil {
			return nil, &FileError{Code: "type"}
		}
		b = dec
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	r.ReuseRecord = false
	s := &sheet{}
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			return s, nil
		}
		if err != nil {
			return nil, &FileError{Code: "unreadable", Detail: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if err := s.add(line, cells); err != nil {
			return nil, err
		}
	}
}

// add takes the next row: the header, a data row, or nothing for a blank
// row.
func (s *sheet) add(n int, cells []string) error {
	blank := true
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
		if cells[i] != "" {
			blank = false
		}
	}
	switch {
	case blank:
	case s.header == nil:
		s.header = cells
	case len(s.rows) >= MaxRows:
		return tooManyRows()
	default:
		s.rows = append(s.rows, record{n: n, cells: cells})
	}
	return nil
}

func readXLSX(b []byte) (*sheet, error) {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 20 * MaxFileBytes})
	if err != nil {
		return nil, &FileError{Code: "type"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, &FileError{Code: "empty"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return nil, &FileError{Code: "unreadable", Detail: err.Error()}
	}
	defer rows.Close()
	s := &sheet{}
	n := 0
	for rows.Next() {
		n++
		// Raw values: a price formatted "#,##0" reads 12900, not "12,900".
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, &FileError{Code: "unreadable", Detail: err.Error()}
		}
		if err := s.add(n, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		return nil, &FileError{Code: "unreadable", Detail: fmt.Sprint(err)}
	}
	return s, nil
}
