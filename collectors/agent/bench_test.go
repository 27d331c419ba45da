package agent

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// BenchmarkScrapeParse is one round on a VM: GET a full default node_exporter
// body (testdata, 57 KB, ~500 samples) over loopback HTTP, parse it, keep the
// default families and emit them.
func BenchmarkScrapeParse(b *testing.B) {
	body, err := os.ReadFile("testdata/node_exporter_full.prom")
	require.NoError(b, err)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Write(body)
	}))
	defer srv.Close()
	c := newTestCollector(b)
	tgt := collectors.Target{Kind: Kind, Name: "vm", Address: srv.URL + "/metrics"}
	n := 0
	emit := func(string, float64, ...string) { n++ }
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		n = 0
		if err := c.Collect(context.Background(), tgt, emit); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "samples/round")
}
