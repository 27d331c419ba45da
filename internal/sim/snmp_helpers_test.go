package sim

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
)

// wanSim starts a simulator with a small WAN (and few VMs) on the test clock.
func wanSim(t testing.TB, scale float64, clock *testClock, faultEvery time.Duration) *Sim {
	t.Helper()
	return startSim(t, Options{VMs: 10, Seed: 11, WANScale: scale, Now: clock.Now, FaultEvery: faultEvery})
}

// snmpClient connects gosnmp to a device of s.
func snmpClient(t testing.TB, s *Sim, device string, v gosnmp.SnmpVersion) *gosnmp.GoSNMP {
	t.Helper()
	d := s.wan.net.byName[device]
	require.NotNil(t, d, device)
	host, port, err := net.SplitHostPort(s.wan.addr(d.idx))
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	g := &gosnmp.GoSNMP{Target: host, Port: uint16(p), Community: "public", Version: v,
		Timeout: 2 * time.Second, Retries: 1, MaxRepetitions: 25}
	require.NoError(t, g.Connect())
	t.Cleanup(func() { _ = g.Conn.Close() })
	return g
}

// devicesOf returns the names of devices with the given role and vendor ("" any).
func devicesOf(s *Sim, role, vendorName string) []string {
	var out []string
	for _, d := range s.wan.net.devs {
		if (role == "" || d.Role == role) && (vendorName == "" || d.vendor.Name == vendorName) {
			out = append(out, d.Name)
		}
	}
	return out
}

// column maps ifIndex → value of one IF-MIB column from a walk.
func column(t testing.TB, g *gosnmp.GoSNMP, oid string) map[int]any {
	t.Helper()
	pdus, err := g.BulkWalkAll(oid)
	require.NoError(t, err)
	out := map[int]any{}
	for _, p := range pdus {
		o, err := parseOID(p.Name)
		require.NoError(t, err)
		out[int(o[len(o)-1])] = p.Value
	}
	return out
}

// walkAll walks both subtrees a device serves (iso.0 for LLDP, iso.3 for the rest).
func walkAll(t testing.TB, g *gosnmp.GoSNMP) []gosnmp.SnmpPDU {
	t.Helper()
	a, err := g.BulkWalkAll(".1.0")
	require.NoError(t, err)
	b, err := g.BulkWalkAll(".1.3")
	require.NoError(t, err)
	return append(a, b...)
}
