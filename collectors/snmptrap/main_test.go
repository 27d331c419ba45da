package snmptrap

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/secret"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Credentials shared by the tests (the sender side uses the same values).
const (
	testCommunity = "swan-trap"
	testUser      = "opsv3"
	testAuthPass  = "authpass123"
	testPrivPass  = "privpass123"
	testEngineID  = "0x8000000001020304"
)

// memSink is the listeners' shared test sink.
type memSink = collectortest.EventSink

func newMemSink() *memSink { return collectortest.NewEventSink() }

// testInventory resolves the two loopback addresses to devices.
func testInventory(addr netip.Addr) (string, map[string]string, bool) {
	switch addr.String() {
	case "127.0.0.1":
		return "core-sw-01", map[string]string{"district": "湖滨区", "site": "市政务中心", "level": "city"}, true
	case "::1":
		return "core-sw-06", map[string]string{"district": "灵宝市", "site": "灵宝汇聚", "level": "county"}, true
	}
	return "", nil, false
}

func baseOptions(listen string, sink collectors.EventSink) Options {
	return Options{
		Listen: listen, Sink: sink, Resolve: testInventory,
		Communities: []secret.Secret{testCommunity},
		V3Users: []V3User{{Name: testUser, AuthProto: "SHA", AuthPass: testAuthPass,
			PrivProto: "AES", PrivPass: testPrivPass}},
	}
}

// startReceiver runs a receiver until the test ends.
func startReceiver(t testing.TB, o Options) *Receiver {
	t.Helper()
	r, err := New(o)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	return r
}

// dropCount reads the drop counter of one reason; tests compare deltas.
func dropCount(reason string) uint64 {
	return metrics.GetOrCreateCounter(`swanwatch_snmptrap_dropped_total{reason="` + reason + `"}`).Get()
}

// sendRaw writes packets to addr over UDP from a fresh socket.
func sendRaw(t testing.TB, addr string, pkts ...[]byte) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	require.NoError(t, err)
	defer c.Close()
	for _, p := range pkts {
		_, err := c.Write(p)
		require.NoError(t, err)
	}
}

// linkDownVars are the varbinds of an IF-MIB linkDown for ifIndex 2.
func linkDownVars() []gosnmp.SnmpPDU {
	return []gosnmp.SnmpPDU{
		{Name: ".1.3.6.1.2.1.1.3.0", Type: gosnmp.TimeTicks, Value: uint32(12345)},
		{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.ObjectIdentifier, Value: ".1.3.6.1.6.3.1.1.5.3"},
		{Name: ".1.3.6.1.2.1.2.2.1.1.2", Type: gosnmp.Integer, Value: 2},
		{Name: ".1.3.6.1.2.1.31.1.1.1.1.2", Type: gosnmp.OctetString, Value: "GE0/0/1"},
	}
}

// v2cPacket encodes a v2c trap PDU with the given community and varbinds.
func v2cPacket(t testing.TB, community string, vars []gosnmp.SnmpPDU) []byte {
	t.Helper()
	x := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: community}
	b, err := x.MkSnmpPacket(gosnmp.SNMPv2Trap, vars, 0, 0).MarshalMsg()
	require.NoError(t, err)
	return b
}

// v3Sender is a gosnmp trap sender for the test user.
func v3Sender(t testing.TB, addr, engineID, authPass, privPass string) *gosnmp.GoSNMP {
	t.Helper()
	ap := addrPort(t, addr)
	eid, err := decodeHex(strings.TrimPrefix(engineID, "0x")) // any length: tests send bad ones
	require.NoError(t, err)
	x := &gosnmp.GoSNMP{
		Target: ap.Addr().String(), Port: ap.Port(), Transport: "udp", Version: gosnmp.Version3,
		Timeout: time.Second, SecurityModel: gosnmp.UserSecurityModel, MsgFlags: gosnmp.AuthPriv,
		SecurityParameters: &gosnmp.UsmSecurityParameters{UserName: testUser,
			AuthoritativeEngineID: string(eid), AuthenticationProtocol: gosnmp.SHA,
			AuthenticationPassphrase: authPass, PrivacyProtocol: gosnmp.AES, PrivacyPassphrase: privPass},
	}
	require.NoError(t, x.Connect())
	t.Cleanup(func() { x.Conn.Close() })
	return x
}

// capture returns the first datagram that send writes to a scratch socket.
func capture(t testing.TB, send func(addr string)) []byte {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer c.Close()
	send(c.LocalAddr().String())
	require.NoError(t, c.SetReadDeadline(time.Now().Add(2*time.Second)))
	buf := make([]byte, maxPacket)
	n, _, err := c.ReadFrom(buf)
	require.NoError(t, err)
	return buf[:n]
}

// v3Packet captures an authPriv v3 linkDown trap built by gosnmp.
func v3Packet(t testing.TB, engineID, authPass, privPass string) []byte {
	return capture(t, func(addr string) {
		x := v3Sender(t, addr, engineID, authPass, privPass)
		_, err := x.SendTrap(gosnmp.SnmpTrap{Variables: linkDownVars()[1:]})
		require.NoError(t, err)
	})
}

func itoa(i int) string { return strconv.Itoa(i) }

func addrPort(t testing.TB, addr string) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(addr)
	require.NoError(t, err)
	return ap
}
