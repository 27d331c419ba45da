package storage

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"math"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/prompb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
)

// TestMain checks for leaked goroutines once the idle keep-alive connections
// of the peer helpers' default client are closed (they are not ours).
func TestMain(m *testing.M) {
	code := m.Run()
	http.DefaultTransport.(*http.Transport).CloseIdleConnections()
	if code == 0 {
		if err := goleak.Find(); err != nil {
			fmt.Fprintln(os.Stderr, "goleak:", err)
			code = 1
		}
	}
	os.Exit(code)
}

// sample builds a Sample; labels are name/value pairs and get sorted with __name__.
func sample(name string, v float64, kv ...string) collectors.Sample {
	b := labels.NewScratchBuilder(len(kv)/2 + 1)
	b.Add(labels.MetricName, name)
	for i := 0; i+1 < len(kv); i += 2 {
		b.Add(kv[i], kv[i+1])
	}
	b.Sort()
	var ls []collectors.Label
	b.Labels().Range(func(l labels.Label) { ls = append(ls, collectors.Label{Name: l.Name, Value: l.Value}) })
	return collectors.Sample{Labels: ls, Value: v}
}

func openTest(t *testing.T, opts Options) *Storage {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	s, err := Open(opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// readSeries returns the raw (t, v) pairs of the series matching name.
func readSeries(t *testing.T, s *Storage, name string) map[string][]pair {
	t.Helper()
	q, err := s.Queryable().Querier(math.MinInt64, math.MaxInt64)
	require.NoError(t, err)
	defer q.Close()
	set := q.Select(context.Background(), true, nil, labels.MustNewMatcher(labels.MatchEqual, labels.MetricName, name))
	out := map[string][]pair{}
	for set.Next() {
		it := set.At().Iterator(nil)
		key := set.At().Labels().String()
		for it.Next() != 0 {
			ts, v := it.At()
			out[key] = append(out[key], pair{ts, v})
		}
		require.NoError(t, it.Err())
	}
	require.NoError(t, set.Err())
	return out
}

type pair struct {
	t int64
	v float64
}

func TestReopenKeepsData(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	t0 := time.UnixMilli(1_800_000_000_000)
	for i := range 5 {
		err := s.Append(context.Background(), t0.Add(time.Duration(i)*30*time.Second), []collectors.Sample{
			sample("node_load1", float64(i), "instance", "vm-1", "district", "义马市"),
			sample("node_load1", float64(10+i), "instance", "vm-2", "district", "灵宝市"),
		})
		require.NoError(t, err)
	}
	require.NoError(t, s.Close())
	require.ErrorIs(t, s.Append(context.Background(), t0, []collectors.Sample{sample("x", 1)}), errClosed)

	s2 := openTest(t, Options{Dir: dir})
	got := readSeries(t, s2, "node_load1")
	require.Len(t, got, 2)
	vm1 := got[`{__name__="node_load1", district="义马市", instance="vm-1"}`]
	require.Len(t, vm1, 5)
	for i, p := range vm1 {
		assert.Equal(t, t0.Add(time.Duration(i)*30*time.Second).UnixMilli(), p.t)
		assert.Equal(t, float64(i), p.v)
	}
}

func TestStalenessMarkerWritten(t *testing.T) {
	s := openTest(t, Options{})
	t0 := time.UnixMilli(1_800_000_000_000)
	ctx := context.Background()
	require.NoError(t, s.Append(ctx, t0, []collectors.Sample{sample("up", 1, "instance", "vm-1")}))
	require.NoError(t, s.Append(ctx, t0.Add(30*time.Second), []collectors.Sample{sample("up", collectors.StaleNaN, "instance", "vm-1")}))
	got := readSeries(t, s, "up")[`{__name__="up", instance="vm-1"}`]
	require.Len(t, got, 2)
	assert.Equal(t, 1.0, got[0].v)
	assert.True(t, value.IsStaleNaN(got[1].v), "second sample must be the staleness marker, got %v", got[1].v)
}

// toSeries converts a round for remote_write as Append does.
func toSeries(samples []collectors.Sample) []prompb.TimeSeries {
	return roundSeries(1_800_000_000_000, samples, nil)
}

// waitFor bounds the waits for the queue and the receivers: generous, because
// under -race on two busy cores a round trip can take seconds; a wait ends as
// soon as its condition holds.
const (
	waitFor = time.Minute
	tick    = 10 * time.Millisecond
)

func le32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }

func crc32c(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }
