package report

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Number formats. Every figure is stored as a number; the format only
// decides how Excel shows it. Ratios are stored truncated (Value.number) so
// "0.0000%" cannot round 99.99996 % up to 100 % on screen.
const (
	fmtRatio    = "0.0000%"
	fmtMillis   = `0.0 "ms"`
	fmtDuration = "[h]:mm:ss" // Excel durations are fractions of a day
	fmtTime     = "yyyy-mm-dd hh:mm:ss"
	fmtInt      = "0"
	fmtMet      = `"达标";"未达标";"未达标"` // 1 达标, 0 未达标: a number, read as words
	fmtNumber   = "0.00E+00"         // a plain measured number, e.g. a bit error rate
)

type xlsxDoc struct {
	f      *excelize.File
	styles map[string]int
	bold   int
}

// RenderXLSX writes r as a workbook with one sheet per section.
func RenderXLSX(w io.Writer, r Report) error {
	if err := r.Validate(); err != nil {
		return renderFailed("xlsx", "invalid", err)
	}
	x, err := newXLSX()
	if err != nil {
		return renderFailed("xlsx", "layout", err)
	}
	defer x.f.Close()
	for i, s := range r.sections() {
		if err := x.sheet(i, s, r.footer()); err != nil {
			return renderFailed("xlsx", "layout", fmt.Errorf("sheet %s: %w", s.sheet, err))
		}
	}
	if err := x.f.Write(w); err != nil {
		return renderFailed("xlsx", "write", fmt.Errorf("write xlsx: %w", err))
	}
	rendered("xlsx")
	return nil
}

func newXLSX() (*xlsxDoc, error) {
	x := &xlsxDoc{f: excelize.NewFile(), styles: map[string]int{}}
	for _, nf := range []string{fmtRatio, fmtMillis, fmtDuration, fmtTime, fmtInt, fmtMet, fmtNumber} {
		id, err := x.f.NewStyle(&excelize.Style{CustomNumFmt: &nf})
		if err != nil {
			return nil, fmt.Errorf("style %s: %w", nf, err)
		}
		x.styles[nf] = id
	}
	bold, err := x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E4EAF2"}}})
	if err != nil {
		return nil, fmt.Errorf("header style: %w", err)
	}
	x.bold = bold
	return x, nil
}

// sheet writes one section: title, paragraphs, then each table with its
// title, a bold header row and typed cells. Charts are left to the
// spreadsheet's own tools: the numbers are all there.
func (x *xlsxDoc) sheet(i int, s section, footer string) error {
	if i == 0 {
		if err := x.f.SetSheetName("Sheet1", s.sheet); err != nil {
			return err
		}
	} else if _, err := x.f.NewSheet(s.sheet); err != nil {
		return err
	}
	row := 1
	lines := append(append([]string{s.title}, s.paras...), footer)
	for _, l := range lines {
		if err := x.f.SetCellStr(s.sheet, cellName(1, row), l); err != nil {
			return err
		}
		row++
	}
	widest := 0
	for _, t := range s.tables {
		row++
		next, err := x.table(s.sheet, t, row)
		if err != nil {
			return err
		}
		row, widest = next, max(widest, len(t.cols))
	}
	return x.f.SetColWidth(s.sheet, "A", colName(max(widest, 1)), 18)
}

func (x *xlsxDoc) table(sheet string, t table, row int) (int, error) {
	if t.title != "" {
		if err := x.f.SetCellStr(sheet, cellName(1, row), t.title); err != nil {
			return 0, err
		}
		row++
	}
	for c, col := range t.cols {
		if err := x.f.SetCellStr(sheet, cellName(c+1, row), col.name); err != nil {
			return 0, err
		}
	}
	if err := x.f.SetCellStyle(sheet, cellName(1, row), cellName(len(t.cols), row), x.bold); err != nil {
		return 0, err
	}
	row++
	for _, cells := range t.rows {
		for c, v := range cells {
			if err := x.cell(sheet, cellName(c+1, row), v); err != nil {
				return 0, err
			}
		}
		row++
	}
	return row, nil
}

// cell stores one typed cell: text as a string, everything else as a
// number with its format.
func (x *xlsxDoc) cell(sheet, ref string, c cell) error {
	num, nf := c.num, ""
	switch c.kind {
	case cText, cUndetermined: // 无法判定 has no number: the cell says so in words
		return x.f.SetCellStr(sheet, ref, c.text)
	case cValue:
		nf = map[Kind]string{Ratio: fmtRatio, Millis: fmtMillis, Seconds: fmtDuration, Count: fmtInt, Number: fmtNumber}[c.val.Kind]
		if c.val.Kind == Seconds {
			num /= 86400
		}
	case cTime:
		num, nf = excelTime(c.t), fmtTime
	case cDuration:
		num, nf = num/86400, fmtDuration
	case cInt:
		nf = fmtInt
	case cBool:
		nf = fmtMet
	}
	if err := x.f.SetCellFloat(sheet, ref, num, -1, 64); err != nil {
		return err
	}
	return x.f.SetCellStyle(sheet, ref, ref, x.styles[nf])
}

// excelTime is t's Asia/Shanghai wall clock as an Excel serial date (days
// since 1899-12-30), so the sheet shows the same time as the PDF whatever
// the reader's zone.
func excelTime(t time.Time) float64 {
	w := t.In(cst.Location)
	wall := time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)
	return wall.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row) // col, row ≥ 1 by construction
	return name
}

func colName(col int) string {
	name, _ := excelize.ColumnNumberToName(col)
	return name
}
