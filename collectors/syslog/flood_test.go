package syslog

import (
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFloodDoesNotStallOthers: one source (127.0.0.2) floods over UDP and TCP
// far above its rate; its UDP excess is dropped and counted, its TCP
// connection is paced and loses nothing, and the other source's lines
// (127.0.0.1) arrive at once all the while.
func TestFloodDoesNotStallOthers(t *testing.T) {
	sink := newMemSink()
	const rate, burst, tcpLines, udpLines = 500, 100, 1000, 5000
	r := start(t, Config{UDP: "127.0.0.1:0", TCP: "127.0.0.1:0", RatePerSource: rate, Burst: burst}, sink, nil)
	droppedBefore := counter(`swanwatch_syslog_dropped_total{reason="rate_limit"}`)
	pacedBefore := counter(`swanwatch_syslog_paced_total`)
	flooder := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}
	tc, err := net.DialTCP("tcp", flooder, tcpAddr(t, r.TCPAddr()))
	require.NoError(t, err)
	defer tc.Close()
	uc, err := net.DialUDP("udp", &net.UDPAddr{IP: flooder.IP}, udpAddr(t, r.UDPAddr()))
	require.NoError(t, err)
	defer uc.Close()

	began := time.Now()
	var wg sync.WaitGroup
	wg.Go(func() {
		var b strings.Builder
		for i := range tcpLines {
			fmt.Fprintf(&b, "<13>flood tcp %d\n", i)
		}
		_, err := tc.Write([]byte(b.String()))
		assert.NoError(t, err)
	})
	wg.Go(func() {
		for i := range udpLines {
			_, _ = fmt.Fprintf(uc, "<13>flood udp %d", i)
		}
	})
	// The other source: each of its lines is stored well within a second.
	other, err := net.Dial("tcp", r.TCPAddr())
	require.NoError(t, err)
	defer other.Close()
	for i := range 10 {
		line := fmt.Sprintf("other %d", i)
		sent := time.Now()
		_, err := fmt.Fprintf(other, "<13>%s\n", line)
		require.NoError(t, err)
		require.Eventually(t, func() bool { return hasText(sink, line) }, time.Second, 2*time.Millisecond,
			"the other source's line %d waited behind the flood", i)
		t.Logf("other %d stored after %s", i, time.Since(sent).Round(time.Microsecond))
		time.Sleep(50 * time.Millisecond)
	}
	wg.Wait()
	// All TCP lines arrive, paced at the rate: nothing lost.
	require.Eventually(t, func() bool { return countPrefix(sink, "flood tcp ") == tcpLines }, 15*time.Second, 10*time.Millisecond)
	elapsed := time.Since(began)
	udpKept := countPrefix(sink, "flood udp ")
	// Tokens are shared by the source's UDP and TCP lines.
	assert.LessOrEqual(t, float64(udpKept+tcpLines), burst+rate*elapsed.Seconds()+rate*0.1, "the source kept to its bucket")
	assert.GreaterOrEqual(t, elapsed, time.Duration(float64(tcpLines-burst)/rate*float64(time.Second))*9/10, "the TCP flood was paced")
	assert.Greater(t, counter(`swanwatch_syslog_dropped_total{reason="rate_limit"}`)-droppedBefore, uint64(0), "UDP excess dropped and counted")
	assert.Greater(t, counter(`swanwatch_syslog_paced_total`)-pacedBefore, uint64(0))
	t.Logf("flood: %d TCP lines in %s, %d of %d UDP lines kept", tcpLines, elapsed.Round(time.Millisecond), udpKept, udpLines)
}

func hasText(s *memSink, text string) bool {
	for _, ev := range s.Events() {
		if ev.Text == text {
			return true
		}
	}
	return false
}

func countPrefix(s *memSink, prefix string) int {
	n := 0
	for _, ev := range s.Events() {
		if strings.HasPrefix(ev.Text, prefix) {
			n++
		}
	}
	return n
}

func tcpAddr(t testing.TB, s string) *net.TCPAddr {
	a, err := net.ResolveTCPAddr("tcp", s)
	require.NoError(t, err)
	return a
}

func udpAddr(t testing.TB, s string) *net.UDPAddr {
	a, err := net.ResolveUDPAddr("udp", s)
	require.NoError(t, err)
	return a
}
