package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// incidentJSON is what the incident list says of one incident.
type incidentJSON struct {
	ID         int64             `json:"id"`
	Alertname  string            `json:"alertname"`
	Labels     map[string]string `json:"labels"`
	FirstFired time.Time         `json:"first_fired"`
	ResolvedAt time.Time         `json:"resolved_at"`
}

// incidents lists the incidents of the query (e.g. "open=1&alertname=X").
func incidents(t *testing.T, s *started, query string) []incidentJSON {
	t.Helper()
	var list struct {
		Data struct {
			Incidents []incidentJSON `json:"incidents"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(getJSON(t, s, "/api/v1/incidents?"+query)), &list))
	return list.Data.Incidents
}

// snmpTargetConfig polls one real snmpd every second, so the test sees the
// first failed round quickly; the rule is the same at 60 s.
const snmpTargetConfig = `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
traps: {listen: "127.0.0.1:{{trap}}", communities: [wan-public]}
collectors:
  snmp: {interval: 1s, request_timeout: 200ms, retries: -1}
inventory:
  targets:
    - {name: ls-agg-01, kind: snmp, address: "{{snmpd}}", district: 卢氏县, level: town,
       params: {version: "2c", community_file: "{{community}}"}}
`

func snmpdVars(t *testing.T, peer *testpeer.SNMPDPeer) map[string]string {
	community := filepath.Join(t.TempDir(), "community")
	require.NoError(t, os.WriteFile(community, []byte(testpeer.SNMPDCommunity+"\n"), 0o600))
	return map[string]string{"{{snmpd}}": peer.Addr, "{{community}}": community}
}

// A device the poll can no longer reach pages at once: the incident starts
// with the first failed round, at most one poll interval (+2 s) after the
// last good one, not after a PromQL `for: 2m`; it is one incident (no PromQL
// twin), and it resolves when the device answers again.
func TestUnreachableSNMPDeviceOpensIncidentWithinOneInterval(t *testing.T) {
	peer := testpeer.SNMPD(t)
	s, _ := startTrapServer(t, snmpTargetConfig, snmpdVars(t, peer))
	const up = `up{instance="ls-agg-01"}`
	require.Eventually(t, func() bool { return lastValue(t, s, up) == 1 }, 30*time.Second, 100*time.Millisecond,
		"the device is polled")

	peer.Stop() // the agent is gone: its port refuses
	var inc []incidentJSON
	require.Eventually(t, func() bool {
		inc = incidents(t, s, "open=1&alertname=SnmpTargetUnreachable")
		return len(inc) == 1
	}, 30*time.Second, 100*time.Millisecond, "the failed round opens the incident")
	lastGood := lastGoodRound(t, s, up)
	gap := inc[0].FirstFired.Sub(lastGood)
	t.Logf("incident starts %s after the last good round", gap)
	assert.Positive(t, gap)
	assert.LessOrEqual(t, gap, time.Second+2*time.Second, "within one poll interval + 2 s of the last good round")
	assert.Equal(t, "卢氏县", inc[0].Labels["district"])
	assert.Equal(t, "snmp", inc[0].Labels["kind"])
	assert.Len(t, incidents(t, s, "alertname=SnmpTargetUnreachable"), 1, "one incident, no PromQL twin")
	assert.Contains(t, getJSON(t, s, "/api/v1/events?match=%7Bsource%3D%22collector%22%7D"), "ls-agg-01",
		"the change is stored as an event too")

	peer.Restart(t)
	require.Eventually(t, func() bool {
		return len(incidents(t, s, "open=1&alertname=SnmpTargetUnreachable")) == 0
	}, 30*time.Second, 100*time.Millisecond, "the round that succeeds again resolves it")
	all := incidents(t, s, "alertname=SnmpTargetUnreachable")
	require.Len(t, all, 1)
	assert.False(t, all[0].ResolvedAt.IsZero())
}

// lastValue is the newest sample of an instant query, or -1.
func lastValue(t *testing.T, s *started, q string) float64 {
	t.Helper()
	res, _, _, err := s.api.Query(context.Background(), q, time.Now())
	if err != nil {
		return -1
	}
	vec, ok := res.(model.Vector)
	if !ok || len(vec) != 1 {
		return -1
	}
	return float64(vec[0].Value)
}

// lastGoodRound is the start of the last round with up 1 before the first 0
// (the Runner stamps a round's samples with its start).
func lastGoodRound(t *testing.T, s *started, up string) time.Time {
	t.Helper()
	res, _, _, err := s.api.Query(context.Background(), up+"[5m]", time.Now())
	require.NoError(t, err)
	m := res.(model.Matrix)
	require.Len(t, m, 1)
	var good time.Time
	for _, p := range m[0].Values {
		if p.Value == 0 {
			break
		}
		good = p.Timestamp.Time()
	}
	require.False(t, good.IsZero(), "a good round before the failure: %v", m[0].Values)
	return good
}

// A trap that names the port only by ifIndex and ifDescr (no ifName) joins
// the polled port: the trap's linkDown and the next poll's are one
// InterfaceDown incident on ifName GE0/0/2, which the poll's linkUp resolves.
func TestTrapByIfDescrJoinsThePolledPort(t *testing.T) {
	peer := testpeer.SNMPD(t)
	s, port := startTrapServer(t, snmpTargetConfig, snmpdVars(t, peer))
	require.Eventually(t, func() bool {
		return lastValue(t, s, `snmp_if_oper_status{instance="ls-agg-01",ifname="GE0/0/2"}`) == 1
	}, 30*time.Second, 100*time.Millisecond, "the port is polled")

	testpeer.SNMPTrap(t).V2c(t, fmt.Sprintf("udp:127.0.0.1:%d", port), "wan-public", "1.3.6.1.6.3.1.1.5.3",
		"1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.2.2.1.2.2", "s", "camera-vlan")
	var inc []incidentJSON
	require.Eventually(t, func() bool {
		inc = incidents(t, s, "open=1&alertname=InterfaceDown")
		return len(inc) == 1
	}, 10*time.Second, 50*time.Millisecond, "the trap opens InterfaceDown")
	assert.Equal(t, "GE0/0/2", inc[0].Labels["ifname"], "named as the poller names the port, not camera-vlan")
	assert.Equal(t, "ls-agg-01", inc[0].Labels["instance"])

	peer.IfSet(t, 2, "oper=2")
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/events?match=%7Bsource%3D%22snmp_poll%22%7D"), "GE0/0/2")
	}, 30*time.Second, 100*time.Millisecond, "the poll sees the port down too")
	assert.Len(t, incidents(t, s, "alertname=InterfaceDown"), 1, "trap and poll are one incident")

	peer.IfSet(t, 2, "oper=1")
	require.Eventually(t, func() bool {
		return len(incidents(t, s, "open=1&alertname=InterfaceDown")) == 0
	}, 30*time.Second, 100*time.Millisecond, "the poll's linkUp resolves the trap's incident")
}
