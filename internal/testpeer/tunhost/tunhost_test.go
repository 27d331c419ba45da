package tunhost

import (
	"net"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
)

// ping sends one echo request over a raw socket and returns the RTT, or false
// when no reply came within wait.
func ping(t *testing.T, c *icmp.PacketConn, v6 bool, dst net.IP, seq int, wait time.Duration) (time.Duration, bool) {
	var typ icmp.Type = ipv4.ICMPTypeEcho
	proto := protoICMP
	if v6 {
		typ, proto = ipv6.ICMPTypeEchoRequest, protoICMPv6
	}
	id := os.Getpid() & 0xffff
	b, err := (&icmp.Message{Type: typ, Body: &icmp.Echo{ID: id, Seq: seq, Data: []byte("tunhost-test")}}).Marshal(nil)
	require.NoError(t, err)
	start := time.Now()
	_, err = c.WriteTo(b, &net.IPAddr{IP: dst})
	require.NoError(t, err)
	buf := make([]byte, 1500)
	for {
		require.NoError(t, c.SetReadDeadline(start.Add(wait)))
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return 0, false
		}
		m, err := icmp.ParseMessage(proto, buf[:n])
		if err != nil || from.String() != dst.String() {
			continue
		}
		if e, ok := m.Body.(*icmp.Echo); ok && e.ID == id && e.Seq == seq && m.Type != typ {
			return time.Since(start), true
		}
	}
}

func TestHostAppliesRecordedImpairments(t *testing.T) {
	h := Start(t, Options{V4Delay: 30 * time.Millisecond, V4Jitter: 5 * time.Millisecond, V4Loss: 0.2,
		V6Delay: 10 * time.Millisecond, V6Loss: 0, Seed: 42})
	for _, fam := range []struct {
		name, network, laddr string
		v6                   bool
		dst                  net.IP
	}{
		{IPv4, "ip4:icmp", h.Local4().String(), false, net.IP(h.Addr4().AsSlice())},
		{IPv6, "ip6:ipv6-icmp", h.Local6().String(), true, net.IP(h.Addr6().AsSlice())},
	} {
		t.Run(fam.name, func(t *testing.T) {
			c, err := icmp.ListenPacket(fam.network, fam.laddr)
			require.NoError(t, err)
			defer c.Close()
			// A run whose figures miss the record is measured again, up to
			// three times, with new sequence numbers: an emulator that
			// delays or drops wrong misses every time, while a busy 2-core
			// machine under -race that holds one reply back misses once.
			const n = 30
			for attempt := 0; ; attempt++ {
				base := attempt * n
				rtts := map[uint16]time.Duration{}
				for seq := base; seq < base+n; seq++ {
					if rtt, ok := ping(t, c, fam.v6, fam.dst, seq, 300*time.Millisecond); ok {
						rtts[uint16(seq)] = rtt
					}
				}
				soft := &softT{}
				if checkAgainstRecord(soft, h.Record(), fam.name, rtts, base, n) || attempt == 2 {
					checkAgainstRecord(t, h.Record(), fam.name, rtts, base, n)
					return
				}
				t.Logf("attempt %d missed the record; measuring again", attempt+1)
			}
		})
	}
}

// softT notes failures without failing the test, to judge one attempt.
type softT struct{}

func (softT) Errorf(string, ...any) {}

// checkAgainstRecord: every reply of requests base…base+n-1 matches a
// recorded delay (RTT a little above it), every missing reply a recorded
// drop. It reports whether all held.
func checkAgainstRecord(t assert.TestingT, rec []Event, family string, rtts map[uint16]time.Duration, base, n int) bool {
	var events []Event
	for _, e := range rec {
		if e.Family == family && e.ID == uint16(os.Getpid()&0xffff) && int(e.Seq) >= base && int(e.Seq) < base+n {
			events = append(events, e)
		}
	}
	ok := assert.Len(t, events, n, "one event per request")
	drops := 0
	for _, e := range events {
		rtt, got := rtts[e.Seq]
		if e.Dropped {
			drops++
			ok = assert.False(t, got, "seq %d dropped yet answered", e.Seq) && ok
			continue
		}
		if !assert.True(t, got, "seq %d answered after %s yet no reply", e.Seq, e.Delay) {
			ok = false
			continue
		}
		ok = assert.GreaterOrEqual(t, rtt, e.Delay) && ok
		ok = assert.Less(t, rtt, e.Delay+20*time.Millisecond, "seq %d: rtt %s, delay %s", e.Seq, rtt, e.Delay) && ok
	}
	if family == IPv4 {
		ok = assert.Positive(t, drops, "20%% loss over %d requests", n) && ok
	} else {
		ok = assert.Zero(t, drops) && ok
	}
	return ok
}

func TestHostBlackHole(t *testing.T) {
	h := Start(t, Options{Seed: 1})
	c, err := icmp.ListenPacket("ip4:icmp", h.Local4().String())
	require.NoError(t, err)
	defer c.Close()
	dst := net.IP(h.Addr4().AsSlice())
	_, ok := ping(t, c, false, dst, 1, time.Second)
	require.True(t, ok, "answers before the black hole")
	h.SetBlackHole(true)
	_, ok = ping(t, c, false, dst, 2, 300*time.Millisecond)
	assert.False(t, ok, "no answer in black-hole mode")
	rec := h.Record()
	require.Len(t, rec, 2)
	assert.True(t, rec[1].Dropped)
}

func TestHostDeviceRemovedAtCleanup(t *testing.T) {
	var dev string
	t.Run("host", func(t *testing.T) {
		dev = Start(t, Options{}).Device()
		_, err := net.InterfaceByName(dev)
		require.NoError(t, err)
	})
	_, err := net.InterfaceByName(dev)
	assert.Error(t, err, "device %s still present after cleanup", dev)
}

func TestNetnsTCPAndLinkDown(t *testing.T) {
	ns := Netns(t)
	l := ns.Listen(t, "tcp", net.JoinHostPort(ns.Remote4.String(), "0"))
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	c, err := net.DialTimeout("tcp", l.Addr().String(), 2*time.Second)
	require.NoError(t, err, "dial the listener in the namespace")
	c.Close()
	_, err = net.DialTimeout("tcp", net.JoinHostPort(ns.Remote4.String(), "1"), 2*time.Second)
	assert.ErrorContains(t, err, "refused", "a closed port in the namespace refuses")
	ns.SetLinkDown(t, true)
	_, err = net.DialTimeout("tcp", l.Addr().String(), 300*time.Millisecond)
	assert.Error(t, err, "link down: no answer")
	_, err = net.InterfaceByName(ns.nsIf)
	assert.Error(t, err, "the namespace's end is not in this namespace")
}
