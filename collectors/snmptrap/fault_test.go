package snmptrap

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Bad packets a real agent does not send: each is dropped with its reason,
// nothing crashes, and a good trap sent afterwards is the only event.
func TestBadPackets(t *testing.T) {
	good := v2cPacket(t, testCommunity, linkDownVars())
	intOID := linkDownVars()
	intOID[1] = gosnmp.SnmpPDU{Name: ".1.3.6.1.6.3.1.1.4.1.0", Type: gosnmp.Integer, Value: 7}
	get := &gosnmp.GoSNMP{Version: gosnmp.Version2c, Community: testCommunity}
	getPkt, err := get.MkSnmpPacket(gosnmp.GetRequest, []gosnmp.SnmpPDU{{Name: ".1.3.6.1.2.1.1.5.0", Type: gosnmp.Null}}, 0, 0).MarshalMsg()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(1, 2))
	cases := []struct {
		name, reason string
		pkts         [][]byte
	}{
		{"random garbage", reasonDecode, randomPackets(rng, 200)},
		{"every truncation of a good trap", reasonDecode, truncations(good)},
		{"trap oid is an integer", reasonDecode, [][]byte{v2cPacket(t, testCommunity, intOID)}},
		{"no varbinds", reasonDecode, [][]byte{v2cPacket(t, testCommunity, nil)}},
		{"oversized garbage", reasonDecode, [][]byte{append([]byte{0x30, 0x83, 0x00, 0xff, 0xff}, make([]byte, 65000)...)}},
		{"get request on the trap port", reasonNotTrap, [][]byte{getPkt}},
		{"v3 engine id too short", reasonUnknownEngine, [][]byte{v3Packet(t, "0x0102", testAuthPass, testPrivPass)}},
		{"v3 truncated", reasonDecode, [][]byte{v3Packet(t, testEngineID, testAuthPass, testPrivPass)[:90]}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := newMemSink()
			o := baseOptions("127.0.0.1:0", sink)
			o.RatePerSource, o.Burst = 1e6, 1e6
			r := startReceiver(t, o)
			before := allDrops()
			reasonBefore := dropCount(tc.reason)
			sendRaw(t, r.Addr(), tc.pkts...)
			sendRaw(t, r.Addr(), good)
			ev := sink.WaitFor(t, 1, 10*time.Second)
			require.Len(t, ev, 1)
			assert.Equal(t, "linkDown", ev[0].Labels["trap"])
			assert.Equal(t, before+uint64(len(tc.pkts)), allDrops(), "every bad packet is counted")
			assert.Equal(t, reasonBefore+uint64(len(tc.pkts)), dropCount(tc.reason), "with reason %s", tc.reason)
		})
	}
}

func allDrops() (n uint64) {
	for _, r := range dropReasons {
		n += dropCount(r)
	}
	return n
}

// randomPackets returns n packets of random bytes and random lengths; half
// start like a BER sequence so that they get past the first check.
func randomPackets(rng *rand.Rand, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		p := make([]byte, 1+rng.IntN(600))
		for j := range p {
			p[j] = byte(rng.Uint32())
		}
		if i%2 == 0 && len(p) > 2 {
			p[0], p[1] = 0x30, byte(len(p)-2)&0x7f
		}
		out[i] = p
	}
	return out
}

// truncations returns every proper prefix of p.
func truncations(p []byte) [][]byte {
	out := make([][]byte, 0, len(p))
	for n := 1; n < len(p); n++ {
		out = append(out, p[:n])
	}
	return out
}

// retype changes the tag of the last element of type from in p (the ifName
// octet string) to an undefined tag.
func retype(t testing.TB, p []byte, from, to byte) []byte {
	t.Helper()
	q := append([]byte(nil), p...)
	for i := len(q) - 1; i >= 0; i-- {
		if q[i] == from && i+1 < len(q) && int(q[i+1]) == len(q)-i-2 {
			q[i] = to
			return q
		}
	}
	t.Fatalf("no element of tag 0x%02x at the end of the packet", from)
	return nil
}

// A v1 trap is accepted and named as RFC 3584 maps it; an unknown trap still
// becomes an event that names its OID and summarises its varbinds.
func TestV1AndUnknownTraps(t *testing.T) {
	sink := newMemSink()
	r := startReceiver(t, baseOptions("127.0.0.1:0", sink))
	v1 := &gosnmp.GoSNMP{Version: gosnmp.Version1, Community: testCommunity}
	pkt := v1.MkSnmpPacket(gosnmp.Trap, []gosnmp.SnmpPDU{
		{Name: ".1.3.6.1.2.1.2.2.1.1.3", Type: gosnmp.Integer, Value: 3}}, 0, 0)
	pkt.SnmpTrap = gosnmp.SnmpTrap{Enterprise: ".1.3.6.1.4.1.2011", AgentAddress: "127.0.0.1", GenericTrap: 2, Timestamp: 500}
	v1Bytes, err := pkt.MarshalMsg()
	require.NoError(t, err)
	unknown := linkDownVars()
	unknown[1].Value = ".1.3.6.1.4.1.99999.1.2"
	sendRaw(t, r.Addr(), v1Bytes, v2cPacket(t, testCommunity, unknown))
	ev := sink.WaitFor(t, 2, 10*time.Second)
	assert.Equal(t, "linkDown", ev[0].Labels["trap"])
	assert.Equal(t, "设备 core-sw-01 接口 ifIndex 3 链路中断 (linkDown)", ev[0].Text)
	assert.Equal(t, "1.3.6.1.4.1.99999.1.2", ev[1].Labels["trap"])
	assert.Equal(t, "warning", ev[1].Labels["severity"])
	assert.Equal(t, "设备 core-sw-01 收到未知告警 1.3.6.1.4.1.99999.1.2："+
		"1.3.6.1.2.1.2.2.1.1.2=2; 1.3.6.1.2.1.31.1.1.1.1.2=GE0/0/1", ev[1].Text)
}

// A varbind of an undefined type does not cost the trap: it is kept empty and
// counted, and the trap still becomes an event.
func TestGarbageVarbindKept(t *testing.T) {
	sink := newMemSink()
	r := startReceiver(t, baseOptions("127.0.0.1:0", sink))
	before := badVarbinds.Get()
	sendRaw(t, r.Addr(), retype(t, v2cPacket(t, testCommunity, linkDownVars()), 0x04, 0x9f))
	ev := sink.WaitFor(t, 1, 10*time.Second)
	assert.Equal(t, "设备 core-sw-01 接口 ifIndex 2 链路中断 (linkDown)", ev[0].Text)
	assert.NotContains(t, ev[0].Labels, "ifname")
	assert.Equal(t, before+1, badVarbinds.Get())
}
