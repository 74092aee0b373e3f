// Package sheet writes the spreadsheets operators take into Excel: CSV
// with a UTF-8 byte-order mark and CRLF line ends (without the mark, Excel
// on Korean Windows reads UTF-8 as CP949), or .xlsx built by excelize's
// stream writer, which keeps large sheets on disk until the end. Every
// export of the shop (catalog, orders, statistics) goes through Writer so
// the files look and behave the same.
package sheet

import (
	"encoding/csv"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Format is a file format a Writer writes.
type Format string

// The formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ContentType is the media type of a file of format f.
func ContentType(f Format) string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// Layout is what a sheet looks like: the header row, the .xlsx sheet's
// name and the widths of its columns (1-based column → width in
// characters; columns left out keep Excel's default).
type Layout struct {
	Name    string
	Headers []string
	Widths  map[int]float64
}

// Writer writes one sheet, row by row, under its header row.
type Writer struct {
	csv  *csv.Writer
	file *excelize.File
	sw   *excelize.StreamWriter
	out  io.Writer
	rows int
	line []string
}

// New starts a sheet of format f on w and writes its header row. A CSV
// sheet is written to w as rows come; an .xlsx one only by Close.
func New(w io.Writer, f Format, l Layout) (*Writer, error) {
	switch f {
	case CSV:
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, fmt.Errorf("start csv: %w", err)
		}
		cw := csv.NewWriter(w)
		cw.UseCRLF = true // Excel on Windows expects CRLF line ends
		sh := &Writer{csv: cw, out: w}
		if err := cw.Write(l.Headers); err != nil {
			return nil, fmt.Errorf("start csv: %w", err)
		}
		return sh, nil
	case XLSX:
		sh, err := newXLSX(w, l)
		if err != nil {
			return nil, fmt.Errorf("start xlsx: %w", err)
		}
		return sh, nil
	}
	return nil, fmt.Errorf("sheet format %q", f)
}

func newXLSX(w io.Writer, l Layout) (*Writer, error) {
	f := excelize.NewFile()
	name := l.Name
	if name == "" {
		name = f.GetSheetName(0)
	}
	if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
		f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		f.Close()
		return nil, err
	}
	sh := &Writer{file: f, sw: sw, out: w}
	for col, wd := range l.Widths {
		if err := sw.SetColWidth(col, col, wd); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		f.Close()
		return nil, err
	}
	head := make([]any, len(l.Headers))
	for i, h := range l.Headers {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		f.Close()
		return nil, err
	}
	return sh, nil
}

// Row writes one row. In an .xlsx sheet a string stays text (phone
// numbers and postcodes keep their leading 0) and an integer is a number;
// in CSV every cell is written as fmt.Sprint writes it.
func (s *Writer) Row(cells ...any) error {
	s.rows++
	if s.csv != nil {
		s.line = s.line[:0]
		for _, c := range cells {
			s.line = append(s.line, fmt.Sprint(c))
		}
		if err := s.csv.Write(s.line); err != nil {
			return fmt.Errorf("write csv row %d: %w", s.rows, err)
		}
		return nil
	}
	cell, err := excelize.CoordinatesToCellName(1, s.rows+1)
	if err != nil {
		return err
	}
	if err := s.sw.SetRow(cell, cells); err != nil {
		return fmt.Errorf("write xlsx row %d: %w", s.rows, err)
	}
	return nil
}

// Rows is how many rows were written under the header.
func (s *Writer) Rows() int { return s.rows }

// Close finishes the sheet: it flushes a CSV sheet, or writes the whole
// .xlsx file to the writer New was given. A Writer is done after Close.
func (s *Writer) Close() error {
	if s.csv != nil {
		s.csv.Flush()
		if err := s.csv.Error(); err != nil {
			return fmt.Errorf("finish csv: %w", err)
		}
		return nil
	}
	defer s.file.Close()
	if err := s.sw.Flush(); err != nil {
		return fmt.Errorf("finish xlsx: %w", err)
	}
	if _, err := s.file.WriteTo(s.out); err != nil {
		return fmt.Errorf("finish xlsx: %w", err)
	}
	return nil
}

// Abort releases a sheet that will not be finished (an .xlsx sheet keeps
// temporary files until then) without writing anything more.
func (s *Writer) Abort() {
	if s.file != nil {
		s.file.Close()
	}
}
