package snmp

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// BenchmarkRound is one device round (system, IF-MIB, LLDP, generic profile)
// against a real snmpd: the test peer with its synthetic interfaces, or the
// agent named by SWANWATCH_SNMP_BENCH_TARGET (host:port, community public),
// which bench/snmp-compare.sh points at a snmpd with 1,000 interfaces.
// Besides ns/op (wall per round) it reports the varbinds and PDUs of a round
// and this process's CPU per 1,000 OIDs.
func BenchmarkRound(b *testing.B) {
	addr := os.Getenv("SWANWATCH_SNMP_BENCH_TARGET")
	if addr == "" {
		addr = testpeer.SNMPD(b).Addr
	}
	c := newTestCollector(b, func(c *Config) { c.Interval, c.RequestTimeout = time.Minute, 5*time.Second })
	tgt := v2Target(b, "bench-sw", addr)
	emit := func(string, float64, ...string) {}
	round := func() roundStats {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
		defer cancel()
		st, err := c.collect(ctx, tgt, emit)
		require.NoError(b, err)
		return st
	}
	round() // learn which 32-bit columns the device makes redundant
	var st roundStats
	cpu0 := cpuTime()
	b.ReportAllocs()
	for b.Loop() {
		st = round()
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(st.oids), "oids/round")
	b.ReportMetric(float64(st.pdus), "pdus/round")
	b.ReportMetric(cpu.Seconds()/float64(b.N)/float64(st.oids)*1000, "cpu-s/1000oids")
}

// cpuTime is the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

var _ collectors.Collector = (*Collector)(nil)
