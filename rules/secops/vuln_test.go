package secops

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gvm builds a small GVM report: the scan's start, the hosts scanned and
// results as "host|oid|port|score|cve".
func gvm(start string, hosts []string, results ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "<report id=\"r\"><report id=\"r\"><scan_start>%s</scan_start><results>\n", start)
	for _, r := range results {
		p := strings.Split(r, "|")
		fmt.Fprintf(&b, `<result><host>%s</host><port>%s</port><nvt oid="%s"><name>n</name><refs><ref type="cve" id="%s"/></refs></nvt><severity>%s</severity></result>`+"\n",
			p[0], p[2], p[1], p[4], p[3])
	}
	b.WriteString("</results>\n")
	for _, h := range hosts {
		fmt.Fprintf(&b, "<host><ip>%s</ip></host>\n", h)
	}
	b.WriteString("</report></report>\n")
	return b.String()
}

func (f *fixture) importXML(t *testing.T, xml string) ScanRecord {
	t.Helper()
	s, err := ParseOpenVAS(strings.NewReader(xml))
	require.NoError(t, err)
	rec, err := f.svc.Import(context.Background(), s, ImportOptions{By: "li"})
	require.NoError(t, err)
	return rec
}

const (
	oidAgent = "1.3.6.1.4.1.25623.1.0.104839" // CVE-2023-38408, critical
	oidRegre = "1.3.6.1.4.1.25623.1.0.114672" // CVE-2024-6387, high
)

// A finding is open from the scan that found it, fixed by a later scan of
// its host that lacks it, and found again opens it anew; a scan only closes
// the hosts it covered, and only findings of its own format.
func TestScansOpenAndFixFindings(t *testing.T) {
	f := newFixture(t, cstTime(2026, 11, 20, 12, 0))
	rec := f.importFile(t, "gvm-2026q4.xml", ImportOptions{Name: "政务云季度扫描"})
	assert.Equal(t, ScanRecord{ID: 1, Format: FormatOpenVAS, Name: "政务云季度扫描", ImportedBy: "li", Hosts: 4, Findings: 5,
		Opened: 5, Skipped: 1, ScannedAt: rec.ScannedAt, ImportedAt: rec.ImportedAt}, rec)
	assert.True(t, rec.ScannedAt.Equal(cstTime(2026, 11, 20, 10, 0).Add(11*time.Second)))
	v, err := f.svc.Vulnerability(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, "CVE-2023-38408", v.label())
	assert.Equal(t, Open, v.State)
	assert.True(t, v.Deadline.Equal(v.FirstSeen.Add(7*24*time.Hour)), "紧急: 7 days")

	// Nov 25: 10.8.1.21 again, the ssh-agent hole gone; 10.8.1.22 not scanned.
	f.clock.set(cstTime(2026, 11, 25, 12, 0))
	rec = f.importXML(t, gvm("2026-11-25T02:00:00Z", []string{"10.8.1.21"},
		"10.8.1.21|"+oidRegre+"|22/tcp|8.1|CVE-2024-6387"))
	assert.Equal(t, 1, rec.Fixed)
	assert.Equal(t, 0, rec.Opened)
	// A CSV saying 10.8.1.22 is clean does not close what OpenVAS found there.
	_, err = f.svc.Import(context.Background(), mustCSV(t, "cve,host,severity,name,port\n,10.8.1.22,,,\n"), ImportOptions{By: "li"})
	require.NoError(t, err)
	assert.Equal(t, map[string]State{
		"10.8.1.21 CVE-2023-38408 22/tcp": Fixed, "10.8.1.21 CVE-2024-6387 22/tcp": Open,
		"10.8.1.22 CVE-2021-41773 443/tcp": Open, "10.8.1.22 CVE-2011-3389 443/tcp": Open,
		"10.8.1.22 CVE-1999-0524 general/icmp": Open,
	}, f.states(t))

	// An older report imported late fixes nothing it did not see last.
	rec = f.importXML(t, gvm("2026-11-21T02:00:00Z", []string{"10.8.1.21"}))
	assert.Equal(t, 0, rec.Fixed)
	assert.Equal(t, Open, f.states(t)["10.8.1.21 CVE-2024-6387 22/tcp"])

	// Dec 3: the ssh-agent hole is back: open again, its deadline from now.
	f.clock.set(cstTime(2026, 12, 3, 12, 0))
	rec = f.importXML(t, gvm("2026-12-03T02:00:00Z", []string{"10.8.1.21"},
		"10.8.1.21|"+oidRegre+"|22/tcp|8.1|CVE-2024-6387", "10.8.1.21|"+oidAgent+"|22/tcp|9.8|CVE-2023-38408"))
	assert.Equal(t, 1, rec.Opened)
	v, err = f.svc.Vulnerability(context.Background(), 1)
	require.NoError(t, err)
	assert.Equal(t, Open, v.State)
	assert.True(t, v.FirstSeen.Equal(cstTime(2026, 12, 3, 10, 0)), v.FirstSeen)
	assert.True(t, v.FixedAt.IsZero())
}

func mustCSV(t *testing.T, s string) Scan {
	t.Helper()
	scan, err := ParseCSV(strings.NewReader(s))
	require.NoError(t, err)
	return scan
}

// Deadlines by severity, on a fake clock: each overdue finding is an alert
// (major for 紧急/高危, warning for 中危/低危) raised once, resolved when
// accepted or fixed; reopened, it is overdue again at once.
func TestOverdueFindingsFireAndResolve(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, cstTime(2026, 11, 20, 12, 0))
	f.importFile(t, "gvm-2026q4.xml", ImportOptions{})
	first := cstTime(2026, 11, 20, 10, 0).Add(11 * time.Second)

	f.clock.set(first.Add(7*24*time.Hour - time.Minute))
	f.check(t)
	assert.Empty(t, f.alerts.firing("host"))

	f.clock.set(first.Add(7*24*time.Hour + time.Minute))
	f.check(t)
	assert.Equal(t, []string{"VulnerabilityOverdue major 10.8.1.21", "VulnerabilityOverdue major 10.8.1.21",
		"VulnerabilityOverdue major 10.8.1.22"}, f.alerts.firing("host"))
	a := f.alerts.all()[0]
	assert.Equal(t, "R-A12", a.Labels["requirement"])
	assert.Equal(t, "security", a.Labels["kind"])
	assert.Contains(t, a.Annotations["description"], "超过整改期限仍未修复")
	f.check(t) // raised once
	assert.Len(t, f.alerts.fired, 3)
	overdue, err := f.svc.Vulnerabilities(ctx, Filter{Overdue: true})
	require.NoError(t, err)
	assert.Len(t, overdue, 3)

	// The Apache hole is accepted (a WAF rule covers it): resolved.
	_, err = f.svc.SetState(ctx, 3, Accepted, "", "wang")
	require.ErrorIs(t, err, ErrBadChange, "a reason is required")
	v, err := f.svc.SetState(ctx, 3, Accepted, "WAF 已拦截该路径，系统下月下线", "wang")
	require.NoError(t, err)
	assert.Equal(t, "已接受", v.StateWord)
	assert.Equal(t, "wang", v.ChangedBy)
	assert.Equal(t, []string{"VulnerabilityOverdue major 10.8.1.21", "VulnerabilityOverdue major 10.8.1.21"},
		f.alerts.firing("host"))
	_, err = f.svc.SetState(ctx, 3, Fixed, "", "wang")
	require.ErrorIs(t, err, ErrBadChange, "fixed only by a scan")

	// 10.8.1.21 rescanned clean: both its alerts resolve.
	f.importXML(t, gvm(f.clock.now().UTC().Format(time.RFC3339), []string{"10.8.1.21"}))
	assert.Empty(t, f.alerts.firing("host"))

	// Reopened, the Apache hole is overdue again at the next check.
	_, err = f.svc.SetState(ctx, 3, Open, "", "wang")
	require.NoError(t, err)
	f.check(t)
	assert.Equal(t, []string{"VulnerabilityOverdue major 10.8.1.22"}, f.alerts.firing("host"))

	// 中危 at 30 days, 低危 at 90, as warnings.
	f.clock.set(first.Add(30*24*time.Hour + time.Minute))
	f.check(t)
	f.clock.set(first.Add(90*24*time.Hour + time.Minute))
	f.restart(t) // nothing raised twice after a restart
	f.check(t)
	assert.Equal(t, []string{"VulnerabilityOverdue major 10.8.1.22", "VulnerabilityOverdue warning 10.8.1.22",
		"VulnerabilityOverdue warning 10.8.1.22"}, f.alerts.firing("host"))
	assert.Len(t, f.alerts.fired, 6)
}
