package app

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func freeUDP(t *testing.T) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// A trap sent by net-snmp's snmptrap reaches the event store within a second,
// named after the inventory device at its source address.
func TestTrapBecomesAnEventWithTheInventoryName(t *testing.T) {
	port := freeUDP(t)
	cfg := `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
traps: {listen: "127.0.0.1:{{trap}}", communities: [wan-public]}
inventory:
  targets:
    - {name: county-agg-01, kind: link, address: "127.0.0.1", district: 灵宝市, level: county, params: {a_device: x, a_interface: y, bandwidth_bps: "1000000000"}}
`
	s := startServer(t, cfg, map[string]string{"{{trap}}": fmt.Sprint(port)})
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/targets"), "county-agg-01")
	}, 10*time.Second, 50*time.Millisecond, "inventory loaded before the trap")

	sent := time.Now()
	testpeer.SNMPTrap(t).V2c(t, fmt.Sprintf("udp:127.0.0.1:%d", port), "wan-public", "1.3.6.1.6.3.1.1.5.3",
		"1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.31.1.1.1.1.2", "s", "GE0/0/2")
	var body string
	require.Eventually(t, func() bool {
		body = getJSON(t, s, "/api/v1/events?match=%7Bsource%3D%22snmp_trap%22%7D")
		return strings.Contains(body, "county-agg-01")
	}, 2*time.Second, 20*time.Millisecond, "trap event within a second or two")
	t.Logf("trap stored and queryable %s after the send", time.Since(sent).Round(time.Millisecond))
	require.Contains(t, body, "linkDown")
	require.Contains(t, body, "灵宝市")

	// The event rule raised an incident at once, without an evaluation interval…
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/incidents?open=1&alertname=InterfaceDown"), "GE0/0/2")
	}, 2*time.Second, 20*time.Millisecond, "linkDown opens an InterfaceDown incident")
	// …and linkUp on the same interface resolves it.
	testpeer.SNMPTrap(t).V2c(t, fmt.Sprintf("udp:127.0.0.1:%d", port), "wan-public", "1.3.6.1.6.3.1.1.5.4",
		"1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.31.1.1.1.1.2", "s", "GE0/0/2")
	require.Eventually(t, func() bool {
		return !strings.Contains(getJSON(t, s, "/api/v1/incidents?open=1&alertname=InterfaceDown"), "GE0/0/2")
	}, 2*time.Second, 20*time.Millisecond, "linkUp resolves it")
	require.Contains(t, getJSON(t, s, "/api/v1/incidents?alertname=InterfaceDown"), "resolved_at")
}
