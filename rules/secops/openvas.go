package secops

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// GVM's report as GMP documents it (get_reports, the XML report format):
// an outer <report> (or a <get_reports_response>) wraps the report proper,
// whose <results> hold one <result> per finding and whose <host> elements
// list every host scanned, results or not.
//
//	<result id="…">
//	  <host>10.8.1.21<asset asset_id="…"/><hostname>oa-db</hostname></host>
//	  <port>22/tcp</port>
//	  <nvt oid="1.3.6.1.4.1.25623.1.0.…"><name>…</name><cvss_base>9.8</cvss_base>
//	    <refs><ref type="cve" id="CVE-2023-38408"/><ref type="url" id="…"/></refs></nvt>
//	  <threat>High</threat><severity>9.8</severity>
//	</result>
type resultXML struct {
	Host struct {
		Text string `xml:",chardata"`
	} `xml:"host"`
	Port     string `xml:"port"`
	Name     string `xml:"name"`
	Threat   string `xml:"threat"`
	Severity string `xml:"severity"`
	NVT      struct {
		OID      string `xml:"oid,attr"`
		Name     string `xml:"name"`
		CVSSBase string `xml:"cvss_base"`
		CVE      string `xml:"cve"` // OpenVAS 8 and older: "CVE-…, CVE-…" or NOCVE
		Refs     []struct {
			Type string `xml:"type,attr"`
			ID   string `xml:"id,attr"`
		} `xml:"refs>ref"`
	} `xml:"nvt"`
}

// hostXML is a report's <host> (its <ip>) or a port summary's <host>addr</host>.
type hostXML struct {
	Text string `xml:",chardata"`
	IP   string `xml:"ip"`
}

// ParseOpenVAS reads a GVM/OpenVAS XML report, at most MaxScanBytes. Results
// at log level (severity 0), false positives (-1) and errors (-3) are
// counted in Skipped, not kept; their hosts still count as covered. Errors
// name the line and element.
//
// Export the report with the filter rows=-1: a page of the results is
// refused, as it would fix every finding left off it. With
// result_hosts_only=0 the hosts scanned clean are listed too, and so count
// as covered; a host absent from the report keeps its findings open.
func ParseOpenVAS(r io.Reader) (Scan, error) {
	lr := &io.LimitedReader{R: r, N: scanLimit + 1}
	dec := xml.NewDecoder(lr)
	c := newCollector(FormatOpenVAS)
	root := ""
	for {
		line, _ := dec.InputPos()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Scan{}, xmlError(lr, line, err)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = start.Name.Local
			if root != "report" && root != "get_reports_response" {
				return Scan{}, badScan("不是 OpenVAS/GVM 的 XML 报告：根元素是 <%s>，应为 <report>", root)
			}
			continue
		}
		line, _ = dec.InputPos()
		if err := c.element(dec, start, line); err != nil {
			return Scan{}, xmlError(lr, line, err)
		}
	}
	if root == "" {
		return Scan{}, badScan("报告为空，或不是 XML")
	}
	// A page of the results would fix every finding left off it.
	if c.listed > c.results {
		return Scan{}, badScan("报告只含 %d 条结果，而扫描共有 %d 条：导出时请把过滤条件设为 rows=-1（全部结果）", c.results, c.listed)
	}
	return c.scan, nil
}

// xmlError says where; a report cut by the size bound says that instead.
func xmlError(lr *io.LimitedReader, line int, err error) error {
	if lr.N <= 0 {
		return tooLarge()
	}
	if errors.Is(err, ErrBadScan) {
		return err
	}
	if se, ok := errors.AsType[*xml.SyntaxError](err); ok {
		return badScan("第 %d 行：XML 格式错误：%s", se.Line, se.Msg)
	}
	return badScan("第 %d 行：XML 格式错误：%v", line, err)
}

// element handles one element below the root: results, hosts and the scan's
// start; others are walked into.
func (c *collector) element(dec *xml.Decoder, start xml.StartElement, line int) error {
	switch start.Name.Local {
	case "result":
		var x resultXML
		if err := dec.DecodeElement(&x, &start); err != nil {
			return err
		}
		return c.result(x, line)
	case "host":
		var x hostXML
		if err := dec.DecodeElement(&x, &start); err != nil {
			return err
		}
		h := strings.TrimSpace(cmpOr(x.IP, x.Text))
		if err := checkField(h, "<host>", line); err != nil {
			return err
		}
		return c.host(h)
	case "result_count":
		var x struct {
			Filtered string `xml:"filtered"`
		}
		if err := dec.DecodeElement(&x, &start); err != nil {
			return err
		}
		c.listed, _ = strconv.Atoi(strings.TrimSpace(x.Filtered))
	case "scan_start":
		var s string
		if err := dec.DecodeElement(&s, &start); err != nil {
			return err
		}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(s)); err == nil && c.scan.ScannedAt.IsZero() {
			c.scan.ScannedAt = t
		}
	}
	return nil
}

// result turns one <result> into a finding.
func (c *collector) result(x resultXML, line int) error {
	host := strings.TrimSpace(x.Host.Text)
	oid := strings.TrimSpace(x.NVT.OID)
	if host == "" && oid == "" {
		return nil // a reference to a result (a note's, an override's), not a result
	}
	c.results++
	switch {
	case host == "":
		return badScan("第 %d 行 <result>：缺少 <host>", line)
	case oid == "":
		return badScan("第 %d 行 <result>（主机 %s）：<nvt> 缺少 oid", line, host)
	}
	f := Finding{Host: host, Port: strings.TrimSpace(x.Port), Name: strings.TrimSpace(cmpOr(x.NVT.Name, x.Name)),
		Ref: "oid:" + oid, CVEs: cves(x)}
	if strings.HasPrefix(oid, "CVE-") { // GVM's CVE scanner names the CVE as the oid
		f.Ref = oid
	}
	for _, fv := range [][2]string{{"<host>", f.Host}, {"<port>", f.Port}, {"<name>", f.Name}, {"oid", oid}} {
		if err := checkField(fv[1], fv[0], line); err != nil {
			return err
		}
	}
	score, err := resultScore(x)
	if err != nil {
		return badScan("第 %d 行 <result>（主机 %s）：%v", line, host, err)
	}
	sev, ok := FromScore(score)
	if !ok || strings.EqualFold(x.Threat, "log") || strings.EqualFold(x.Threat, "false positive") {
		c.scan.Skipped++
		return c.host(host)
	}
	f.Severity, f.Score = sev, score
	return c.add(f)
}

// resultScore is the result's severity (after overrides), else the NVT's CVSS base.
func resultScore(x resultXML) (float64, error) {
	s := strings.TrimSpace(cmpOr(strings.TrimSpace(x.Severity), x.NVT.CVSSBase))
	if s == "" {
		return 0, errors.New("缺少 <severity> 与 <cvss_base>")
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v > 10 || v != v {
		return 0, errors.New("<severity> " + strconv.Quote(s) + " 不是 0 到 10 的分值")
	}
	return v, nil
}

// cves are the result's CVE references, from <refs> or the old <cve> list.
func cves(x resultXML) []string {
	var out []string
	seen := map[string]bool{}
	add := func(id string) {
		id = strings.ToUpper(strings.TrimSpace(id))
		if strings.HasPrefix(id, "CVE-") && len(id) <= 64 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	for _, r := range x.NVT.Refs {
		if strings.EqualFold(r.Type, "cve") {
			add(r.ID)
		}
	}
	for id := range strings.SplitSeq(x.NVT.CVE, ",") {
		add(id)
	}
	return out
}

// checkField bounds one field and refuses control characters, which no
// host, port or name has.
func checkField(v, what string, line int) error {
	if len(v) > maxField {
		return badScan("第 %d 行 %s 超过 %d 字节", line, what, maxField)
	}
	if !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' }) {
		return badScan("第 %d 行 %s 含有控制字符或无效编码", line, what)
	}
	return nil
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
