package main

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/demo"
)

// securityStory checks the security story in a running demo, as issue 13's
// "done when" asks: the border firewall's logs arrive over syslog, mapped to
// the device and classed; an outside address's scan (a burst of denies)
// becomes one FirewallDenyBurst incident naming the firewall and the source;
// the 日志检索 search finds the denies; and the month's report shows them in
// 八、安全运营 with the scanner among the top sources.
func securityStory(t *testing.T, d *demoRun) {
	const fw, scanner = "smx-fw-01", "203.0.113.77"
	require.Eventually(t, func() bool { return d.queryValue(t, `up{instance="`+fw+`"}`) == 1 },
		90*time.Second, time.Second, "the border firewall is polled over SNMP")

	var burst storyIncident
	require.Eventually(t, func() bool {
		for _, inc := range d.incidents(t, "alertname=FirewallDenyBurst") {
			burst = inc
			return true
		}
		return false
	}, 150*time.Second, time.Second, "the scan becomes a FirewallDenyBurst incident")
	assert.Equal(t, fw, burst.Labels["instance"])
	assert.Equal(t, scanner, burst.Labels["src_ip"])
	assert.Equal(t, "R-A12", burst.Labels["requirement"])
	assert.Len(t, d.incidents(t, "alertname=FirewallDenyBurst"), 1, "one incident for the scan, not one per line")

	var found struct {
		Data struct {
			Events []struct {
				Labels map[string]string
				Text   string
			}
		}
	}
	q := url.Values{"class": {"fw_deny"}, "instance": {fw}, "q": {scanner}, "limit": {"200"},
		"start": {time.Now().Add(-time.Hour).Format(time.RFC3339)}}
	require.Equal(t, http.StatusOK, d.get(t, "/api/v1/events?"+q.Encode(), &found))
	require.GreaterOrEqual(t, len(found.Data.Events), 100, "the denies are stored and found by the search")
	ev := found.Data.Events[0]
	assert.Equal(t, "syslog", ev.Labels["source"])
	assert.Equal(t, "huawei-usg", ev.Labels["vendor"])
	assert.NotEmpty(t, ev.Labels["district"], "mapped to the inventory's device")

	// The firewall's log flow is in the store the rules read, so that its
	// silence can raise FirewallLogSilent.
	require.Eventually(t, func() bool {
		return d.queryValue(t, `increase(swanwatch_syslog_received_total{instance="`+fw+`"}[5m])`) > 0
	}, 60*time.Second, 2*time.Second, "the firewall's line count is stored")

	month := time.Now().In(cst.Location).Format("2006-01")
	html := d.raw(t, "/api/v1/reports/sla/"+month+"?format=html")
	assert.Contains(t, html, "八、安全运营")
	assert.Contains(t, html, "防火墙拒绝")
	assert.Contains(t, html, scanner, "the scanner among the top sources")
}

// raw GETs path as the duty operator and returns the body.
func (d *demoRun) raw(t *testing.T, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, d.url+path, nil)
	req.SetBasicAuth(demo.Duty, d.password)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, strings.TrimSpace(string(b)))
	return string(b)
}
