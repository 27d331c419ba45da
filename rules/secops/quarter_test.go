package secops

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuarterOf(t *testing.T) {
	q := quarterOf(cstTime(2026, 12, 31, 23, 59))
	assert.Equal(t, "2026-Q4", q.name)
	assert.Equal(t, "2026年第四季度", q.word())
	assert.True(t, q.start.Equal(cstTime(2026, 10, 1, 0, 0)))
	assert.True(t, q.end.Equal(cstTime(2027, 1, 1, 0, 0)))
	// 2026-12-31 16:00 UTC is already 2027-01-01 in CST.
	assert.Equal(t, "2027-Q1", quarterOf(time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)).name)
}

// A quarter that ends without a scan is an alert, raised once (a restart
// too), which the next import resolves; a quarter with one raises nothing.
func TestQuarterWithoutScan(t *testing.T) {
	f := newFixture(t, cstTime(2026, 8, 10, 9, 0))
	clean := mustCSV(t, "cve,host,severity,name,port\n,10.8.2.14,,,\n")
	_, err := f.svc.Import(context.Background(), clean, ImportOptions{ScannedAt: cstTime(2026, 8, 9, 22, 0)})
	require.NoError(t, err)

	f.clock.set(cstTime(2026, 10, 1, 0, 1)) // Q3 had its scan
	f.check(t)
	assert.Empty(t, f.alerts.fired)

	f.clock.set(cstTime(2026, 12, 31, 23, 59))
	f.check(t)
	assert.Empty(t, f.alerts.fired)
	f.clock.set(cstTime(2027, 1, 1, 0, 1)) // Q4 had none
	f.check(t)
	f.restart(t)
	f.check(t)
	assert.Equal(t, []string{"QuarterlyScanMissing major "}, f.alerts.firing("host"))
	a := f.alerts.all()[0]
	assert.Equal(t, "季度未开展漏洞扫描:2026-Q4", a.Annotations["summary"])
	assert.Contains(t, a.Annotations["description"], "2026年第四季度（2026-10-01 至 2026-12-31）没有导入任何漏洞扫描结果")
	assert.Len(t, f.alerts.fired, 1)

	f.clock.set(cstTime(2027, 1, 5, 10, 0))
	// A report of a scan run in November, imported late: it resolves the
	// alert, and Q4 stays judged as missed.
	f.importXML(t, gvm("2026-11-20T02:00:00Z", []string{"10.8.1.30"}))
	assert.Empty(t, f.alerts.all())
	f.check(t)
	assert.Len(t, f.alerts.fired, 1)
}
