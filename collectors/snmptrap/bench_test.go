package snmptrap

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkDecodeEvent measures one trap from raw bytes to its event: header
// check, gosnmp decode (v3: HMAC and AES), profile, inventory lookup, text.
func BenchmarkDecodeEvent(b *testing.B) {
	cases := []struct {
		name string
		pkt  []byte
	}{
		{"v2c linkDown", v2cPacket(b, testCommunity, linkDownVars())},
		{"v3 authPriv linkDown", v3Packet(b, testEngineID, testAuthPass, testPrivPass)},
	}
	d, err := newDecoder(baseOptions("127.0.0.1:0", newMemSink()).withDefaults(), time.Now())
	require.NoError(b, err)
	profiles, err := compileProfiles(nil)
	require.NoError(b, err)
	src := netip.MustParseAddr("127.0.0.1")
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.pkt)))
			for b.Loop() {
				tr, _, err := d.decode(tc.pkt, time.Now())
				if err != nil {
					b.Fatal(err)
				}
				tr.Source = src
				p, known := classify(&tr, profiles)
				resolve(&tr, testInventory)
				if ev := toEvent(&tr, p, known); ev.Text == "" {
					b.Fatal("no text")
				}
			}
		})
	}
}

// BenchmarkRateLimitedDrop is the cost of one packet of a flooding source: the
// limiter refuses it before any decoding.
func BenchmarkRateLimitedDrop(b *testing.B) {
	r, err := New(baseOptions("127.0.0.1:0", newMemSink()))
	require.NoError(b, err)
	defer r.Close()
	src := netip.MustParseAddrPort("192.0.2.66:161")
	pkt := v2cPacket(b, testCommunity, linkDownVars())
	for range 300 { // spend the burst (and fill part of the queue, never drained here)
		r.handle(pkt, src)
	}
	b.ReportAllocs()
	for b.Loop() {
		r.handle(pkt, src)
	}
}
