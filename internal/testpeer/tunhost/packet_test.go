package tunhost

import (
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

func echoRequest(t testing.TB, v6 bool, id, seq int) []byte {
	var typ icmp.Type = ipv4.ICMPTypeEcho
	if v6 {
		typ = ipv6.ICMPTypeEchoRequest
	}
	src, dst := net.ParseIP("169.254.7.1"), net.ParseIP("169.254.7.2")
	if v6 {
		src, dst = net.ParseIP("fd00:5357::1"), net.ParseIP("fd00:5357::2")
	}
	m := icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("swanwatch!")}}
	var psh []byte
	if v6 {
		psh = icmp.IPv6PseudoHeader(src, dst)
	}
	body, err := m.Marshal(psh)
	require.NoError(t, err)
	if v6 {
		h := make([]byte, ipv6HdrLen)
		h[0], h[4], h[5], h[6], h[7] = 6<<4, byte(len(body)>>8), byte(len(body)), protoICMPv6, 64
		copy(h[8:24], src.To16())
		copy(h[24:40], dst.To16())
		return append(h, body...)
	}
	h := make([]byte, 20)
	h[0], h[2], h[3], h[8], h[9] = 0x45, 0, byte(20+len(body)), 64, protoICMP
	copy(h[12:16], src.To4())
	copy(h[16:20], dst.To4())
	return append(h, body...)
}

func TestMakeReply(t *testing.T) {
	for _, v6 := range []bool{false, true} {
		t.Run(map[bool]string{false: IPv4, true: IPv6}[v6], func(t *testing.T) {
			p := echoRequest(t, v6, 0x1234, 7)
			e, err := makeReply(p)
			require.NoError(t, err)
			assert.Equal(t, Echo{Family: map[bool]string{false: IPv4, true: IPv6}[v6], ID: 0x1234, Seq: 7}, e)
			if v6 {
				// RFC 8200 pseudo-header: addresses, 32-bit length, 3 zeros, next header.
				n := len(p) - ipv6HdrLen
				psh := append(append([]byte(nil), p[8:40]...), 0, 0, byte(n>>8), byte(n), 0, 0, 0, protoICMPv6)
				m, err := icmp.ParseMessage(protoICMPv6, p[ipv6HdrLen:])
				require.NoError(t, err)
				assert.Equal(t, ipv6.ICMPTypeEchoReply, m.Type)
				assert.Equal(t, "fd00:5357::1", net.IP(p[24:40]).String(), "destination is the old source")
				// A correct checksum sums to zero over pseudo-header and message.
				assert.Equal(t, uint16(0), checksum(0, append(psh, p[ipv6HdrLen:]...)))
				return
			}
			assert.Equal(t, uint16(0), checksum(0, p[:20]), "ipv4 header checksum")
			assert.Equal(t, uint16(0), checksum(0, p[20:]), "icmp checksum")
			m, err := icmp.ParseMessage(protoICMP, p[20:])
			require.NoError(t, err)
			assert.Equal(t, ipv4.ICMPTypeEchoReply, m.Type)
			assert.Equal(t, "169.254.7.1", net.IP(p[16:20]).String())
		})
	}
}

func TestMakeReplyRejects(t *testing.T) {
	v4 := echoRequest(t, false, 1, 1)
	v6 := echoRequest(t, true, 1, 1)
	reply := append([]byte(nil), v4...)
	_, err := makeReply(reply)
	require.NoError(t, err)
	cases := map[string][]byte{
		"empty":           {},
		"ip version 5":    {0x50, 0, 0, 0},
		"v4 truncated":    v4[:24],
		"v4 short header": append([]byte{0x44}, v4[1:]...),
		"v6 truncated":    v6[:44],
		"v6 bad length":   append(append([]byte(nil), v6...), 0),
		"v4 echo reply":   reply,
	}
	for name, p := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := makeReply(append([]byte(nil), p...))
			assert.Error(t, err)
		})
	}
}

// FuzzMakeReply: any packet read from the device is rejected or answered, never
// a panic, and an answer is again a well-formed packet of the same length.
func FuzzMakeReply(f *testing.F) {
	f.Add(echoRequest(f, false, 1, 2))
	f.Add(echoRequest(f, true, 3, 4))
	f.Add([]byte{0x4f, 0, 0, 8})
	f.Fuzz(func(t *testing.T, p []byte) {
		n := len(p)
		if _, err := makeReply(p); err != nil {
			return
		}
		require.Len(t, p, n)
	})
}
