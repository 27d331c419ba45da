package netprobe

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// cpuTime returns the process's user and system CPU time so far.
func cpuTime(tb testing.TB) (user, sys time.Duration) {
	var ru syscall.Rusage
	require.NoError(tb, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano()), time.Duration(ru.Stime.Nano())
}

// BenchmarkICMPRound is one dual-stack round of 20 echo requests per family
// (40 packets out, 40 replies) against the kernel's own echo replies on
// loopback, so that no user-space emulator shares the process's CPU. Wall
// time is the spacing (here the 10 ms minimum); the figure that matters is
// user-µs/round and sys-µs/round, the process's CPU per round, which bounds how many
// links one core can probe.
func BenchmarkICMPRound(b *testing.B) {
	c := newTestCollector(b, Config{Packets: 20, Spacing: 10 * time.Millisecond, ReplyWait: 500 * time.Millisecond})
	tgt := target("bench", map[string]string{"probe": ProbeICMP, "ipv4": "127.0.0.1", "ipv6": "::1"})
	n := 0
	emit := func(string, float64, ...string) { n++ }
	require.NoError(b, c.Collect(context.Background(), tgt, emit)) // open the sockets outside the timing
	b.ReportAllocs()
	u0, s0 := cpuTime(b)
	for b.Loop() {
		n = 0
		if err := c.Collect(context.Background(), tgt, emit); err != nil {
			b.Fatal(err)
		}
	}
	u1, s1 := cpuTime(b)
	b.ReportMetric(float64((u1-u0).Microseconds())/float64(b.N), "user-µs/round")
	// System time includes the kernel building the loopback echo replies,
	// which a real WAN's hosts do for free.
	b.ReportMetric(float64((s1-s0).Microseconds())/float64(b.N), "sys-µs/round")
	b.ReportMetric(float64(n), "samples/round")
}
