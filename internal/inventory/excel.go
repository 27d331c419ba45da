package inventory

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// column is one field of the sheet with the headers that name it.
type column struct {
	Field    string
	Chinese  string
	Required bool
	Help     string // for the template's 说明 sheet
}

// Columns are the sheet's columns, in template order. Headers match the Chinese
// or the English name, case-insensitively, ignoring a trailing "*" and anything
// in brackets: "名称", "Name", "名称*" and "名称(name)" all mean Name.
var Columns = []column{
	{"name", "名称", true, "目标名称，同一类型内唯一，例如 vm-hubin-001"},
	{"kind", "类型", true, "采集类型，例如 agent（云服务器监控插件）"},
	{"address", "地址", true, "采集地址：URL 或 主机:端口，例如 http://10.1.2.3:9100/metrics"},
	{"district", "区县", true, "十个区县之一（中文名称或拼音简称）"},
	{"level", "层级", false, "市级 / 县级 / 乡镇级 / 村级（也可写 city/county/town/village）"},
	{"site", "站点", false, "所在站点或机房"},
	{"system", "系统", false, "所属业务系统"},
	{"dept", "部门", false, "责任部门"},
	{"parent", "上级", false, "上级站点或链路名称，用于拓扑抑制"},
	{"labels", "标签", false, "其他标签，格式 k=v;k=v"},
	{"params", "参数", false, "采集参数（不是标签），格式 k=v;k=v"},
}

// excelOptions bound what a workbook may unpack to: an .xlsx is a zip, and a
// small file can inflate to gigabytes.
var excelOptions = excelize.Options{RawCellValue: true, UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20}

// readExcel opens one workbook from disk, bounded by max bytes.
func readExcel(src ExcelSource, max int64) ([]entry, []Problem) {
	f, err := os.Open(src.Path)
	if err != nil {
		return nil, []Problem{{Source: src.Path, Msg: fmt.Sprintf("open workbook: %v", stripPath(err))}}
	}
	defer f.Close()
	return excelFrom(src, io.LimitReader(f, max+1), max)
}

func excelFrom(src ExcelSource, r io.Reader, max int64) ([]entry, []Problem) {
	data, err := io.ReadAll(r)
	if err != nil || int64(len(data)) > max {
		return nil, []Problem{{Source: src.Path, Msg: fmt.Sprintf("read workbook: larger than %d bytes or unreadable (%v)", max, err)}}
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelOptions)
	if err != nil {
		return nil, []Problem{{Source: src.Path, Msg: fmt.Sprintf("open workbook: %v", err)}}
	}
	defer wb.Close()
	return sheetEntries(src.Path, wb, src.Sheet)
}

// sheetEntries reads the source's sheet — as links when it is LinkSheet, else
// as targets — and the workbook's LinkSheet besides, when it has one.
func sheetEntries(name string, wb *excelize.File, sheet string) ([]entry, []Problem) {
	if sheet == "" {
		if list := wb.GetSheetList(); len(list) > 0 {
			sheet = list[0]
		}
	}
	if idx, err := wb.GetSheetIndex(sheet); err != nil || idx < 0 {
		return nil, []Problem{{Source: name, Msg: fmt.Sprintf("no sheet %q (sheets: %s)", sheet, strings.Join(wb.GetSheetList(), ", "))}}
	}
	if sheet == LinkSheet {
		return readSheet(name, wb, sheet, LinkColumns, (*sheetReader).linkEntry)
	}
	entries, probs := readSheet(name, wb, sheet, Columns, (*sheetReader).entry)
	if idx, err := wb.GetSheetIndex(LinkSheet); err == nil && idx >= 0 {
		links, more := readSheet(name, wb, LinkSheet, LinkColumns, (*sheetReader).linkEntry)
		entries, probs = append(entries, links...), append(probs, more...)
	}
	return entries, probs
}

// readSheet reads one sheet: header row first, then one entry per row, built
// by build from the row's cells.
func readSheet(name string, wb *excelize.File, sheet string, cols []column, build func(*sheetReader, int) (entry, bool)) ([]entry, []Problem) {
	rows, err := wb.GetRows(sheet)
	if err != nil {
		return nil, []Problem{{Source: name, Sheet: sheet, Msg: fmt.Sprintf("read sheet: %v", err)}}
	}
	s := &sheetReader{name: name, sheet: sheet, rows: rows, columns: cols, build: build}
	return s.read(wb)
}

type sheetReader struct {
	name, sheet string
	rows        [][]string
	columns     []column                              // the fields this sheet may have
	build       func(*sheetReader, int) (entry, bool) // one data row to an entry
	header      int                                   // 0-based index of the header row
	cols        map[string]int                        // field -> 0-based column
	bad         map[int]bool                          // 0-based rows lost to a multi-column merge
	probs       []Problem
}

func (s *sheetReader) read(wb *excelize.File) ([]entry, []Problem) {
	s.header = slices.IndexFunc(s.rows, func(r []string) bool { return !blank(r) })
	if s.header < 0 {
		return nil, nil // an empty sheet is an empty estate
	}
	if !s.mapHeader() {
		return nil, s.probs
	}
	s.applyMerges(wb)
	var out []entry
	for i := s.header + 1; i < len(s.rows); i++ {
		if blank(s.rows[i]) || s.bad[i] {
			continue
		}
		if e, ok := s.build(s, i); ok {
			out = append(out, e)
		}
	}
	return out, s.probs
}

func (s *sheetReader) problem(row, col int, format string, args ...any) {
	name, _ := excelize.ColumnNumberToName(col + 1)
	s.probs = append(s.probs, Problem{Source: s.name, Sheet: s.sheet, Row: row + 1, Column: name, Msg: fmt.Sprintf(format, args...)})
}

func blank(r []string) bool {
	return !slices.ContainsFunc(r, func(c string) bool { return strings.TrimSpace(c) != "" })
}

func stripPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}
