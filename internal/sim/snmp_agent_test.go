package sim

import (
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
