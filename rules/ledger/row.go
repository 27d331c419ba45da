package ledger

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/pricelist"
)

// raw is one row or entry as read, before it is checked.
type raw struct {
	VM, Spec, System, Dept, Start, End string
}

// maxField bounds any one field: a VM, system or department name is short,
// and a longer one is a wrong column, not a name.
const maxField = 256

// dateLayout is how the ledger's dates print.
const dateLayout = "2006-01-02"

// parseRaw checks one row. serial allows Excel date numbers (a sheet's date
// cells read raw). The error is the Chinese reason the row was skipped.
func parseRaw(r raw, serial bool) (Entry, error) {
	e := Entry{VM: strings.TrimSpace(r.VM), System: strings.TrimSpace(r.System), Dept: strings.TrimSpace(r.Dept)}
	if e.VM == "" {
		return e, fmt.Errorf("云服务器名称为空")
	}
	for _, f := range []struct{ name, v string }{{"云服务器名称", e.VM}, {"业务系统", e.System}, {"责任部门", e.Dept}} {
		if len(f.v) > maxField || !utf8.ValidString(f.v) || strings.ContainsFunc(f.v, isControl) {
			return e, fmt.Errorf("%s无效（超过 %d 字节、含控制字符或不是 UTF-8 文本）", f.name, maxField)
		}
	}
	if s := strings.TrimSpace(r.Spec); s != "" {
		c, m, err := pricelist.ParseSpec(s)
		if err != nil {
			return e, fmt.Errorf("规格 %q 无法识别：须写作 vCPU 数 C 内存 GB 数 G，例如 8C16G", clip(s))
		}
		e.VCPU, e.MemGB = c, m
		e.Spec = fmt.Sprintf("%dC%dG", c, m)
	}
	start, err := parseDate(r.Start, serial)
	if err != nil {
		return e, fmt.Errorf("开始日期%v", err)
	}
	end, err := parseDate(r.End, serial)
	if err != nil {
		return e, fmt.Errorf("到期日期%v", err)
	}
	if !start.IsZero() && !end.IsZero() && end.Before(start) {
		return e, fmt.Errorf("到期日期 %s 早于开始日期 %s", end.Format(dateLayout), start.Format(dateLayout))
	}
	if !start.IsZero() {
		e.TermStart = start.Format(dateLayout)
	}
	if !end.IsZero() {
		e.TermEnd, e.end = end.Format(dateLayout), end
	}
	return e, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// clip keeps a bad value short and printable in a problem.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "?")
	}
	if r := []rune(s); len(r) > 32 {
		return string(r[:32]) + "…"
	}
	return s
}

// Dates a ledger may hold: 2000–2099 (a term outside is a typo).
const minYear, maxYear = 2000, 2099

var (
	dashDate = regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$`)
	hanDate  = regexp.MustCompile(`^(\d{4})年(\d{1,2})月(\d{1,2})日$`)
)

// parseDate reads a date as a CST calendar day: "" is no date; text
// YYYY-MM-DD, YYYY/MM/DD, YYYY年M月D日, an RFC 3339 time (its CST date) or,
// with serial, an Excel date number (a time of day is dropped). The error
// completes "开始日期…" / "到期日期…".
func parseDate(s string, serial bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	var y, m, d int
	if g := dashDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if g := hanDate.FindStringSubmatch(s); g != nil {
		y, m, d = atoi(g[1]), atoi(g[2]), atoi(g[3])
	} else if t, err := time.Parse(time.RFC3339, s); err == nil {
		t = t.In(cst.Location)
		y, m, d = t.Year(), int(t.Month()), t.Day()
	} else if f, err := strconv.ParseFloat(s, 64); serial && err == nil {
		return serialDate(f, s)
	} else {
		return time.Time{}, fmt.Errorf(" %q 无法识别：须为 YYYY-MM-DD 或 Excel 日期", clip(s))
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, cst.Location)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Errorf(" %q 不是有效日期", clip(s))
	}
	if y < minYear || y > maxYear {
		return time.Time{}, fmt.Errorf(" %q 超出 %d–%d 年", clip(s), minYear, maxYear)
	}
	return t, nil
}

// serialDate reads an Excel date number (1900 date system: the workbooks
// the bureau's teams write).
func serialDate(f float64, s string) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 1 || f > 2958465 {
		return time.Time{}, fmt.Errorf(" %q 不是有效的 Excel 日期", clip(s))
	}
	t, err := excelize.ExcelDateToTime(math.Floor(f), false)
	if err != nil {
		return time.Time{}, fmt.Errorf(" %q 不是有效的 Excel 日期", clip(s))
	}
	if t.Year() < minYear || t.Year() > maxYear {
		return time.Time{}, fmt.Errorf(" %q（%s）超出 %d–%d 年", clip(s), t.Format(dateLayout), minYear, maxYear)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, cst.Location), nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// book collects a source's rows: checked, de-duplicated by VM name (the
// first row wins; the later one is a problem), problems counted.
type book struct {
	Book
	seen map[string]int // vm → row it was first seen on
	src  string
	json bool
}

func newBook(src string, json bool) *book { return &book{seen: map[string]int{}, src: src, json: json} }

func (b *book) add(row int, r raw, serial bool) {
	e, err := parseRaw(r, serial)
	if err == nil {
		if first, dup := b.seen[e.VM]; dup {
			err = fmt.Errorf("云服务器 %s 重复（第%d%s已登记），本%s跳过", e.VM, first, b.unit(), b.unit())
		}
	}
	if err != nil {
		b.problem(row, clip(strings.TrimSpace(r.VM)), err.Error())
		return
	}
	b.seen[e.VM] = row
	e.Where = fmt.Sprintf("%s 第%d%s", b.src, row, b.unit())
	b.Entries = append(b.Entries, e)
}

func (b *book) problem(row int, vm, reason string) {
	b.Problems = append(b.Problems, Problem{Source: b.src, Row: row, JSON: b.json, VM: vm, Reason: reason})
}

func (b *book) unit() string {
	if b.json {
		return "条"
	}
	return "行"
}
