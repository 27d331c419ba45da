package sim

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestSNMPWalkShapes(t *testing.T) {
	clock := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clock, 0)
	for _, vn := range []string{"huawei", "h3c", "ruijie", "zte", "cisco"} {
		t.Run(vn, func(t *testing.T) {
			names := devicesOf(s, "", vn)
			require.NotEmpty(t, names)
			d := s.wan.net.byName[names[0]]
			g := snmpClient(t, s, d.Name, gosnmp.Version2c)
			pdus := walkAll(t, g)
			var prev []uint32
			for _, p := range pdus {
				o, err := parseOID(p.Name)
				require.NoError(t, err)
				require.Positive(t, compareOID(o, prev), "walk not increasing at %s after %v", p.Name, prev)
				prev = o
			}
			names2 := column(t, g, ".1.3.6.1.2.1.31.1.1.1.1")
			require.Len(t, names2, len(d.ports), "one ifName per interface")
			for i, p := range d.ports {
				assert.Equal(t, p.Name, string(names2[i+1].([]byte)))
			}
			res, err := g.Get([]string{".1.3.6.1.2.1.1.5.0", ".1.3.6.1.2.1.1.2.0", ".1.3.6.1.2.1.1.3.0"})
			require.NoError(t, err)
			assert.Equal(t, d.Name, string(res.Variables[0].Value.([]byte)))
			assert.Contains(t, res.Variables[1].Value.(string), "."+d.vendor.Enter+".")
			assert.Equal(t, gosnmp.TimeTicks, res.Variables[2].Type)
			t.Logf("%s: %d objects in a walk", d.Name, len(pdus))
		})
	}
}

// hcIn reads ifHCInOctets and ifInOctets of port i of a device.
func hcIn(t *testing.T, g *gosnmp.GoSNMP, i int) (uint64, uint32) {
	t.Helper()
	res, err := g.Get([]string{fmt.Sprintf(".1.3.6.1.2.1.31.1.1.1.6.%d", i), fmt.Sprintf(".1.3.6.1.2.1.2.2.1.10.%d", i)})
	require.NoError(t, err)
	require.Equal(t, gosnmp.Counter64, res.Variables[0].Type)
	require.Equal(t, gosnmp.Counter32, res.Variables[1].Type)
	return res.Variables[0].Value.(uint64), uint32(res.Variables[1].Value.(uint))
}

func TestSNMPCountersMove(t *testing.T) {
	clock := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clock, 0)
	n := s.wan.net
	moved := 0
	for _, l := range n.links {
		if !l.WAN || l.Level != "county" {
			continue
		}
		a := n.devs[l.A.dev]
		idx := l.A.port + 1
		g := snmpClient(t, s, a.Name, gosnmp.Version2c)
		if !n.portState(a, &a.ports[l.A.port], n.lastBoot(a, clock.float()), clock.float(), nil).up {
			continue // a natural flap at this instant
		}
		hc1, c1 := hcIn(t, g, idx)
		assert.Equal(t, uint32(hc1), c1, "32-bit counter is the HC counter's low word")
		clock.Add(time.Minute)
		hc2, c2 := hcIn(t, g, idx)
		clock.Add(-time.Minute)
		assert.Equal(t, uint32(hc2), c2)
		rate := float64(hc2-hc1) * 8 / 60
		assert.Greater(t, rate, 1e6, "%s carries traffic on a working morning", l.Name)
		assert.Less(t, rate, l.Bandwidth, "%s within its bandwidth", l.Name)
		moved++
	}
	assert.GreaterOrEqual(t, moved, 15, "county uplinks checked")
}

// lldpOf reads a device's LLDP neighbours as local ifName → "sysname/port".
func lldpOf(t *testing.T, g *gosnmp.GoSNMP, d *wanDevice) map[string]string {
	t.Helper()
	sys, port := map[int]string{}, map[int]string{}
	for col, m := range map[string]map[int]string{"9": sys, "7": port} {
		pdus, err := g.BulkWalkAll(".1.0.8802.1.1.2.1.4.1.1." + col)
		require.NoError(t, err)
		for _, p := range pdus {
			o, err := parseOID(p.Name)
			require.NoError(t, err)
			m[int(o[len(o)-2])] = string(p.Value.([]byte))
		}
	}
	out := map[string]string{}
	for local, s := range sys {
		out[d.ports[local-1].Name] = s + "/" + port[local]
	}
	return out
}

func TestSNMPLLDPMatchesLinks(t *testing.T) {
	clock := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clock, 0)
	n := s.wan.net
	seen := map[string]map[string]string{}
	neighbours := func(name string) map[string]string {
		if seen[name] == nil {
			seen[name] = lldpOf(t, snmpClient(t, s, name, gosnmp.Version2c), n.byName[name])
		}
		return seen[name]
	}
	checked, down := 0, 0
	for _, l := range n.links {
		if !l.WAN || l.B.dev < 0 || checked >= 120 {
			continue
		}
		a, b := n.devs[l.A.dev], n.devs[l.B.dev]
		ap, bp := a.ports[l.A.port], b.ports[l.B.port]
		if !n.portState(a, &ap, n.lastBoot(a, clock.float()), clock.float(), nil).up {
			assert.NotContains(t, neighbours(a.Name), ap.Name, "link %s is down", l.Name)
			down++
			continue
		}
		assert.Equal(t, b.Name+"/"+bp.Name, neighbours(a.Name)[ap.Name], "A end of %s", l.Name)
		assert.Equal(t, a.Name+"/"+ap.Name, neighbours(b.Name)[bp.Name], "B end of %s", l.Name)
		checked++
	}
	assert.Equal(t, 120, checked)
	t.Logf("%d links seen from both ends, %d down at this instant", checked, down)
}

// TestSNMPServesCollectorProfiles walks, on a device of each vendor, every OID
// the SNMP collector's shipped profile for that vendor reads.
func TestSNMPServesCollectorProfiles(t *testing.T) {
	clock := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clock, 0)
	for _, vn := range []string{"huawei", "h3c", "ruijie", "zte", "cisco"} {
		t.Run(vn, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "collectors", "snmp", "profiles", vn+".yaml"))
			require.NoError(t, err)
			var prof struct {
				Metrics []struct {
					ID       string   `yaml:"id"`
					OID      string   `yaml:"oid"`
					DivideBy []string `yaml:"divide_by"`
					LabelOID string   `yaml:"label_oid"`
					Filter   struct {
						OID string `yaml:"oid"`
					} `yaml:"filter"`
				} `yaml:"metrics"`
			}
			require.NoError(t, yaml.Unmarshal(raw, &prof))
			require.NotEmpty(t, prof.Metrics)
			name := devicesOf(s, "", vn)[0]
			for _, n := range devicesOf(s, "", vn) { // one with fibre ports, for the optics
				d := s.wan.net.byName[n]
				if slices.ContainsFunc(d.ports, func(p wanPort) bool { return s.wan.net.fibre(&p) }) {
					name = n
					break
				}
			}
			g := snmpClient(t, s, name, gosnmp.Version2c)
			for _, m := range prof.Metrics {
				for _, oid := range append([]string{m.OID, m.LabelOID, m.Filter.OID}, m.DivideBy...) {
					if oid == "" {
						continue
					}
					pdus, err := g.BulkWalkAll("." + oid)
					require.NoError(t, err)
					assert.NotEmpty(t, pdus, "%s serves %s (%s)", name, oid, m.ID)
				}
			}
		})
	}
}
