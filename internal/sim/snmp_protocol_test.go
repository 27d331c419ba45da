package sim

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func TestSNMPProtocol(t *testing.T) {
	n, d, m := testNet(t)
	const at = 1.7955e9
	hc := ".1.3.6.1.2.1.31.1.1.1.6.5"
	for _, tc := range []struct {
		name    string
		req     []byte
		drop    bool
		errStat gosnmp.SNMPError
		check   func(t *testing.T, p *gosnmp.SnmpPacket)
	}{
		{name: "wrong community", req: request(t, gosnmp.Version2c, "private", gosnmp.GetRequest, 0, 0, hc), drop: true},
		{name: "v1 getbulk", req: request(t, gosnmp.Version1, "public", gosnmp.GetBulkRequest, 0, 10, hc), drop: true},
		{name: "set", req: request(t, gosnmp.Version2c, "public", gosnmp.SetRequest, 0, 0, hc), drop: true},
		{name: "v1 get of a Counter64", req: request(t, gosnmp.Version1, "public", gosnmp.GetRequest, 0, 0, ".1.3.6.1.2.1.1.5.0", hc),
			errStat: gosnmp.NoSuchName, check: func(t *testing.T, p *gosnmp.SnmpPacket) { assert.Equal(t, uint8(2), p.ErrorIndex) }},
		{name: "v1 getnext skips Counter64", req: request(t, gosnmp.Version1, "public", gosnmp.GetNextRequest, 0, 0, ".1.3.6.1.2.1.31.1.1.1.5.9999"),
			check: func(t *testing.T, p *gosnmp.SnmpPacket) {
				assert.True(t, strings.HasPrefix(p.Variables[0].Name, ".1.3.6.1.2.1.31.1.1.1.14."), p.Variables[0].Name)
			}},
		{name: "v2c missing objects", req: request(t, gosnmp.Version2c, "public", gosnmp.GetRequest, 0, 0, ".1.3.6.1.2.1.2.2.1.10.999", ".1.3.6.1.2.1.88.1.0"),
			check: func(t *testing.T, p *gosnmp.SnmpPacket) {
				assert.Equal(t, gosnmp.NoSuchInstance, p.Variables[0].Type)
				assert.Equal(t, gosnmp.NoSuchObject, p.Variables[1].Type)
			}},
		{name: "end of view", req: request(t, gosnmp.Version2c, "public", gosnmp.GetNextRequest, 0, 0, ".2.0"),
			check: func(t *testing.T, p *gosnmp.SnmpPacket) { assert.Equal(t, gosnmp.EndOfMibView, p.Variables[0].Type) }},
		{name: "bulk bounded by size", req: request(t, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, 0, 500, ".1.3.6.1.2.1.2.2.1.2", ".1.3.6.1.2.1.31.1.1.1.18"),
			check: func(t *testing.T, p *gosnmp.SnmpPacket) {
				assert.Greater(t, len(p.Variables), 20, "filled up to the bound")
				assert.Less(t, len(p.Variables), 1000, "not 2 × 500 varbinds")
			}},
		{name: "bulk with non-repeaters", req: request(t, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, 1, 3, ".1.3.6.1.2.1.1.3", ".1.3.6.1.2.1.2.2.1.8"),
			check: func(t *testing.T, p *gosnmp.SnmpPacket) {
				require.Len(t, p.Variables, 4)
				assert.Equal(t, ".1.3.6.1.2.1.1.3.0", p.Variables[0].Name)
				assert.Equal(t, ".1.3.6.1.2.1.2.2.1.8.3", p.Variables[3].Name)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := n.handle(d, m, tc.req, at)
			if tc.drop {
				require.ErrorIs(t, err, errDrop)
				require.NotContains(t, err.Error(), "private", "a community is never echoed")
				return
			}
			require.NoError(t, err)
			require.LessOrEqual(t, len(out), maxResponse, "response size bound")
			p := decode(t, out)
			assert.Equal(t, uint32(4242), p.RequestID)
			assert.Equal(t, tc.errStat, p.Error)
			if tc.check != nil {
				tc.check(t, p)
			}
		})
	}
}

func TestSNMPDropsAreCounted(t *testing.T) {
	n, d, m := testNet(t)
	before := dropCommun.Get()
	_, err := n.handle(d, m, request(t, gosnmp.Version2c, "secret", gosnmp.GetRequest, 0, 0, ".1.3.6.1.2.1.1.5.0"), 1.7955e9)
	require.ErrorIs(t, err, errDrop)
	assert.Equal(t, before+1, dropCommun.Get())
	before = dropDecode.Get()
	_, err = n.handle(d, m, []byte{0x30, 0x82, 0xff}, 1.7955e9)
	require.ErrorIs(t, err, errDrop)
	assert.Equal(t, before+1, dropDecode.Get())
}

// TestNetSNMPBulkWalk walks a simulated device with net-snmp's own snmpbulkwalk:
// it must end cleanly (exit 0, no "OID not increasing", endOfMibView after the
// last object) and see what gosnmp sees.
func TestNetSNMPBulkWalk(t *testing.T) {
	bin := testpeer.LookBinary(t, "snmpbulkwalk", "apt-get install snmp")
	clock := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := wanSim(t, 0.1, clock, 0)
	for _, name := range []string{"smx-core-01", devicesOf(s, roleVillage, "zte")[0], devicesOf(s, roleTown, "ruijie")[0]} {
		t.Run(name, func(t *testing.T) {
			addr := s.wan.addr(s.wan.net.byName[name].idx)
			for _, root := range []string{".1.0", ".1.3"} {
				cmd := exec.Command(bin, "-v2c", "-c", "public", "-On", "-M", "/dev/null", "-m", "", "-Cr25", "-t", "2", "-r", "1", addr, root)
				cmd.Env = append(cmd.Environ(), "SNMP_PERSISTENT_DIR="+t.TempDir())
				out, err := cmd.CombinedOutput()
				require.NoError(t, err, "%s", out)
				text := string(out)
				require.NotContains(t, text, "OID not increasing")
				require.NotContains(t, text, "Timeout")
				lines, last := 0, "" // a multi-line sysDescr spans lines: count the ones that start an object
				for l := range strings.Lines(text) {
					if strings.HasPrefix(l, root+".") {
						lines, last = lines+1, l
					}
				}
				if root == ".1.3" { // the last subtree ends at the end of the view
					require.Contains(t, last, "No more variables left in this MIB View")
					lines--
				}
				g := snmpClient(t, s, name, gosnmp.Version2c)
				pdus, err := g.BulkWalkAll(root)
				require.NoError(t, err)
				assert.Equal(t, len(pdus), lines, "snmpbulkwalk and gosnmp see the same objects under %s", root)
			}
		})
	}
}
