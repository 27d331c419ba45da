package device

import (
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

const fwCommunity = "fw-ro"

// fwRoots are the subtrees the firewall profiles read: the vendors'
// enterprise MIBs, ENTITY-MIB's entPhysicalEntry and VRRP-MIB. Each is one
// pass_persist of oidsim.py with its own rows file, so that a walk ends at
// its subtree's last row.
var fwRoots = []string{".1.3.6.1.4.1", ".1.3.6.1.2.1.47.1.1.1.1", ".1.3.6.1.2.1.68"}

// fwAgent is net-snmp's snmpd serving a firewall's OIDs (fwRows), which the
// test rewrites while snmpd runs.
type fwAgent struct{ *passAgent }

func startFWAgent(t testing.TB, rows []oidRow) *fwAgent {
	t.Helper()
	a := &fwAgent{&passAgent{dir: t.TempDir()}}
	a.set(t, rows)
	var lines []string
	for i, root := range fwRoots {
		lines = append(lines, root+" "+a.rowsFile(i))
	}
	a.passAgent = startPassAgent(t, a.dir, passSpec{name: "snmpd-fw", community: fwCommunity, script: oidsimScript,
		lines: lines, probe: answersUnder(".1.3.6.1.4.1"), what: "the firewall's OIDs"})
	return a
}

func (a *fwAgent) rowsFile(root int) string {
	return filepath.Join(a.dir, fmt.Sprintf("rows%d.json", root))
}

// oidRow is one row of oidsim.py's state.
type oidRow struct {
	OID   string `json:"oid"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// set splits rows by subtree into the helpers' files.
func (a *fwAgent) set(t testing.TB, rows []oidRow) {
	t.Helper()
	for i, root := range fwRoots {
		mine := []oidRow{}
		for _, r := range rows {
			if strings.HasPrefix(r.OID, root+".") {
				mine = append(mine, r)
			}
		}
		writeState(t, a.rowsFile(i), mine)
	}
}

func fwTarget(t testing.TB, name, profile, addr string, kv ...string) collectors.Target {
	tgt := target(name, profile, addr, append([]string{"version", "2c",
		"community_file", secretFile(t, "community", fwCommunity)}, kv...)...)
	tgt.Labels = map[string]string{"district": "市本级", "site": "市电子政务外网中心机房", "role": "firewall"}
	return tgt
}

// fwState is what a firewall reports, in its vendor's raw values.
type fwState struct {
	Sessions []uint64 // per board (USG), per CPU (SecPath); Hillstone: the first only
	CPU      []int    // per board, %
	HA       []int    // vrrpOperState per VRRP group (USG, SecPath); Hillstone: sysHAStatus, the first
	Max      int      // Hillstone: the sessions the system supports
}

// entity rows every Comware/VRP box has besides its boards: the chassis
// (class 3) and a port (class 10), whose CPU column answers 0.
const entChassis, entPort = 16777216, 16777300

// fwRows builds the OIDs a vendor's firewall serves for st (the OIDs of
// the profiles, as the MIBs lay them out).
func fwRows(vendor string, st fwState) []oidRow {
	var rows []oidRow
	add := func(oid, typ string, v any) {
		rows = append(rows, oidRow{OID: "." + oid, Type: typ, Value: fmt.Sprint(v)})
	}
	entities := func(cpuCol string) {
		add(fmt.Sprintf("1.3.6.1.2.1.47.1.1.1.1.5.%d", entChassis), "integer", 3)
		add(fmt.Sprintf("1.3.6.1.2.1.47.1.1.1.1.7.%d", entChassis), "string", "Chassis")
		add(fmt.Sprintf("%s.%d", cpuCol, entChassis), "integer", 0)
		for i, cpu := range st.CPU {
			idx := entChassis + 1 + i
			add(fmt.Sprintf("1.3.6.1.2.1.47.1.1.1.1.5.%d", idx), "integer", 9)
			add(fmt.Sprintf("1.3.6.1.2.1.47.1.1.1.1.7.%d", idx), "string", fmt.Sprintf("SPU %d", i+1))
			add(fmt.Sprintf("%s.%d", cpuCol, idx), "integer", cpu)
		}
		add(fmt.Sprintf("1.3.6.1.2.1.47.1.1.1.1.5.%d", entPort), "integer", 10)
		add(fmt.Sprintf("1.3.6.1.2.1.47.1.1.1.1.7.%d", entPort), "string", "GigabitEthernet1/0/1")
		add(fmt.Sprintf("%s.%d", cpuCol, entPort), "integer", 0)
	}
	vrrp := func() {
		for i, s := range st.HA { // ifIndex 7 and 8, VRID 1 and 2
			add(fmt.Sprintf("1.3.6.1.2.1.68.1.3.1.3.%d.%d", 7+i, 1+i), "integer", s)
		}
	}
	switch vendor {
	case "huawei":
		for i, n := range st.Sessions {
			add(fmt.Sprintf("1.3.6.1.4.1.2011.6.122.15.1.2.1.4.%d", i+1), "counter64", n)
		}
		entities("1.3.6.1.4.1.2011.5.25.31.1.1.1.1.5")
		vrrp()
	case "h3c":
		for i, n := range st.Sessions { // chassis 0, slot i+1, cpu 0
			add(fmt.Sprintf("1.3.6.1.4.1.25506.2.149.1.1.1.4.0.%d.0", i+1), "gauge", n)
		}
		entities("1.3.6.1.4.1.25506.2.6.1.1.1.1.6")
		vrrp()
	case "hillstone":
		add("1.3.6.1.4.1.28557.2.2.1.3.0", "integer", st.CPU[0])
		add("1.3.6.1.4.1.28557.2.2.1.6.0", "integer", st.Max)
		add("1.3.6.1.4.1.28557.2.2.1.7.0", "integer", st.Sessions[0])
		add("1.3.6.1.4.1.28557.2.2.1.8.0", "integer", st.HA[0])
	}
	return rows
}

// TestFirewallProfiles: each vendor's profile read from snmpd, active, then
// standby after a failover, then faulty; every series of each round is
// checked, so a board without a CPU, a unit or a group read wrong shows.
func TestFirewallProfiles(t *testing.T) {
	type round struct {
		name string
		st   fwState
		want map[string]float64
	}
	tests := []struct {
		vendor, profile string
		kv              []string
		rounds          []round
	}{
		{"huawei", "firewall-huawei-usg", []string{"session_capacity", "6000000"}, []round{
			{"active", fwState{Sessions: []uint64{812345, 790001}, CPU: []int{37, 41}, HA: []int{3, 3}}, map[string]float64{
				`device_fw_sessions{unit="1"}`: 812345, `device_fw_sessions{unit="2"}`: 790001,
				`device_fw_session_capacity{}`:        6e6,
				`device_fw_cpu_ratio{entity="SPU 1"}`: 0.37, `device_fw_cpu_ratio{entity="SPU 2"}`: 0.41,
				`device_fw_ha_state{vrrp="7.1"}`: 1, `device_fw_ha_state{vrrp="8.2"}`: 1}},
			{"standby after failover", fwState{Sessions: []uint64{0, 0}, CPU: []int{4, 5}, HA: []int{2, 2}}, map[string]float64{
				`device_fw_sessions{unit="1"}`: 0, `device_fw_sessions{unit="2"}`: 0,
				`device_fw_session_capacity{}`:        6e6,
				`device_fw_cpu_ratio{entity="SPU 1"}`: 0.04, `device_fw_cpu_ratio{entity="SPU 2"}`: 0.05,
				`device_fw_ha_state{vrrp="7.1"}`: 2, `device_fw_ha_state{vrrp="8.2"}`: 2}},
			{"one group down", fwState{Sessions: []uint64{5, 5}, CPU: []int{4, 5}, HA: []int{2, 1}}, map[string]float64{
				`device_fw_sessions{unit="1"}`: 5, `device_fw_sessions{unit="2"}`: 5,
				`device_fw_session_capacity{}`:        6e6,
				`device_fw_cpu_ratio{entity="SPU 1"}`: 0.04, `device_fw_cpu_ratio{entity="SPU 2"}`: 0.05,
				`device_fw_ha_state{vrrp="7.1"}`: 2, `device_fw_ha_state{vrrp="8.2"}`: 0}},
		}},
		{"h3c", "firewall-h3c-secpath", nil, []round{
			{"active", fwState{Sessions: []uint64{120000}, CPU: []int{92}, HA: []int{3}}, map[string]float64{
				`device_fw_sessions{unit="0.1.0"}`: 120000, `device_fw_session_capacity{}`: 1e6,
				`device_fw_cpu_ratio{entity="SPU 1"}`: 0.92, `device_fw_ha_state{vrrp="7.1"}`: 1}},
			{"initialize", fwState{Sessions: []uint64{0}, CPU: []int{1}, HA: []int{1}}, map[string]float64{
				`device_fw_sessions{unit="0.1.0"}`: 0, `device_fw_session_capacity{}`: 1e6,
				`device_fw_cpu_ratio{entity="SPU 1"}`: 0.01, `device_fw_ha_state{vrrp="7.1"}`: 0}},
		}},
		{"hillstone", "firewall-hillstone", nil, []round{
			{"master", fwState{Sessions: []uint64{1500000}, CPU: []int{63}, HA: []int{4}, Max: 2000000}, map[string]float64{
				`device_fw_sessions{}`: 1.5e6, `device_fw_session_capacity{}`: 2e6,
				`device_fw_cpu_ratio{}`: 0.63, `device_fw_ha_state{}`: 1}},
			{"backup", fwState{Sessions: []uint64{0}, CPU: []int{3}, HA: []int{3}, Max: 2000000}, map[string]float64{
				`device_fw_sessions{}`: 0, `device_fw_session_capacity{}`: 2e6,
				`device_fw_cpu_ratio{}`: 0.03, `device_fw_ha_state{}`: 2}},
			{"hello: the pair has not formed", fwState{Sessions: []uint64{10}, CPU: []int{3}, HA: []int{2}, Max: 2000000}, map[string]float64{
				`device_fw_sessions{}`: 10, `device_fw_session_capacity{}`: 2e6,
				`device_fw_cpu_ratio{}`: 0.03, `device_fw_ha_state{}`: 0}},
			{"standalone: no HA series", fwState{Sessions: []uint64{10}, CPU: []int{3}, HA: []int{0}, Max: 2000000}, map[string]float64{
				`device_fw_sessions{}`: 10, `device_fw_session_capacity{}`: 2e6, `device_fw_cpu_ratio{}`: 0.03}},
		}},
	}
	c := newTestCollector(t)
	for _, tc := range tests {
		t.Run(tc.vendor, func(t *testing.T) {
			a := startFWAgent(t, fwRows(tc.vendor, tc.rounds[0].st))
			tgt := fwTarget(t, "border-fw-01", tc.profile, a.addr, tc.kv...)
			require.NoError(t, c.ValidateTarget(tgt))
			for _, r := range tc.rounds {
				a.set(t, fwRows(tc.vendor, r.st))
				rec, err := poll(t, c, tgt)
				require.NoError(t, err, r.name)
				got := recorded(t, rec)
				assert.Len(t, got, len(r.want), r.name)
				assert.InDeltaMapValues(t, r.want, got, 1e-9, r.name)
				assert.Empty(t, rec.Problems(), r.name)
			}
		})
	}
}

// TestFirewallWithoutVRRP: a USG in hot standby over routing has no VRRP
// group: the round succeeds without an HA series (no HA alert can be raised
// for it, nor a false one).
func TestFirewallWithoutVRRP(t *testing.T) {
	a := startFWAgent(t, fwRows("huawei", fwState{Sessions: []uint64{7}, CPU: []int{9}}))
	c := newTestCollector(t)
	rec, err := poll(t, c, fwTarget(t, "border-fw-02", "firewall-huawei-usg", a.addr))
	require.NoError(t, err)
	assert.Equal(t, map[string]float64{`device_fw_sessions{unit="1"}`: 7, `device_fw_session_capacity{}`: 1e6,
		`device_fw_cpu_ratio{entity="SPU 1"}`: 0.09}, recorded(t, rec), "the profile's default capacity")
}

// TestContractFirewall runs the collector contract suite on the Hillstone
// profile against snmpd; the silent peer is a UDP socket that never answers.
func TestContractFirewall(t *testing.T) {
	a := startFWAgent(t, fwRows("hillstone", fwState{Sessions: []uint64{10}, CPU: []int{3}, HA: []int{4}, Max: 100}))
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t) },
		Target: func(t *testing.T) collectors.Target {
			n++
			return fwTarget(t, fmt.Sprintf("fw-%02d", n), "firewall-hillstone", a.addr)
		},
		Silent: func(t *testing.T) collectors.Target {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { pc.Close() })
			return fwTarget(t, "fw-silent", "firewall-hillstone", pc.LocalAddr().String())
		},
	})
}
