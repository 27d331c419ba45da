package secops

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func readScan(t *testing.T, name string, parse func(r *os.File) (Scan, error)) Scan {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer f.Close()
	s, err := parse(f)
	require.NoError(t, err)
	return s
}

func parseOpenVASFile(f *os.File) (Scan, error) { return ParseOpenVAS(f) }
func parseCSVFile(f *os.File) (Scan, error)     { return ParseCSV(f) }

// brief is a finding as the tests compare it.
func brief(f Finding) string {
	return f.Host + " " + f.Ref + " " + f.Port + " " + string(f.Severity) + " " + strings.Join(f.CVEs, ",")
}

func TestParseOpenVASReport(t *testing.T) {
	s := readScan(t, "gvm-2026q4.xml", parseOpenVASFile)
	assert.Equal(t, FormatOpenVAS, s.Format)
	assert.True(t, s.ScannedAt.Equal(time.Date(2026, 11, 20, 2, 0, 11, 0, time.UTC)), s.ScannedAt)
	// 10.8.1.30 had only a log result, 10.8.1.31 nothing: both were scanned.
	assert.ElementsMatch(t, []string{"10.8.1.21", "10.8.1.22", "10.8.1.30", "10.8.1.31"}, s.Hosts)
	assert.Equal(t, 1, s.Skipped)
	var got []string
	for _, f := range s.Findings {
		got = append(got, brief(f))
	}
	assert.Equal(t, []string{
		"10.8.1.21 oid:1.3.6.1.4.1.25623.1.0.104839 22/tcp critical CVE-2023-38408",
		"10.8.1.21 oid:1.3.6.1.4.1.25623.1.0.114672 22/tcp high CVE-2024-6387",
		"10.8.1.22 oid:1.3.6.1.4.1.25623.1.0.117743 443/tcp critical CVE-2021-41773,CVE-2021-42013",
		"10.8.1.22 oid:1.3.6.1.4.1.25623.1.0.117274 443/tcp medium CVE-2011-3389,CVE-2015-0204",
		"10.8.1.22 oid:1.3.6.1.4.1.25623.1.0.103190 general/icmp low CVE-1999-0524",
	}, got)
	assert.Equal(t, "OpenSSH < 9.3p2 ssh-agent Remote Code Execution Vulnerability", s.Findings[0].Name)
	assert.InDelta(t, 9.8, s.Findings[0].Score, 1e-9)
}

func TestParseCSVScan(t *testing.T) {
	s := readScan(t, "scan-2026q4.csv", parseCSVFile)
	assert.True(t, s.ScannedAt.IsZero())
	assert.Equal(t, []string{"10.8.2.11", "10.8.2.12", "10.8.2.13", "10.8.2.14"}, s.Hosts)
	var got []string
	for _, f := range s.Findings {
		got = append(got, brief(f))
	}
	assert.Equal(t, []string{
		"10.8.2.11 CVE-2023-38408 22/tcp critical CVE-2023-38408",
		"10.8.2.11 CVE-2024-6387 22/tcp high CVE-2024-6387",
		"10.8.2.12 CVE-2016-2183 443/tcp high CVE-2016-2183",
		"10.8.2.12 name:Web 服务器目录浏览已开启 8080/tcp medium ",
		"10.8.2.13 CVE-1999-0524 general/icmp low CVE-1999-0524",
	}, got)
	assert.Equal(t, "SSL/TLS 3DES 密码套件信息泄露（SWEET32, 生日攻击）", s.Findings[2].Name)
}

// Bad input is a clear error naming the line and element, never a panic.
func TestParseErrorsSayWhere(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
		csv            bool
	}{
		{"not xml", "hello", "报告为空，或不是 XML", false},
		{"other root", "<nmaprun></nmaprun>", "根元素是 <nmaprun>", false},
		{"broken", "<report>\n<results>\n<result><host>1.2.3.4</host>\n</report>", "第 4 行：XML 格式错误", false},
		{"no oid", "<report>\n<results>\n<result><host>1.2.3.4</host><nvt><name>x</name></nvt></result></results></report>",
			"第 3 行 <result>（主机 1.2.3.4）：<nvt> 缺少 oid", false},
		{"bad score", "<report><results>\n\n<result><host>h</host><nvt oid=\"1.2\"/><severity>high</severity></result></results></report>",
			"第 3 行 <result>（主机 h）：<severity> \"high\" 不是 0 到 10 的分值", false},
		{"no score", "<report><results><result><host>h</host><nvt oid=\"1.2\"/></result></results></report>",
			"缺少 <severity> 与 <cvss_base>", false},
		{"a page", "<report><results start=\"1\" max=\"1\"><result><host>h</host><nvt oid=\"1.2\"/><severity>5</severity></result>" +
			"</results><result_count>7<full>7</full><filtered>7</filtered></result_count></report>",
			"报告只含 1 条结果，而扫描共有 7 条：导出时请把过滤条件设为 rows=-1", false},
		{"csv header", "host,cve\n", "第 1 行表头缺少列 severity、name、port", true},
		{"csv severity", "cve,host,severity,name,port\nCVE-2024-6387,h,严峻,x,22\n", "第 2 行（主机 h）：severity \"严峻\" 无效", true},
		{"csv cve", "cve,host,severity,name,port\n\nCVE-24-1,h,高危,x,22\n", "第 3 行（主机 h）：cve \"CVE-24-1\" 不是", true},
		{"csv fields", "cve,host,severity,name,port\nCVE-2024-6387,h,高危\n", "第 2 行：CSV 格式错误", true},
		{"csv no host", "cve,host,severity,name,port\nCVE-2024-6387,,高危,x,22\n", "第 2 行：host 为空", true},
		{"csv gbk", "cve,host,severity,name,port\nCVE-2024-6387,h,\xb8\xdf\xce\xa3,x,22\n", "CSV 须为 UTF-8 编码", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.csv {
				_, err = ParseCSV(strings.NewReader(c.in))
			} else {
				_, err = ParseOpenVAS(strings.NewReader(c.in))
			}
			require.ErrorIs(t, err, ErrBadScan)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// lowerScanLimit makes the bound 1 MiB for one test.
func lowerScanLimit(t *testing.T) {
	scanLimit = 1 << 20
	t.Cleanup(func() { scanLimit = MaxScanBytes })
}

// A report past the size bound is refused as such, after reading no more.
func TestParseRefusesOversizedReports(t *testing.T) {
	lowerScanLimit(t)
	big := strings.NewReader("<report><results>" + strings.Repeat("<x/>", 1<<18+1))
	_, err := ParseOpenVAS(big)
	require.ErrorIs(t, err, ErrBadScan)
	require.ErrorIs(t, err, ErrScanTooLarge)
	assert.Contains(t, err.Error(), "报告过大（上限 1 MiB）")
	_, err = ParseCSV(strings.NewReader("cve,host,severity,name,port\n" + strings.Repeat(",h,,,\n", 1<<20/6+1)))
	require.ErrorIs(t, err, ErrBadScan)
	require.ErrorIs(t, err, ErrScanTooLarge)
	assert.Contains(t, err.Error(), "报告过大（上限 1 MiB）")
}
