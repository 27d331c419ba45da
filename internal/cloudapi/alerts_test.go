package cloudapi

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func day(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, fixtureNow.Location()) }

// The cloud's incidents: open ones whenever they began, others since; not the network's.
func seedAlerts(t *testing.T, f *fixture) {
	t.Helper()
	// Open since Nov 20 (11 days before now): listed although older than the default 7 days.
	f.fire(t, map[string]string{"alertname": "HostFailure", "severity": "critical", "requirement": "R-A9",
		"host": "esx-01", "cluster": "c1", "instance": "vcenter-1"}, day(20, 9), time.Time{})
	f.fire(t, map[string]string{"alertname": "AgentOffline", "severity": "major", "requirement": "R-A1",
		"kind": "agent", "instance": "vm-c", "system": "政务服务", "dept": "大数据局"}, day(28, 10), day(29, 8))
	// A BMC fault without a requirement label: a cloud kind.
	f.fire(t, map[string]string{"alertname": "DrivePredictedFailure", "severity": "warning", "kind": "bmc",
		"instance": "bmc-07"}, day(27, 1), time.Time{})
	// The network's: never the cloud API's.
	f.fire(t, map[string]string{"alertname": "InterfaceDown", "severity": "major", "requirement": "R-B6",
		"kind": "snmp", "instance": "sw-1"}, day(30, 3), time.Time{})
	// Resolved long ago: only with a longer since.
	f.fire(t, map[string]string{"alertname": "AgentOffline", "severity": "major", "requirement": "R-A1",
		"kind": "agent", "instance": "vm-b", "system": "政务服务"}, day(2, 3), day(2, 4))
}

func alertsOf(t *testing.T, f *fixture, query string) AlertPage {
	t.Helper()
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"alerts"+query)
	require.Equal(t, http.StatusOK, code, "%s", body)
	var p AlertPage
	decode(t, body, &p)
	return p
}

func names(p AlertPage) []string {
	out := []string{}
	for _, a := range p.Alerts {
		out = append(out, a.Alertname+"/"+a.Instance)
	}
	return out
}

func TestAlertsOpenAndRecentOfTheCloud(t *testing.T) {
	f := newFixture(t)
	seedAlerts(t, f)
	p := alertsOf(t, f, "")
	assert.True(t, fixtureNow.Add(-7*24*time.Hour).Equal(p.Since))
	assert.Equal(t, []string{"AgentOffline/vm-c", "DrivePredictedFailure/bmc-07", "HostFailure/vcenter-1"}, names(p),
		"newest first; the network's InterfaceDown and the old resolved one left out")
	a := p.Alerts[0]
	assert.Equal(t, "resolved", a.Status)
	require.NotNil(t, a.ResolvedAt)
	assert.True(t, day(29, 8).Equal(*a.ResolvedAt))
	assert.Equal(t, "R-A1", a.Requirement)
	assert.Equal(t, "政务服务", a.System)
	assert.Equal(t, "摘要 AgentOffline", a.Summary)
	h := p.Alerts[2]
	assert.Equal(t, "open", h.Status)
	assert.Nil(t, h.ResolvedAt)
	assert.Equal(t, "esx-01", h.Labels["host"])

	assert.Len(t, alertsOf(t, f, "?since=30d").Alerts, 4)
	assert.Len(t, alertsOf(t, f, "?since=2026-11-01T00:00:00%2B08:00").Alerts, 4)
	assert.Equal(t, []string{"HostFailure/vcenter-1"}, names(alertsOf(t, f, "?severity=critical")))
	assert.Equal(t, []string{"AgentOffline/vm-c", "AgentOffline/vm-b"}, names(alertsOf(t, f, "?since=30d&system=政务服务")))
}

func TestAlertsAcknowledged(t *testing.T) {
	f := newFixture(t)
	seedAlerts(t, f)
	p := alertsOf(t, f, "?severity=critical")
	require.Len(t, p.Alerts, 1)
	assert.False(t, p.Alerts[0].Acknowledged)
	_, err := f.incidents.Ack(t.Context(), p.Alerts[0].ID, "张三")
	require.NoError(t, err)
	p = alertsOf(t, f, "?severity=critical")
	assert.True(t, p.Alerts[0].Acknowledged)
	assert.NotNil(t, p.Alerts[0].AckedAt)
}

// 60 incidents, some starting at the same millisecond: every page size
// walks each exactly once, in the order newest first.
func TestAlertsPaging(t *testing.T) {
	f := newFixture(t)
	for i := range 60 {
		f.fire(t, map[string]string{"alertname": "AgentOffline", "severity": "major", "requirement": "R-A1",
			"kind": "agent", "instance": fmt.Sprintf("vm-%02d", i)}, day(25, i%7), time.Time{})
	}
	_, router := loadSpec(t)
	for _, size := range []int{1, 7, 59, 60, 500} {
		seen := walk(t, f.api, router, Prefix+"alerts?since=30d", size, func(body []byte) ([]string, string) {
			var p AlertPage
			decode(t, body, &p)
			var ids []string
			for i, a := range p.Alerts {
				ids = append(ids, fmt.Sprint(a.ID))
				if i > 0 {
					prev := p.Alerts[i-1]
					assert.False(t, a.StartedAt.After(prev.StartedAt), "newest first")
				}
			}
			return ids, p.NextPageToken
		})
		assert.Len(t, seen, 60, "page_size %d", size)
	}
}

func TestAlertsRefuses(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	for _, q := range []string{"?severity=fatal", "?since=yesterday", "?since=94d", "?since=1y", "?page_size=0",
		"?limit=10", "?page_token=abc", "?since=2026-11-01"} {
		code, body := call(t, f.api, router, Prefix+"alerts"+q)
		assert.Equal(t, http.StatusBadRequest, code, "%s: %s", q, body)
		assert.Contains(t, string(body), `"code":"invalid_parameter"`)
	}
}
