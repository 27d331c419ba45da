package sim

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// parkSNMP connects gosnmp to a park agent by its inventory row.
func parkSNMP(t testing.TB, r ExportTarget) *gosnmp.GoSNMP {
	t.Helper()
	host, port, err := net.SplitHostPort(r.Address)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	g := &gosnmp.GoSNMP{Target: host, Port: uint16(p), Community: readSecret(t, r.Params["community_file"]),
		Version: gosnmp.Version2c, Timeout: 2 * time.Second, Retries: 1, MaxRepetitions: 25}
	require.NoError(t, g.Connect())
	t.Cleanup(func() { _ = g.Conn.Close() })
	return g
}

// apColumn maps each AP's index (its MAC) to one hwWlanApTable column.
func apColumn(t testing.TB, g *gosnmp.GoSNMP, col int) map[string]any {
	t.Helper()
	prefix := fmt.Sprintf(".1.3.6.1.4.1.2011.6.139.13.3.3.1.%d", col)
	pdus, err := g.BulkWalkAll(prefix)
	require.NoError(t, err)
	out := map[string]any{}
	for _, p := range pdus {
		out[strings.TrimPrefix(p.Name, prefix)] = p.Value
	}
	return out
}

func TestParkWLANController(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-28 12:30:00")) // a Saturday lunchtime
	s := startSim(t, Options{VMs: 2, Seed: 4, Now: clk.Now, Park: &ParkOptions{SecretsDir: t.TempDir()}})
	rows := parkRows(t, s)
	ac := rows[parkAC]
	require.Equal(t, "huawei-wlan-ac", ac.Params["profile"])
	g := parkSNMP(t, ac)
	names := apColumn(t, g, 4)
	require.Len(t, names, 12)

	// net-snmp's snmpwalk, an independent manager, reads the same table.
	bin := testpeer.LookBinary(t, "snmpwalk", "apt-get install snmp, or scripts/install-peers.sh")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "-v2c", "-c", readSecret(t, ac.Params["community_file"]), "-On", "-Oq",
		ac.Address, "1.3.6.1.4.1.2011.6.139.13.3.3.1").CombinedOutput()
	require.NoError(t, err, "%s", out)
	users, states, groups := 0, 0, map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		oid, val, _ := strings.Cut(l, " ")
		switch {
		case strings.HasPrefix(val, "No more variables"): // the table is the end of the AC's MIB view
		case strings.HasPrefix(oid, ".1.3.6.1.4.1.2011.6.139.13.3.3.1.44."):
			n, err := strconv.Atoi(val)
			require.NoError(t, err, l)
			users += n
		case strings.HasPrefix(oid, ".1.3.6.1.4.1.2011.6.139.13.3.3.1.6."):
			assert.Equal(t, "8", val, "AP run state normal: %s", l)
			states++
		case strings.HasPrefix(oid, ".1.3.6.1.4.1.2011.6.139.13.3.3.1.5."):
			groups[strings.Trim(val, `"`)] = true
		}
	}
	assert.Equal(t, 12, states)
	assert.Len(t, groups, len(parkZones), "one AP group per zone")
	inside := s.park.crowd.inside(clk.float())
	assert.Greater(t, float64(users), 0.15*inside, "%d WiFi clients for %.0f visitors inside", users, inside)
	assert.Less(t, float64(users), 0.5*inside+30)

	clk.Set(mustTime(t, "2026-11-29 02:00:00"))
	var night int
	for _, v := range apColumn(t, g, 44) {
		night += v.(int)
	}
	assert.Equal(t, 2*12, night, "at night only the staff's devices")

	require.NoError(t, s.ParkControl("ap", "ap-island-1", "down"))
	down := 0
	for _, v := range apColumn(t, g, 6) {
		if v.(int) == apStateFault {
			down++
		}
	}
	assert.Equal(t, 1, down)
}

func TestParkSwitchPorts(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-28 12:30:00"))
	s := startSim(t, Options{VMs: 2, Seed: 4, Now: clk.Now, Park: &ParkOptions{SecretsDir: t.TempDir()}})
	rows := parkRows(t, s)
	cam := rows[s.DemoCamera()]
	sw := rows[cam.Parent]
	g := parkSNMP(t, sw)
	alias := column(t, g, "1.3.6.1.2.1.31.1.1.1.18")
	port := 0
	for i, a := range alias {
		if string(a.([]byte)) == cam.Name {
			port = i
		}
	}
	require.NotZero(t, port, "no port of %s names %s", cam.Parent, cam.Name)
	oper := func() int { return column(t, g, "1.3.6.1.2.1.2.2.1.8")[port].(int) }
	octets := func() uint64 { return column(t, g, "1.3.6.1.2.1.31.1.1.1.6")[port].(uint64) }
	assert.Equal(t, 1, oper())
	o0 := octets()
	clk.Add(time.Minute)
	assert.InDelta(t, 60*parkCameraRateBs, float64(octets()-o0), 1, "a camera's port carries its stream")
	require.NoError(t, s.ParkControl("camera", cam.Name, "offline"))
	assert.Equal(t, 2, oper(), "the port of an offline camera is down")
	require.NoError(t, s.FixCamera(cam.Name))
	assert.Equal(t, 1, oper())
}

// sipOptions sends one OPTIONS to addr and returns the answer's status code
// (0: none within the timeout).
func sipOptions(t testing.TB, addr string) int {
	t.Helper()
	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer c.Close()
	local := c.LocalAddr().String()
	msg := fmt.Sprintf("OPTIONS sip:pa@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-%d\r\nMax-Forwards: 70\r\n"+
		"From: <sip:probe@%s>;tag=1\r\nTo: <sip:pa@%s>\r\nCall-ID: %d@test\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		addr, local, time.Now().UnixNano(), local, addr, time.Now().UnixNano())
	_, err = c.Write([]byte(msg))
	require.NoError(t, err)
	_ = c.SetReadDeadline(time.Now().Add(700 * time.Millisecond))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return 0
	}
	m, err := sip.ParseMessage(buf[:n])
	require.NoError(t, err)
	res, ok := m.(*sip.Response)
	require.True(t, ok)
	assert.Equal(t, "1 OPTIONS", res.CSeq().Value())
	return res.StatusCode
}

func TestParkBroadcastZones(t *testing.T) {
	s := startPark(t, 2)
	rows := parkRows(t, s)
	for _, b := range parkBroadcast {
		r := rows[b.Name]
		require.Equal(t, "broadcast-sip", r.Params["profile"])
		assert.Equal(t, b.Site, r.Params["zone"])
		assert.Equal(t, 200, sipOptions(t, r.Address), b.Name)
	}
	require.NoError(t, s.ParkControl("pa", "pa-island", "down"))
	assert.Equal(t, 0, sipOptions(t, rows["pa-island"].Address), "a zone that is down answers nothing")
	require.NoError(t, s.ParkControl("pa", "pa-island", "up"))
	assert.Equal(t, 200, sipOptions(t, rows["pa-island"].Address))

	// sipp, an independent SIP peer, runs an OPTIONS scenario: exit 0 when
	// its call got the 200 it expects.
	bin := testpeer.LookBinary(t, "sipp", "apt-get install sip-tester")
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "options.xml"), []byte(sippOptions), 0o644))
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-sf", "options.xml", "-m", "1", "-timeout", "5s", "-nostdin",
		"-i", "127.0.0.1", "-p", strconv.Itoa(freeUDPPort(t)), rows["pa-north"].Address)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "sipp OPTIONS:\n%s", out)
}

// sippOptions is a sipp scenario: one OPTIONS, expecting 200.
const sippOptions = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="options">
  <send>
    <![CDATA[
      OPTIONS sip:pa@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:pa@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 OPTIONS
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
`

// freeUDPPort is a UDP port free a moment ago, for a peer that cannot take 0.
func freeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer c.Close()
	return c.LocalAddr().(*net.UDPAddr).Port
}
