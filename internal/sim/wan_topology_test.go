package sim

import (
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWANCountsAtScaleOne(t *testing.T) {
	n, err := buildWAN(1, 1)
	require.NoError(t, err)
	ifs, wan, perLevel := 0, 0, map[string]int{}
	for _, d := range n.devs {
		ifs += len(d.ports)
		perLevel[d.Level]++
	}
	groups := map[string]int{}
	for _, l := range n.links {
		if l.WAN {
			wan++
			groups[l.Group]++
		}
	}
	t.Logf("scale 1: %d devices, %d interfaces, %d WAN links", len(n.devs), ifs, wan)
	assert.InDelta(t, 2500, len(n.devs), 250, "devices near the reference estate")
	assert.InDelta(t, 20000, ifs, 2000, "interfaces near the reference estate")
	assert.InDelta(t, 1800, wan, 180, "WAN links near the reference estate")
	assert.Equal(t, map[string]int{"city": 3, "county": 20, "town": 162}, map[string]int{
		"city": perLevel["city"], "county": perLevel["county"], "town": perLevel["town"]})
	assert.Equal(t, 3, groups["internet-exit"], "three carriers in one group")
	for _, d := range districts {
		assert.Equal(t, 2, groups[wanSlug(d)+"-uplink"], "two separate paths for %s", d.Name)
	}
}

func TestWANScalesDown(t *testing.T) {
	small, err := buildWAN(1, 0.1)
	require.NoError(t, err)
	assert.InDelta(t, 450, len(small.devs), 100, "the demo's WAN")
	for _, d := range small.devs {
		if d.Parent != "" {
			require.NotNil(t, small.byName[d.Parent], "parent of %s", d.Name)
		}
		require.True(t, validName(d.Name), d.Name)
	}
}

func TestWANDeterministic(t *testing.T) {
	at := 1.795e9
	a, err := buildWAN(9, 0.2)
	require.NoError(t, err)
	b, err := buildWAN(9, 0.2)
	require.NoError(t, err)
	c, err := buildWAN(10, 0.2)
	require.NoError(t, err)
	for _, n := range []*wanNet{a, b, c} {
		n.faults.init(n, 0, 0)
	}
	req := request(t, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, 0, 30, ".1.3.6.1.2.1.31.1.1.1.6", ".1.0.8802.1.1.2.1.4.1.1.9")
	same, differ := 0, 0
	for i, d := range a.devs {
		ra, err := a.handle(d, a.buildMIB(d), req, at)
		require.NoError(t, err)
		rb, err := b.handle(b.devs[i], b.buildMIB(b.devs[i]), req, at)
		require.NoError(t, err)
		require.Equal(t, ra, rb, d.Name)
		same++
		if i < len(c.devs) {
			if rc, err := c.handle(c.devs[i], c.buildMIB(c.devs[i]), req, at); err != nil || string(rc) != string(ra) {
				differ++
			}
		}
	}
	assert.Greater(t, differ, same/2, "another seed gives other figures")
}

func TestWANInventoryExport(t *testing.T) {
	s := startSim(t, Options{VMs: 10, Seed: 4, WANScale: 0.1})
	c := client(t, 5*time.Second)
	code, body := get(t, c, "http://"+s.Addr()+"/inventory")
	require.Equal(t, http.StatusOK, code)
	var inv Export
	require.NoError(t, json.Unmarshal(body, &inv))
	require.Equal(t, s.Inventory(), inv)
	snmp, hosts := map[string]ExportTarget{}, map[string]bool{}
	for _, tg := range inv.Targets {
		if tg.Kind == "snmp" {
			snmp[tg.Name] = tg
			host, port, err := net.SplitHostPort(tg.Address)
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(host, "127.32."), "own loopback address: %s", tg.Address)
			require.False(t, hosts[host], "one address per device: %s", tg.Address)
			hosts[host] = true
			require.NotEqual(t, "0", port)
			require.Equal(t, map[string]string{"version": "2c", "community": "public"}, tg.Params)
			require.NotEmpty(t, tg.District+tg.Level+tg.Site)
		}
	}
	require.Len(t, snmp, len(s.wan.net.devs))
	require.NotEmpty(t, inv.Links)
	for _, l := range inv.Links {
		a, ok := snmp[l.ADevice]
		require.True(t, ok, "a_device %s is a target", l.ADevice)
		require.NotEmpty(t, l.AInterface)
		if l.ISP == "" {
			require.Contains(t, snmp, l.BDevice)
			require.NotEmpty(t, l.BInterface)
		} else {
			require.Equal(t, "internet-exit", l.Group)
			require.Equal(t, "city", a.Level)
		}
		require.Positive(t, l.Bandwidth)
		require.NotEmpty(t, l.IPv4)
		require.NotEmpty(t, l.IPv6)
		for _, k := range []string{"sim_v4_rtt_seconds", "sim_v6_loss_ratio", "sim_v6_jitter_seconds"} {
			require.Contains(t, l.Params, k)
		}
	}
	without, err := New(Options{VMs: 10, Seed: 4})
	require.NoError(t, err)
	require.Nil(t, without.Inventory().Links, "no WAN unless asked for")
}

func TestWANOptionsRejected(t *testing.T) {
	for name, o := range map[string]Options{
		"negative scale": {WANScale: -1},
		"huge scale":     {WANScale: maxWANScale + 1},
		"bad base port":  {WANScale: 0.1, SNMPBasePort: 70000},
		"ports overflow": {WANScale: 0.1, SNMPBasePort: 65500},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "sim options")
		})
	}
}
