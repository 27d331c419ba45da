package secops

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// csvColumns are the CSV's columns; the header names them in any order
// (other columns are ignored).
var csvColumns = []string{"cve", "host", "severity", "name", "port"}

// ParseCSV reads a scan as CSV, UTF-8 (a BOM is allowed), at most
// MaxScanBytes, with the header cve,host,severity,name,port:
//
//	cve,host,severity,name,port
//	CVE-2023-38408,10.8.1.21,高危,OpenSSH ssh-agent 远程代码执行,22/tcp
//	,10.8.1.22,,,
//
// severity is 紧急/高危/中危/低危, critical/high/medium/low or a CVSS
// score; a row without a CVE is keyed by its name; a row with only a host
// says the host was scanned and nothing was found (so its findings close).
// Errors name the line.
func ParseCSV(r io.Reader) (Scan, error) {
	b, err := io.ReadAll(io.LimitReader(r, scanLimit+1))
	if err != nil {
		return Scan{}, badScan("读取失败：%v", err)
	}
	if int64(len(b)) > scanLimit {
		return Scan{}, tooLarge()
	}
	if !utf8.Valid(b) {
		return Scan{}, badScan("CSV 须为 UTF-8 编码（Excel 请另存为“CSV UTF-8”）")
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return Scan{}, csvError(err, "表头")
	}
	col, err := csvHeader(head)
	if err != nil {
		return Scan{}, err
	}
	c := newCollector(FormatCSV)
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return c.scan, nil
		}
		if err != nil {
			return Scan{}, csvError(err, "")
		}
		line, _ := cr.FieldPos(0)
		get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
		if err := c.csvRow(get, line); err != nil {
			return Scan{}, err
		}
	}
}

func csvError(err error, what string) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return badScan("第 %d 行%s：CSV 格式错误：%v", pe.Line, what, pe.Err)
	}
	return badScan("CSV %s读取失败：%v", what, err)
}

// csvHeader maps the columns' names to their index.
func csvHeader(head []string) (map[string]int, error) {
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	var missing []string
	for _, name := range csvColumns {
		if _, ok := col[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, badScan("第 1 行表头缺少列 %s：表头应为 %s", strings.Join(missing, "、"), strings.Join(csvColumns, ","))
	}
	return col, nil
}

// csvRow takes one row.
func (c *collector) csvRow(get func(string) string, line int) error {
	f := Finding{Host: get("host"), Port: get("port"), Name: get("name"), Ref: strings.ToUpper(get("cve"))}
	for _, name := range csvColumns {
		if err := checkField(get(name), name, line); err != nil {
			return err
		}
	}
	sev := get("severity")
	switch {
	case f.Host == "":
		return badScan("第 %d 行：host 为空", line)
	case f.Ref == "" && f.Name == "" && sev == "":
		return c.host(f.Host) // scanned, nothing found
	case f.Ref == "" && f.Name == "":
		return badScan("第 %d 行（主机 %s）：cve 与 name 不能都为空", line, f.Host)
	case f.Ref != "" && !validCVE(f.Ref):
		return badScan("第 %d 行（主机 %s）：cve %q 不是 CVE-年份-编号", line, f.Host, f.Ref)
	}
	if f.Ref == "" {
		f.Ref = "name:" + f.Name
	} else {
		f.CVEs = []string{f.Ref}
	}
	if f.Name == "" {
		f.Name = f.Ref
	}
	s, ok := ParseSeverity(sev)
	if !ok {
		score, err := strconv.ParseFloat(sev, 64)
		if err != nil || score > 10 || score != score {
			return badScan("第 %d 行（主机 %s）：severity %q 无效，应为 紧急/高危/中危/低危、critical/high/medium/low 或 0–10 的分值",
				line, f.Host, sev)
		}
		if s, ok = FromScore(score); !ok {
			c.scan.Skipped++
			return c.host(f.Host)
		}
		f.Score = score
	}
	f.Severity = s
	return c.add(f)
}

// validCVE checks CVE-YYYY-NNNN… (four or more digits).
func validCVE(s string) bool {
	parts := strings.Split(s, "-")
	return len(parts) == 3 && parts[0] == "CVE" && len(parts[1]) == 4 && len(parts[2]) >= 4 && len(parts[2]) <= 12 &&
		allDigits(parts[1]) && allDigits(parts[2])
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
