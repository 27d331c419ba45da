package sim

import (
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/require"
)

// BenchmarkGetBulk answers GETBULK requests of 25 repetitions over the HC
// counters of a core switch in-process (decode, compute, encode: what one
// socket's goroutine does per datagram); ns/op is per response on one core.
func BenchmarkGetBulk(b *testing.B) {
	n, d, m := testNet(b)
	req := request(b, gosnmp.Version2c, "public", gosnmp.GetBulkRequest, 0, 25,
		".1.3.6.1.2.1.31.1.1.1.6", ".1.3.6.1.2.1.31.1.1.1.10")
	at := 1.79e9
	b.ReportAllocs()
	for b.Loop() {
		at += 0.001
		out, err := n.handle(d, m, req, at)
		require.NoError(b, err)
		if len(out) < 100 {
			b.Fatalf("short answer: %d bytes", len(out))
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "responses/s")
}
