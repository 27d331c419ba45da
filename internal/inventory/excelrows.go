package inventory

import (
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"
)

// headerField maps one header cell to a field of cols, or "" for a column we
// ignore (operations teams add remarks columns such as 备注).
func headerField(cell string, cols []column) string {
	h := strings.TrimSpace(cell)
	if i := strings.IndexAny(h, "(（"); i > 0 {
		h = strings.TrimSpace(h[:i])
	}
	h = strings.TrimRight(h, "*＊ ")
	for _, c := range cols {
		if strings.EqualFold(h, c.Field) || strings.EqualFold(h, c.Chinese) || (c.Field == "dept" && strings.EqualFold(h, "department")) {
			return c.Field
		}
	}
	return ""
}

// mapHeader finds each field's column; a missing required column or a field
// named twice loses the whole sheet, with one problem per column.
func (s *sheetReader) mapHeader() bool {
	s.cols = map[string]int{}
	ok := true
	for i, cell := range s.rows[s.header] {
		f := headerField(cell, s.columns)
		if f == "" {
			continue
		}
		if prev, dup := s.cols[f]; dup {
			s.problem(s.header, i, "column %q appears twice (also column %s): nothing loaded from this sheet", cell, colName(prev))
			ok = false
		}
		s.cols[f] = i
	}
	for _, c := range s.columns {
		if _, found := s.cols[c.Field]; c.Required && !found {
			s.probs = append(s.probs, Problem{Source: s.name, Sheet: s.sheet, Row: s.header + 1,
				Msg: fmt.Sprintf("missing required column %s (%s): nothing loaded from this sheet", c.Chinese, c.Field)})
			ok = false
		}
	}
	return ok
}

// applyMerges fills a merged range that stays in one column with its value for
// every row it covers (teams merge 区县 over the rows of one district). A merge
// across several columns is ambiguous: it is reported with its range and the
// rows it covers are skipped.
func (s *sheetReader) applyMerges(wb *excelize.File) {
	merges, err := wb.GetMergeCells(s.sheet)
	if err != nil {
		s.problem(s.header, 0, "read merged cells: %v", err)
		return
	}
	s.bad = map[int]bool{}
	for _, m := range merges {
		c0, r0, err0 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err0 != nil || err1 != nil || r1-1 <= s.header {
			continue // the header row's merges only decorate it
		}
		if c0 != c1 {
			s.problem(r0-1, c0-1, "merged cells %s:%s span several columns: unmerge them; rows %d-%d skipped", m.GetStartAxis(), m.GetEndAxis(), r0, r1)
			for r := r0 - 1; r < r1; r++ {
				s.bad[r] = true
			}
			continue
		}
		s.fill(c0-1, max(r0-1, s.header+1), r1-1, m.GetCellValue())
	}
}

func (s *sheetReader) fill(col, from, to int, v string) {
	for r := from; r <= to && r < len(s.rows); r++ {
		for len(s.rows[r]) <= col {
			s.rows[r] = append(s.rows[r], "")
		}
		s.rows[r][col] = v
	}
}

// cellErrors are the values Excel shows for a formula that failed.
var cellErrors = []string{"#REF!", "#VALUE!", "#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#SPILL!", "#CALC!", "#GETTING_DATA"}

// entry builds the target of one data row; a cell error or a bad k=v list is a
// problem for that cell and loses the row.
func (s *sheetReader) entry(i int) (entry, bool) {
	get := s.getter(i)
	ok := s.noCellErrors(i)
	t := Target{Name: get("name"), Kind: get("kind"), Address: get("address"), District: get("district"),
		Level: get("level"), Site: get("site"), System: get("system"), Dept: get("dept"), Parent: get("parent")}
	var err error
	for _, kv := range []struct {
		f string
		m *map[string]string
	}{{"labels", &t.Labels}, {"params", &t.Params}} {
		if *kv.m, err = parseKV(get(kv.f)); err != nil {
			s.problem(i, s.cols[kv.f], "%s: %v", kv.f, err)
			ok = false
		}
	}
	t.Source = fmt.Sprintf("%s:%s!R%d", s.name, s.sheet, i+1)
	return entry{t: t, where: s.where(i)}, ok
}

// getter returns the cell of row i for a field ("" when the column is absent).
func (s *sheetReader) getter(i int) func(string) string {
	row := s.rows[i]
	return func(f string) string {
		if c, ok := s.cols[f]; ok && c < len(row) {
			return row[c]
		}
		return ""
	}
}

// noCellErrors reports each formula error of row i; false loses the row.
func (s *sheetReader) noCellErrors(i int) bool {
	get, ok := s.getter(i), true
	for _, col := range s.columns {
		if v := strings.TrimSpace(get(col.Field)); isCellError(v) {
			s.problem(i, s.cols[col.Field], "cell error %s in column %s (%s)", v, col.Chinese, col.Field)
			ok = false
		}
	}
	return ok
}

func (s *sheetReader) where(i int) func(string) Problem {
	return func(field string) Problem {
		c, ok := s.cols[field]
		if !ok {
			c = s.cols["name"]
		}
		return Problem{Source: s.name, Sheet: s.sheet, Row: i + 1, Column: colName(c)}
	}
}

func isCellError(v string) bool {
	for _, e := range cellErrors {
		if v == e {
			return true
		}
	}
	return false
}

func colName(c int) string {
	n, _ := excelize.ColumnNumberToName(c + 1)
	return n
}
