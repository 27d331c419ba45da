package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ExcelSource reads a workbook the control plane's team exports or keeps.
type ExcelSource struct {
	Path     string
	Sheet    string // "": the first sheet
	MaxBytes int64  // the file; ≤ 0: DefaultMaxBytes
}

// Name is the path.
func (s *ExcelSource) Name() string { return s.Path }

// excelOptions bound what a workbook may unpack to (an .xlsx is a zip, and a
// small file can inflate to gigabytes); dates are read raw, as numbers, so
// that no display format can make them ambiguous.
var excelOptions = excelize.Options{RawCellValue: true, UnzipSizeLimit: 256 << 20, UnzipXMLSizeLimit: 64 << 20}

// Read implements Source.
func (s *ExcelSource) Read(ctx context.Context) (Book, error) {
	data, err := s.load()
	if err != nil {
		return Book{}, fmt.Errorf("台账文件 %s：%w", s.Path, err)
	}
	wb, err := excelize.OpenReader(bytes.NewReader(data), excelOptions)
	if err != nil {
		return Book{}, fmt.Errorf("台账文件 %s：不是有效的 xlsx 工作簿（%v）", s.Path, err)
	}
	defer wb.Close()
	sheet := s.Sheet
	if sheet == "" {
		sheet = wb.GetSheetName(0)
	}
	rows, err := wb.GetRows(sheet)
	if err != nil {
		return Book{}, fmt.Errorf("台账文件 %s：读取工作表 %q 失败（工作表：%s）", s.Path, sheet, strings.Join(wb.GetSheetList(), "、"))
	}
	fillMerges(wb, sheet, rows)
	b, err := sheetBook(s.Path, rows)
	if err != nil {
		return Book{}, fmt.Errorf("台账文件 %s 工作表 %s：%w", s.Path, sheet, err)
	}
	return b, nil
}

func (s *ExcelSource) load() ([]byte, error) {
	max := s.MaxBytes
	if max <= 0 {
		max = DefaultMaxBytes
	}
	f, err := os.Open(s.Path)
	if err != nil {
		return nil, fmt.Errorf("无法打开（%w）", errors.Unwrap(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("读取失败（%v）", errors.Unwrap(err))
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("超过 %d 字节上限", max)
	}
	return data, nil
}

// headers names each field's headers: Chinese first, then the English
// equivalents, matched case-insensitively without a trailing * or a
// bracketed note ("到期日期(必填)").
var headers = []struct {
	field string
	names []string
}{
	{"vm", []string{"云服务器名称", "云服务器", "虚拟机名称", "vm", "vm name", "name"}},
	{"spec", []string{"规格", "spec", "flavor"}},
	{"system", []string{"业务系统", "系统", "system"}},
	{"dept", []string{"责任部门", "部门", "使用部门", "dept", "department"}},
	{"start", []string{"开始日期", "起始日期", "term_start", "start", "start date"}},
	{"end", []string{"到期日期", "结束日期", "term_end", "end", "end date", "expiry"}},
}

func headerField(cell string) string {
	h := strings.TrimSpace(cell)
	if i := strings.IndexAny(h, "(（"); i > 0 {
		h = strings.TrimSpace(h[:i])
	}
	h = strings.TrimRight(h, "*＊ ")
	for _, f := range headers {
		for _, n := range f.names {
			if strings.EqualFold(h, n) {
				return f.field
			}
		}
	}
	return ""
}

// headerSearch is how many rows a title may take above the header.
const headerSearch = 10

// sheetBook reads the rows: the header is the first row with the VM column
// (within the first rows: a title such as 资源台账（2026年11月） may sit above).
func sheetBook(src string, rows [][]string) (Book, error) {
	first := slices.IndexFunc(rows, func(r []string) bool { return !blank(r) })
	if first < 0 {
		return Book{}, errors.New("工作表为空")
	}
	head := slices.IndexFunc(rows[:min(len(rows), headerSearch)], func(r []string) bool {
		return slices.ContainsFunc(r, func(c string) bool { return headerField(c) == "vm" })
	})
	if head < 0 {
		return Book{}, fmt.Errorf("前 %d 行中没有含“云服务器名称”（或 vm）列的表头", headerSearch)
	}
	cols := map[string]int{}
	for i, cell := range rows[head] {
		f := headerField(cell)
		if _, dup := cols[f]; f != "" && dup {
			return Book{}, fmt.Errorf("表头第%d行：%q 列出现两次", head+1, strings.TrimSpace(cell))
		}
		if f != "" {
			cols[f] = i
		}
	}
	b := newBook(src, false)
	for i := head + 1; i < len(rows); i++ {
		if blank(rows[i]) {
			continue
		}
		get := func(f string) string {
			if c, ok := cols[f]; ok && c < len(rows[i]) {
				return rows[i][c]
			}
			return ""
		}
		if bad := cellError(rows[i]); bad != "" {
			b.problem(i+1, clip(strings.TrimSpace(get("vm"))), fmt.Sprintf("单元格含公式错误 %s", bad))
			continue
		}
		b.add(i+1, raw{VM: get("vm"), Spec: get("spec"), System: get("system"), Dept: get("dept"),
			Start: get("start"), End: get("end")}, true)
	}
	return b.Book, nil
}

// cellErrors are the values Excel shows for a formula that failed.
var cellErrors = []string{"#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA"}

func cellError(row []string) string {
	for _, c := range row {
		if slices.Contains(cellErrors, strings.TrimSpace(c)) {
			return strings.TrimSpace(c)
		}
	}
	return ""
}

func blank(r []string) bool {
	return !slices.ContainsFunc(r, func(c string) bool { return strings.TrimSpace(c) != "" })
}

// fillMerges gives every row of a merged range in one column its value
// (teams merge 业务系统 or 责任部门 over the rows of one system). A range
// across columns is left alone: its rows then lack values and are reported.
func fillMerges(wb *excelize.File, sheet string, rows [][]string) {
	merges, err := wb.GetMergeCells(sheet)
	if err != nil {
		return
	}
	for _, m := range merges {
		c0, r0, err0 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err0 != nil || err1 != nil || c0 != c1 {
			continue
		}
		for r := r0 - 1; r < r1 && r < len(rows); r++ {
			for len(rows[r]) < c0 {
				rows[r] = append(rows[r], "")
			}
			rows[r][c0-1] = m.GetCellValue()
		}
	}
}
