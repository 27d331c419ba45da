package device

import (
	_ "embed"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/devicefake"
)

//go:embed testdata/oidsim.py
var oidsimScript []byte

const wlanCommunity = "park-ro"

// wlanAgent is net-snmp's snmpd serving a WLAN controller's tables through a
// pass_persist helper.
type wlanAgent struct {
	*passAgent
	state, vendor string
}

// startWLANAgent starts snmpd with the vendor's rows for aps.
func startWLANAgent(t testing.TB, vendor string, aps []devicefake.AP) *wlanAgent {
	t.Helper()
	dir := t.TempDir()
	a := &wlanAgent{state: filepath.Join(dir, "rows.json"), vendor: vendor}
	a.set(t, aps)
	a.passAgent = startPassAgent(t, dir, passSpec{name: "snmpd-wlan", community: wlanCommunity, script: oidsimScript,
		lines: []string{".1.3.6.1.4.1 " + a.state}, probe: answersUnder(".1.3.6.1.4.1"), what: "the WLAN rows"})
	return a
}

func (a *wlanAgent) set(t testing.TB, aps []devicefake.AP) {
	t.Helper()
	rows, err := devicefake.WLANRows(a.vendor, aps)
	require.NoError(t, err)
	writeState(t, a.state, rows)
}

func acTarget(t testing.TB, profile, addr string, kv ...string) collectors.Target {
	return target("ac-1", profile, addr, append([]string{"version", "2c",
		"community_file", secretFile(t, "community", wlanCommunity)}, kv...)...)
}

var parkAPs = []devicefake.AP{
	{Name: "ap-north-1", Group: "北门广场", Up: true, Clients: 37},
	{Name: "ap-north-2", Group: "北门广场", Up: true, Clients: 12},
	{Name: "ap-isle-1", Group: "湖心岛", Up: false},
}

// TestWLANHuawei: hwWlanApTable walked from snmpd: RunState normal is up,
// the AP group is the zone.
func TestWLANHuawei(t *testing.T) {
	a := startWLANAgent(t, "huawei", parkAPs)
	c := newTestCollector(t)
	rec, err := poll(t, c, acTarget(t, "huawei-wlan-ac", a.addr))
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `wifi_ap_up{ap="ap-north-1",zone="北门广场"}`))
	assert.Equal(t, 0.0, value(t, rec, `wifi_ap_up{ap="ap-isle-1",zone="湖心岛"}`), "RunState fault")
	assert.Equal(t, 37.0, value(t, rec, `wifi_clients{ap="ap-north-1",zone="北门广场"}`))
	assert.Equal(t, 12.0, value(t, rec, `wifi_clients{ap="ap-north-2",zone="北门广场"}`))
	assert.Len(t, rec.Series(), 6)
}

// TestWLANH3C: the status and current-AP tables joined on the AP id; the
// zone from the target's ap_zones; an AP that leaves the tables is reported
// down for keep_missing, then forgotten.
func TestWLANH3C(t *testing.T) {
	a := startWLANAgent(t, "h3c", parkAPs)
	clk := newClock(time.Now())
	c := newTestCollector(t)
	withClock(clk)(c)
	tgt := acTarget(t, "h3c-wlan-ac", a.addr, "ap_zones", "ap-north-1=北门广场,ap-north-2=北门广场,ap-isle-1=湖心岛")
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `wifi_ap_up{ap="ap-north-2",zone="北门广场"}`))
	assert.Equal(t, 0.0, value(t, rec, `wifi_ap_up{ap="ap-isle-1",zone="湖心岛"}`), "status join, not run")
	assert.Equal(t, 37.0, value(t, rec, `wifi_clients{ap="ap-north-1",zone="北门广场"}`))
	_, ok := rec.Value(`wifi_clients{ap="ap-isle-1",zone="湖心岛"}`)
	assert.False(t, ok, "an AP that is not in the current table has no client count")

	gone := append([]devicefake.AP(nil), parkAPs...)
	gone[1].Gone = true
	a.set(t, gone)
	clk.add(time.Hour)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `wifi_ap_up{ap="ap-north-2",zone="北门广场"}`), "gone from the controller: down")

	clk.add(24 * time.Hour)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	_, ok = rec.Value(`wifi_ap_up{ap="ap-north-2",zone="北门广场"}`)
	assert.False(t, ok, "forgotten after keep_missing")
}

// TestWLANRuijie: only online APs are listed; one that drops out is reported
// down, and the controller's offline count is read.
func TestWLANRuijie(t *testing.T) {
	a := startWLANAgent(t, "ruijie", parkAPs)
	c := newTestCollector(t)
	tgt := acTarget(t, "ruijie-wlan-ac", a.addr)
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `wifi_ap_up{ap="ap-north-1",zone="北门广场"}`))
	assert.Equal(t, 1.0, value(t, rec, "device_wifi_offline_aps{}"))
	_, ok := rec.Value(`wifi_ap_up{ap="ap-isle-1",zone="湖心岛"}`)
	assert.False(t, ok, "never seen online: unknown to this profile")

	down := append([]devicefake.AP(nil), parkAPs...)
	down[0].Up = false
	a.set(t, down)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `wifi_ap_up{ap="ap-north-1",zone="北门广场"}`))
	assert.Equal(t, 2.0, value(t, rec, "device_wifi_offline_aps{}"))
}

// TestWLANWrongCommunity: snmpd drops a request with a wrong community; the
// round fails as a timeout by its deadline.
func TestWLANWrongCommunity(t *testing.T) {
	a := startWLANAgent(t, "huawei", parkAPs)
	c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond; c.Interval = 5 * time.Second })
	tgt := target("ac-1", "huawei-wlan-ac", a.addr, "version", "2c", "community_file", secretFile(t, "c", "not-it"))
	start := time.Now()
	_, err := poll(t, c, tgt)
	require.ErrorIs(t, err, ErrTimeout)
	assert.NotContains(t, err.Error(), "not-it")
	assert.Less(t, time.Since(start), 3*time.Second)
}
