package sim

import (
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
)

// request encodes a client request as a manager would send it.
func request(t testing.TB, v gosnmp.SnmpVersion, comm string, typ gosnmp.PDUType, nonRep uint8, maxRep uint32, oids ...string) []byte {
	t.Helper()
	p := &gosnmp.SnmpPacket{Version: v, Community: comm, PDUType: typ, RequestID: 4242,
		NonRepeaters: nonRep, MaxRepetitions: maxRep}
	for _, o := range oids {
		p.Variables = append(p.Variables, gosnmp.SnmpPDU{Name: o, Type: gosnmp.Null})
	}
	b, err := p.MarshalMsg()
	require.NoError(t, err)
	return b
}

// decode parses an agent's answer with gosnmp.
func decode(t testing.TB, b []byte) *gosnmp.SnmpPacket {
	t.Helper()
	p, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c}).SnmpDecodePacket(b)
	require.NoError(t, err)
	return p
}

// testNet builds a small WAN and a device's view without sockets.
func testNet(t testing.TB) (*wanNet, *wanDevice, *deviceMIB) {
	t.Helper()
	n, err := buildWAN(5, 0.1)
	require.NoError(t, err)
	n.faults.init(n, 0, 0)
	d := n.byName["smx-core-01"]
	return n, d, n.buildMIB(d)
}

// FuzzHandle feeds raw datagrams to the agent: it must not panic, and it either
// drops the datagram with an error or answers with a packet gosnmp decodes and
// that respects the size bound.
func FuzzHandle(f *testing.F) {
	n, d, m := testNet(f)
	f.Add(request(f, gosnmp.Version2c, "public", gosnmp.GetRequest, 0, 0, ".1.3.6.1.2.1.1.5.0"))
	f.Add(request(f, gosnmp.Version2c, "public", gosnmp.GetNextRequest, 0, 0, ".1.3.6.1.2.1.2.2.1.10"))
	f.Add(request(f, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, 1, 40, ".1.3.6.1.2.1.1.3", ".1.3.6.1.2.1.31.1.1.1.6"))
	f.Add(request(f, gosnmp.Version1, "public", gosnmp.GetNextRequest, 0, 0, ".1.3.6.1.2.1.31.1.1.1.5.60"))
	f.Add(request(f, gosnmp.Version2c, "private", gosnmp.GetRequest, 0, 0, ".1.3.6.1.2.1.1.5.0"))
	f.Add([]byte{0x30, 0x03, 0x02, 0x01, 0x01})
	const at = 1.79e9
	f.Fuzz(func(t *testing.T, b []byte) {
		out, err := n.handle(d, m, b, at)
		if err != nil {
			require.ErrorIs(t, err, errDrop)
			require.Nil(t, out)
			return
		}
		require.LessOrEqual(t, len(out), maxResponse)
		p := decode(t, out)
		require.Equal(t, gosnmp.GetResponse, p.PDUType)
	})
}
