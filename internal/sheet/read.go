package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/korean"
)

// File is an uploaded sheet read into memory: its header row and its data
// rows, blank rows left out, every cell trimmed.
type File struct {
	Format Format
	Header []string
	Rows   []Row
}

// Row is one data row with its number in the file (the header is row 1 in
// a sheet whose first row is the header).
type Row struct {
	N     int
	Cells []string
}

// Limits bound what Read accepts.
type Limits struct {
	MaxBytes int // the size of the file
	MaxRows  int // data rows
	// KeepBlank keeps the blank rows under the header (with no cells), for
	// a report that names them; blank rows at the end are dropped still.
	KeepBlank bool
}

// FileError is a file that cannot be read at all. Code is one of "type"
// (neither CSV nor .xlsx), "xls" (the old Excel format), "size", "empty"
// (no header row), "rows" (more than the limit) or "unreadable"; Detail is
// the limit or the reader's complaint.
type FileError struct {
	Code   string
	Detail string
}

func (e *FileError) Error() string { return "sheet: " + e.Code + " " + e.Detail }

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

// Read parses a CSV (UTF-8 with or without its byte-order mark, or CP949)
// or .xlsx file (its first sheet, raw cell values: a price formatted
// "#,##0" reads 12900) within lim. Errors about the file are *FileError.
func Read(b []byte, lim Limits) (*File, error) {
	if len(b) > lim.MaxBytes {
		return nil, &FileError{Code: "size", Detail: strconv.Itoa(lim.MaxBytes>>20) + "MB"}
	}
	f, err := Sniff(b)
	if err != nil {
		return nil, err
	}
	s := &File{Format: f}
	if f == XLSX {
		err = s.readXLSX(b, lim)
	} else {
		err = s.readCSV(b, lim)
	}
	if err != nil {
		return nil, err
	}
	if s.Header == nil {
		return nil, &FileError{Code: "empty"}
	}
	for len(s.Rows) > 0 && len(s.Rows[len(s.Rows)-1].Cells) == 0 {
		s.Rows = s.Rows[:len(s.Rows)-1]
	}
	return s, nil
}

func (s *File) readCSV(b []byte, lim Limits) error {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		dec, err := korean.EUCKR.NewDecoder().Bytes(b)
		if err != nil {
			return &FileError{Code: "type"}
		}
		b = dec
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	for {
		cells, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return &FileError{Code: "unreadable", Detail: err.Error()}
		}
		line, _ := r.FieldPos(0)
		if err := s.add(line, cells, lim); err != nil {
			return err
		}
	}
}

func (s *File) readXLSX(b []byte, lim Limits) error {
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: 20 * int64(lim.MaxBytes)})
	if err != nil {
		return &FileError{Code: "type"}
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return &FileError{Code: "empty"}
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return &FileError{Code: "unreadable", Detail: err.Error()}
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return &FileError{Code: "unreadable", Detail: err.Error()}
		}
		for i, c := range cells {
			cells[i] = plainNumber(c)
		}
		if err := s.add(n, cells, lim); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return &FileError{Code: "unreadable", Detail: fmt.Sprint(err)}
	}
	return nil
}

// add takes the next row: the header, a data row, or nothing for a blank
// row.
func (s *File) add(n int, cells []string, lim Limits) error {
	blank := true
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
		if cells[i] != "" {
			blank = false
		}
	}
	switch {
	case blank && (!lim.KeepBlank || s.Header == nil):
	case blank:
		if len(s.Rows) >= lim.MaxRows {
			return &FileError{Code: "rows", Detail: strconv.Itoa(lim.MaxRows)}
		}
		s.Rows = append(s.Rows, Row{N: n})
	case s.Header == nil:
		s.Header = cells
	case len(s.Rows) >= lim.MaxRows:
		return &FileError{Code: "rows", Detail: strconv.Itoa(lim.MaxRows)}
	default:
		s.Rows = append(s.Rows, Row{N: n, Cells: cells})
	}
	return nil
}

// plainNumber writes a whole number Excel stored in exponent form
// ("6.78912345678E+11", a tracking number typed as a number) with its
// digits; anything else is left as it is.
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
