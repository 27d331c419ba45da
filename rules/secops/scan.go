package secops

import (
	"errors"
	"fmt"
	"time"
)

// Formats of a scan report.
const (
	FormatOpenVAS = "openvas"
	FormatCSV     = "csv"
)

// Bounds on one scan report: a city's quarterly scan of a few thousand
// hosts is some tens of MiB of GVM XML at most.
const (
	MaxScanBytes    = 64 << 20 // the report's size
	MaxScanFindings = 200_000  // findings in one report
	MaxScanHosts    = 50_000   // hosts one report covers
	maxField        = 4 << 10  // a host, port, name or reference, in bytes
)

// scanLimit is MaxScanBytes, lowered by tests so that the bound is
// exercised without feeding 64 MiB through the race detector.
var scanLimit int64 = MaxScanBytes

// Scan is one parsed scan report.
type Scan struct {
	Format    string
	ScannedAt time.Time // zero when the report does not say (a CSV)
	Hosts     []string  // every host the scan covered, found something or not
	Findings  []Finding
	Skipped   int // results that are no vulnerability (GVM log level, false positives)
}

// Finding is one vulnerability a scan found on a host.
type Finding struct {
	Host     string
	Ref      string // CVE-…, oid:<NVT oid>, or name:<name> when a CSV row has no CVE
	Port     string // 22/tcp, general/tcp, or as the CSV wrote it; "" when none
	Name     string
	CVEs     []string
	Severity Severity
	Score    float64 // CVSS, 0 when the scanner gave none
}

// ErrBadScan is a report that cannot be read; its message says where (line,
// element or row) and why, in Chinese for the operator.
var ErrBadScan = errors.New("扫描报告无法导入")

// ErrScanTooLarge is a report past MaxScanBytes (HTTP 413).
var ErrScanTooLarge = fmt.Errorf("%w：报告过大", ErrBadScan)

func tooLarge() error { return fmt.Errorf("%w（上限 %d MiB）", ErrScanTooLarge, scanLimit>>20) }

func badScan(format string, a ...any) error {
	return fmt.Errorf("%w：%s", ErrBadScan, fmt.Sprintf(format, a...))
}

// collector gathers findings and covered hosts, refusing more than the bounds.
type collector struct {
	scan  Scan
	hosts map[string]bool
	seen  map[[3]string]int // host, ref, port → index in findings

	results int // OpenVAS: <result> elements read
	listed  int // OpenVAS: the results the report's filter selected (<result_count><filtered>)
}

func newCollector(format string) *collector {
	return &collector{scan: Scan{Format: format}, hosts: map[string]bool{}, seen: map[[3]string]int{}}
}

func (c *collector) host(h string) error {
	if h == "" || c.hosts[h] {
		return nil
	}
	if len(c.hosts) == MaxScanHosts {
		return badScan("主机超过 %d 台，请分批导入", MaxScanHosts)
	}
	c.hosts[h] = true
	c.scan.Hosts = append(c.scan.Hosts, h)
	return nil
}

// add keeps a finding; one reported twice (GVM repeats a result per
// override or delta) is kept once, at its highest severity.
func (c *collector) add(f Finding) error {
	if err := c.host(f.Host); err != nil {
		return err
	}
	k := [3]string{f.Host, f.Ref, f.Port}
	if i, ok := c.seen[k]; ok {
		if rank(f.Severity) < rank(c.scan.Findings[i].Severity) {
			c.scan.Findings[i].Severity, c.scan.Findings[i].Score = f.Severity, f.Score
		}
		return nil
	}
	if len(c.scan.Findings) == MaxScanFindings {
		return badScan("漏洞条目超过 %d 条，请分批导入", MaxScanFindings)
	}
	c.seen[k] = len(c.scan.Findings)
	c.scan.Findings = append(c.scan.Findings, f)
	return nil
}

// rank orders severities, most urgent first.
func rank(s Severity) int {
	for i, v := range Severities {
		if v == s {
			return i
		}
	}
	return len(Severities)
}
