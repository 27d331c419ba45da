package storage

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// vmExport reads every sample of the series matching match from VictoriaMetrics,
// keyed by metric name + instance + seq labels.
func vmExport(t *testing.T, base, match string) map[string]map[int64]float64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, testpeer.VMForceFlush(ctx, base))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/export?"+url.Values{"match[]": {match}}.Encode(), nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	out := map[string]map[int64]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var line struct {
			Metric     map[string]string `json:"metric"`
			Values     []float64         `json:"values"`
			Timestamps []int64           `json:"timestamps"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &line))
		key := line.Metric["__name__"] + "/" + line.Metric["instance"] + "/" + line.Metric["district"]
		if out[key] == nil {
			out[key] = map[int64]float64{}
		}
		for i, ts := range line.Timestamps {
			out[key][ts] = line.Values[i]
		}
	}
	require.NoError(t, sc.Err())
	return out
}

func countSamplesIn(m map[string]map[int64]float64) int {
	n := 0
	for _, s := range m {
		n += len(s)
	}
	return n
}

// runStorage runs s.Run until the test ends.
func runStorage(t *testing.T, s *Storage) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = s.Run(ctx) })
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// round builds n samples of metric name for round i, value i*1000+j.
func round(name string, i, n int) []collectors.Sample {
	out := make([]collectors.Sample, n)
	for j := range out {
		out[j] = sample(name, float64(i*1000+j), "district", "湖滨区", "instance", fmt.Sprintf("vm-%04d", j), "site", "湖滨-机房1", "system", "政务云")
	}
	return out
}

func TestRemoteWriteToVictoriaMetrics(t *testing.T) {
	vm := testpeer.VictoriaMetrics(t)
	s := openTest(t, Options{RemoteWrite: []RemoteWriteOptions{{
		Name: "vm", URL: vm.URL() + "/api/v1/write", BatchSize: 100, FlushInterval: 50 * time.Millisecond,
	}}})
	runStorage(t, s)
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	ctx := context.Background()
	for i := range 10 {
		require.NoError(t, s.Append(ctx, base.Add(time.Duration(i)*30*time.Second), round("sw_test_load", i, 30)))
	}
	app := s.AppendableV2().AppenderV2(ctx)
	ls := labels.FromStrings(labels.MetricName, "sw_test_rule", "district", "卢氏县")
	_, err := app.Append(0, ls, 0, base.UnixMilli(), 0.25, nil, nil, storage.AOptions{})
	require.NoError(t, err)
	require.NoError(t, app.Commit())

	var got map[string]map[int64]float64
	require.Eventually(t, func() bool {
		got = vmExport(t, vm.URL(), `{__name__=~"sw_test_.*"}`)
		return countSamplesIn(got) == 301
	}, waitFor, 250*time.Millisecond, "VictoriaMetrics should hold all 301 samples")
	for i := range 10 {
		for j := range 30 {
			key := fmt.Sprintf("sw_test_load/vm-%04d/湖滨区", j)
			assert.Equal(t, float64(i*1000+j), got[key][base.Add(time.Duration(i)*30*time.Second).UnixMilli()], key)
		}
	}
	assert.Equal(t, 0.25, got["sw_test_rule//卢氏县"][base.UnixMilli()])
	assert.Equal(t, uint64(301), s.queues[0].m.sent.Get())
}

// TestRemoteWriteReceiverDown: with VictoriaMetrics stopped the spool grows and
// stays within its bound (dropping the oldest, counted); after Restart
// everything still spooled arrives.
func TestRemoteWriteReceiverDown(t *testing.T) {
	vm := testpeer.VictoriaMetrics(t)
	const maxSpool = 256 << 10
	s := openTest(t, Options{RemoteWrite: []RemoteWriteOptions{{
		Name: "vm", URL: vm.URL() + "/api/v1/write", BatchSize: 200, FlushInterval: 20 * time.Millisecond,
		MaxSpoolBytes: maxSpool, MaxBackoff: 200 * time.Millisecond, Timeout: 2 * time.Second,
	}}})
	runStorage(t, s)
	q := s.queues[0]
	ctx := context.Background()
	base := time.Now().Add(-30 * time.Minute).Truncate(time.Second)
	const rounds, perRound = 200, 200
	require.NoError(t, s.Append(ctx, base, round("sw_down", 0, perRound)))
	require.Eventually(t, func() bool { return q.m.sent.Get() == perRound }, waitFor, 20*time.Millisecond)

	vm.Stop()
	var peak int64
	for i := 1; i < rounds; i++ {
		require.NoError(t, s.Append(ctx, base.Add(time.Duration(i)*time.Second), round("sw_down", i, perRound)))
		time.Sleep(2 * time.Millisecond) // let the batcher keep up, as 30 s rounds would
		b := q.spool.Bytes()
		require.LessOrEqual(t, b, int64(maxSpool), "spool exceeds its bound")
		peak = max(peak, b)
	}
	assert.Greater(t, peak, int64(maxSpool/2), "spool should have grown while the receiver was down")
	assert.Positive(t, q.m.dropSpoolFull.Get(), "a spool this small must have dropped its oldest segments")
	assert.Positive(t, q.m.retries.Get())

	vm.Restart(t)
	total := uint64(rounds * perRound)
	require.Eventually(t, func() bool {
		return q.m.sent.Get()+q.m.dropSpoolFull.Get() == total && q.spool.Bytes() == 0
	}, 2*waitFor, 50*time.Millisecond, "sent %d + dropped %d of %d", q.m.sent.Get(), q.m.dropSpoolFull.Get(), total)
	assert.Zero(t, q.m.dropRejected.Get())
	require.Eventually(t, func() bool {
		return uint64(countSamplesIn(vmExport(t, vm.URL(), `{__name__="sw_down"}`))) == q.m.sent.Get()
	}, waitFor, 250*time.Millisecond, "VictoriaMetrics should hold every sample that was sent")
	t.Logf("appended %d, sent %d, dropped (spool full) %d, spool peak %d bytes of %d, retries %d",
		total, q.m.sent.Get(), q.m.dropSpoolFull.Get(), peak, maxSpool, q.m.retries.Get())
	got := vmExport(t, vm.URL(), `{__name__="sw_down"}`)
	last := base.Add((rounds - 1) * time.Second).UnixMilli()
	for j := range perRound {
		assert.Contains(t, got[fmt.Sprintf("sw_down/vm-%04d/湖滨区", j)], last, "the newest round must survive the bound")
	}
}
