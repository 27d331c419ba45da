package cloudapi

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Nov 20 (CST), 288 five-minute points. By hand:
//
//	vm-b cpu (agent): 24 points at 0.85 (09:05–11:00), 264 at 0.25 → avg (24×0.85+264×0.25)/288 = 0.3;
//	     P95 at rank 0.95×287 = 272.65 lies among the 0.85s → 0.85. memory 0.25, disk 0.6 (tmpfs not counted)
//	vm-d cpu (platform): 0.1, memory 1/4 = 0.25, no disk
//	vm-a is off that day: no figure; vm-c has no CPU figures at all
//	政务服务 = mean of vm-b and vm-d: cpu avg 0.2, p95 0.475; memory 0.25; disk 0.6 (vm-b only)
const nov20 = "start=2026-11-20T00:00:00%2B08:00&end=2026-11-21T00:00:00%2B08:00"

func usage(t *testing.T, f *fixture, query string) UsagePage {
	t.Helper()
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"utilisation?"+query)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var p UsagePage
	decode(t, body, &p)
	return p
}

func TestUtilisationByInstanceByHand(t *testing.T) {
	p := usage(t, newFixture(t), "by=instance&"+nov20)
	assert.Equal(t, 300, p.StepSeconds)
	none := Stats{}
	assert.Equal(t, []UsageRow{
		{Key: "vm-a", System: "公积金", Dept: "住建局", CPU: none, Memory: none, Disk: none},
		{Key: "vm-b", System: "政务服务", Dept: "大数据局", Instances: 1, CPU: Stats{ptr(0.3), ptr(0.85)},
			Memory: Stats{ptr(0.25), ptr(0.25)}, Disk: Stats{ptr(0.6), ptr(0.6)}},
		{Key: "vm-c", CPU: none, Memory: none, Disk: none},
		{Key: "vm-d", System: "政务服务", Dept: "大数据局", Instances: 1, CPU: Stats{ptr(0.1), ptr(0.1)},
			Memory: Stats{ptr(0.25), ptr(0.25)}, Disk: none},
	}, p.Rows)
}

func TestUtilisationBySystemAndDept(t *testing.T) {
	f := newFixture(t)
	p := usage(t, f, "by=system&"+nov20)
	require.Len(t, p.Rows, 3)
	assert.Equal(t, UsageRow{Key: "政务服务", System: "政务服务", Instances: 2, CPU: Stats{ptr(0.2), ptr(0.475)},
		Memory: Stats{ptr(0.25), ptr(0.25)}, Disk: Stats{ptr(0.6), ptr(0.6)}}, p.Rows[1])
	assert.Equal(t, []string{"公积金", "政务服务", "未登记"}, []string{p.Rows[0].Key, p.Rows[1].Key, p.Rows[2].Key})
	assert.Equal(t, 0, p.Rows[0].Instances, "vm-a was off all day")
	d := usage(t, f, "by=dept&"+nov20)
	assert.Equal(t, []string{"住建局", "大数据局", "未登记"}, []string{d.Rows[0].Key, d.Rows[1].Key, d.Rows[2].Key})
	assert.Equal(t, "大数据局", d.Rows[1].Dept)
	assert.Equal(t, p.Rows[1].CPU, d.Rows[1].CPU)
}

// Longer ranges are sampled hourly; the default is the last 24 hours;
// durations count back from now.
func TestUtilisationRanges(t *testing.T) {
	f := newFixture(t)
	p := usage(t, f, "by=system&start=2026-11-17T00:00:00%2B08:00&end=2026-11-27T00:00:00%2B08:00")
	assert.Equal(t, 3600, p.StepSeconds)
	p = usage(t, f, "")
	assert.Equal(t, "instance", p.By)
	assert.True(t, fixtureNow.Add(-defaultRange).Equal(p.Start), p.Start)
	p = usage(t, f, "start=2d&end=1d")
	assert.True(t, fixtureNow.Add(-48*time.Hour).Equal(p.Start), p.Start)
	assert.True(t, fixtureNow.Add(-24*time.Hour).Equal(p.End), p.End)
}

func TestUtilisationRefuses(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	for _, q := range []string{
		"by=host", "start=yesterday", "start=2026-11-20T00:00:00Z&end=2026-11-19T00:00:00Z",
		"start=2026-11-20T00:00:00Z&end=2026-11-20T00:04:00Z", "start=32d", "start=0d", "end=" + url.QueryEscape("2026-11-20 00:00:00"),
		"start=1d&start=2d", "page_size=501", "month=2026-11",
	} {
		code, body := call(t, f.api, router, Prefix+"utilisation?"+q)
		assert.Equal(t, http.StatusBadRequest, code, "%s: %s", q, body)
	}
}

func TestUtilisationPaging(t *testing.T) {
	f := newFixture(t)
	for i := range 11 {
		f.targets = append(f.targets, agentTarget(i))
	}
	_, router := loadSpec(t)
	for _, size := range []int{1, 4, 15} {
		seen := walk(t, f.api, router, Prefix+"utilisation?by=instance&"+nov20, size, func(body []byte) ([]string, string) {
			var p UsagePage
			decode(t, body, &p)
			var keys []string
			for _, r := range p.Rows {
				keys = append(keys, r.Key)
			}
			return keys, p.NextPageToken
		})
		assert.Len(t, seen, 15, "page_size %d", size)
	}
}
