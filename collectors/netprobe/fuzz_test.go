package netprobe

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"github.com/swanwatch/swanwatch/collectors"
)

func echoBytes(t testing.TB, typ icmp.Type, token uint32, seq int) []byte {
	data := make([]byte, payloadLen)
	copy(data, magic)
	binary.BigEndian.PutUint32(data[len(magic):], token)
	b, err := (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: 1, Seq: seq, Data: data}}).Marshal(nil)
	require.NoError(t, err)
	return b
}

func TestParseReply(t *testing.T) {
	tok, seq, err := parseReply(1, echoBytes(t, ipv4.ICMPTypeEchoReply, 0xdeadbeef, 17))
	require.NoError(t, err)
	require.Equal(t, uint32(0xdeadbeef), tok)
	require.Equal(t, 17, seq)
	_, _, err = parseReply(58, echoBytes(t, ipv6.ICMPTypeEchoReply, 5, 1))
	require.NoError(t, err)
	for name, b := range map[string][]byte{
		"echo request":    echoBytes(t, ipv4.ICMPTypeEcho, 1, 1),
		"foreign payload": func() []byte { b := echoBytes(t, ipv4.ICMPTypeEchoReply, 1, 1); b[8] = 'X'; return b }(),
		"short payload":   echoBytes(t, ipv4.ICMPTypeEchoReply, 1, 1)[:14],
		"empty":           {},
	} {
		_, _, err := parseReply(1, b)
		require.Error(t, err, name)
	}
}

// FuzzParseReply: whatever arrives on the ICMP socket, the parser errs or
// returns, never panics.
func FuzzParseReply(f *testing.F) {
	f.Add(1, echoBytes(f, ipv4.ICMPTypeEchoReply, 7, 3))
	f.Add(58, echoBytes(f, ipv6.ICMPTypeEchoReply, 7, 3))
	f.Add(1, []byte{3, 1, 0, 0, 0, 0, 0, 0}) // destination unreachable
	f.Fuzz(func(t *testing.T, proto int, b []byte) {
		if proto != 1 {
			proto = 58
		}
		_, _, _ = parseReply(proto, b)
	})
}

// FuzzParseTarget: any inventory params give a spec or a clear error.
func FuzzParseTarget(f *testing.F) {
	f.Add("icmp", "", "10.0.0.1", "fd00::1", "", "", "")
	f.Add("tcp", "", "10.0.0.1", "", "22", "", "")
	f.Add("http", "https://[::1]:8443/x", "", "", "", "2xx,301", "a(b")
	f.Fuzz(func(t *testing.T, probe, address, v4, v6, port, expect, re string) {
		tgt := collectors.Target{Kind: Kind, Name: "f", Address: address, Params: map[string]string{
			"probe": probe, "ipv4": v4, "ipv6": v6, "port": port, "expect_status": expect, "match_regexp": re}}
		s, err := parseTarget(tgt)
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		if s.probe != ProbeHTTP {
			require.NotEmpty(t, s.dests)
		}
	})
}

// FuzzStatusSet: expect_status never panics and accepts only valid codes.
func FuzzStatusSet(f *testing.F) {
	f.Add("2xx,304")
	f.Add("200, 301")
	f.Fuzz(func(t *testing.T, s string) {
		ss, err := parseStatusSet(s)
		if err != nil {
			return
		}
		for _, c := range ss {
			require.True(t, c >= 1 && c <= 5 || c >= 100 && c <= 599, "%d", c)
		}
	})
}
