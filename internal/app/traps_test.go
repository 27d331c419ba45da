package app

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// startTrapServer starts a server whose config has traps.listen
// "127.0.0.1:{{trap}}": the receiver binds port 0 and the port it got is
// read back from the kernel's socket table (the server reports only its HTTP
// address): the one unconnected 127.0.0.1 UDP socket of this process that
// was not there before the start.
func startTrapServer(t *testing.T, cfg string, vars map[string]string) (*started, int) {
	t.Helper()
	before := boundUDPPorts(t)
	vars["{{trap}}"] = "0"
	s := startServer(t, cfg, vars)
	return s, newTrapPort(t, before)
}

// restartTrapServer runs a stopped server again and returns its receiver's
// new port.
func restartTrapServer(t *testing.T, s *started) int {
	t.Helper()
	before := boundUDPPorts(t)
	s.run(t)
	return newTrapPort(t, before)
}

// newTrapPort is the one listening UDP port that was not in before.
func newTrapPort(t *testing.T, before map[int]bool) int {
	t.Helper()
	var fresh []int
	for p := range boundUDPPorts(t) {
		if !before[p] {
			fresh = append(fresh, p)
		}
	}
	require.Len(t, fresh, 1, "one new listening UDP socket: the trap receiver")
	return fresh[0]
}

// boundUDPPorts returns the ports of this process's unconnected UDP sockets
// on 127.0.0.1 (/proc/self/net/udp, matched to our descriptors by inode).
func boundUDPPorts(t *testing.T) map[int]bool {
	t.Helper()
	ours := map[string]bool{}
	fds, err := os.ReadDir("/proc/self/fd")
	require.NoError(t, err)
	for _, fd := range fds {
		link, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if inode, ok := strings.CutPrefix(link, "socket:["); err == nil && ok {
			ours[strings.TrimSuffix(inode, "]")] = true
		}
	}
	f, err := os.Open("/proc/self/net/udp")
	require.NoError(t, err)
	defer f.Close()
	ports := map[int]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
		fs := strings.Fields(sc.Text())
		if len(fs) < 10 || !ours[fs[9]] || fs[2] != "00000000:0000" {
			continue
		}
		if host, port, ok := strings.Cut(fs[1], ":"); ok && host == "0100007F" {
			p, err := strconv.ParseInt(port, 16, 32)
			require.NoError(t, err)
			ports[int(p)] = true
		}
	}
	require.NoError(t, sc.Err())
	return ports
}

// A trap sent by net-snmp's snmptrap reaches the event store, named after the
// inventory device at its source address, and raises and resolves its
// incident at once.
func TestTrapBecomesAnEventWithTheInventoryName(t *testing.T) {
	cfg := `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
traps: {listen: "127.0.0.1:{{trap}}", communities: [wan-public]}
inventory:
  targets:
    - {name: county-agg-01, kind: link, address: "127.0.0.1", district: 灵宝市, level: county, params: {a_device: x, a_interface: y, bandwidth_bps: "1000000000"}}
`
	s, port := startTrapServer(t, cfg, map[string]string{})
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
	}, 10*time.Second, 20*time.Millisecond, "the trap becomes an event")
	t.Logf("trap stored and queryable %s after the send", time.Since(sent).Round(time.Millisecond))
	require.Contains(t, body, "linkDown")
	require.Contains(t, body, "灵宝市")

	// The event rule raised an incident at once, without an evaluation interval…
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/incidents?open=1&alertname=InterfaceDown"), "GE0/0/2")
	}, 10*time.Second, 20*time.Millisecond, "linkDown opens an InterfaceDown incident")
	// …and linkUp on the same interface resolves it.
	testpeer.SNMPTrap(t).V2c(t, fmt.Sprintf("udp:127.0.0.1:%d", port), "wan-public", "1.3.6.1.6.3.1.1.5.4",
		"1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.31.1.1.1.1.2", "s", "GE0/0/2")
	require.Eventually(t, func() bool {
		return !strings.Contains(getJSON(t, s, "/api/v1/incidents?open=1&alertname=InterfaceDown"), "GE0/0/2")
	}, 10*time.Second, 20*time.Millisecond, "linkUp resolves it")
	require.Contains(t, getJSON(t, s, "/api/v1/incidents?alertname=InterfaceDown"), "resolved_at")
}
