package storage

import (
	"context"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// writeBlock persists one 2 h block of one series ending at maxt into dir.
func writeBlock(t *testing.T, dir string, maxt time.Time) {
	t.Helper()
	w, err := tsdb.NewBlockWriter(slog.New(slog.DiscardHandler), dir, 2*time.Hour.Milliseconds())
	require.NoError(t, err)
	app := w.Appender(context.Background())
	for ts := maxt.Add(-2 * time.Hour).Add(time.Minute); !ts.After(maxt.Add(-time.Minute)); ts = ts.Add(10 * time.Minute) {
		_, err := app.Append(0, labels.FromStrings(labels.MetricName, "old_metric"), ts.UnixMilli(), 1)
		require.NoError(t, err)
	}
	require.NoError(t, app.Commit())
	_, err = w.Flush(context.Background())
	require.NoError(t, err)
	require.NoError(t, w.Close())
}

// TestRetentionOption shows Retention reaching the TSDB: of two blocks 10 h
// apart, a 5 h retention deletes the older at open, the default keeps both.
func TestRetentionOption(t *testing.T) {
	end := time.UnixMilli(1_800_000_000_000).Truncate(2 * time.Hour)
	for _, tc := range []struct {
		name      string
		retention time.Duration
		blocks    int
	}{
		{"default 90 d keeps both", 0, 2},
		{"5 h drops the old block", 5 * time.Hour, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeBlock(t, dir, end.Add(-10*time.Hour))
			writeBlock(t, dir, end)
			s := openTest(t, Options{Dir: dir, Retention: tc.retention})
			assert.Len(t, s.DB().Blocks(), tc.blocks)
		})
	}
}

func TestOpenRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		want string
	}{
		{"no dir", Options{}, "dir is empty"},
		{"negative retention", Options{Retention: -time.Hour}, "negative retention"},
		{"bad receiver name", Options{RemoteWrite: []RemoteWriteOptions{{Name: "a b", URL: "http://x/"}}}, "name must be"},
		{"credentials in url", Options{RemoteWrite: []RemoteWriteOptions{{Name: "vm", URL: "http://u:secret@x/"}}}, "must not carry credentials"},
		{"ftp url", Options{RemoteWrite: []RemoteWriteOptions{{Name: "vm", URL: "ftp://x/"}}}, "http:// or https://"},
		{"both auths", Options{RemoteWrite: []RemoteWriteOptions{{Name: "vm", URL: "http://x/", Username: "u", BearerToken: "t"}}}, "not both"},
		{"tiny spool", Options{RemoteWrite: []RemoteWriteOptions{{Name: "vm", URL: "http://x/", MaxSpoolBytes: 10}}}, "max_spool_bytes"},
		{"duplicate names", Options{RemoteWrite: []RemoteWriteOptions{{Name: "vm", URL: "http://x/"}, {Name: "vm", URL: "http://y/"}}}, "used twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.opts.Dir == "" && tc.name != "no dir" {
				tc.opts.Dir = t.TempDir()
			}
			_, err := Open(tc.opts)
			require.ErrorContains(t, err, tc.want)
			assert.NotContains(t, err.Error(), "secret")
		})
	}
}

// TestAppendRejects: bad samples get a clear error and a count by kind; the
// good samples of the same round are stored.
func TestAppendRejects(t *testing.T) {
	t0 := time.UnixMilli(1_800_000_000_000)
	good := sample("good_metric", 1, "instance", "a")
	for _, tc := range []struct {
		name string
		bad  collectors.Sample
		kind string
		want string
	}{
		{"unsorted", collectors.Sample{Labels: rawLabels("__name__", "m", "b", "1", "a", "2")}, kindInvalidLabels, `label "a" unsorted or repeated`},
		{"repeated", collectors.Sample{Labels: rawLabels("__name__", "m", "a", "1", "a", "2")}, kindInvalidLabels, "unsorted or repeated"},
		{"no name", collectors.Sample{Labels: rawLabels("a", "1")}, kindInvalidLabels, "no metric name"},
		{"empty name", collectors.Sample{Labels: rawLabels("", "1", "__name__", "m")}, kindInvalidLabels, "empty label name"},
		{"bad utf8", collectors.Sample{Labels: rawLabels("__name__", "m", "a", "\xff")}, kindInvalidLabels, "not valid UTF-8"},
		{"behind its series by more than the window", sample("old_metric", 1), kindOutOfBounds, "too old sample"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTest(t, Options{})
			ctx := context.Background()
			require.NoError(t, s.Append(ctx, t0, []collectors.Sample{sample("old_metric", 0)}))
			ts := t0.Add(time.Hour)
			if tc.kind == kindOutOfBounds {
				// old_metric moves 2 h ahead: 1 h is out of order beyond the 5 min window.
				require.NoError(t, s.Append(ctx, t0.Add(2*time.Hour), []collectors.Sample{sample("old_metric", 0)}))
			}
			before := s.metrics.appendErrors[tc.kind].Get()
			err := s.Append(ctx, ts, []collectors.Sample{good, tc.bad, good})
			require.ErrorContains(t, err, "1 of 3 samples rejected")
			require.ErrorContains(t, err, tc.want)
			assert.Equal(t, before+1, s.metrics.appendErrors[tc.kind].Get())
			assert.Len(t, readSeries(t, s, "good_metric")[`{__name__="good_metric", instance="a"}`], 1,
				"the good sample of the round is stored (its duplicate at the same time is a no-op)")
		})
	}
}

// TestStaleRefFallsBack: a cached ref the head no longer knows must not lose the
// sample; the append falls back to the labels and the cache is repaired.
func TestStaleRefFallsBack(t *testing.T) {
	s := openTest(t, Options{})
	smp := sample("node_cpu_ratio", 0.5, "instance", "vm-9")
	h := hashLabels(smp.Labels)
	s.refs.put(h, storage.SeriesRef(1<<40), smp.Labels) // never issued by the head
	require.NoError(t, s.Append(context.Background(), time.UnixMilli(1_800_000_000_000), []collectors.Sample{smp}))
	ref, ok := s.refs.get(h, smp.Labels)
	require.True(t, ok)
	assert.NotEqual(t, storage.SeriesRef(1<<40), ref)
	assert.Len(t, readSeries(t, s, "node_cpu_ratio"), 1)
}

// TestHeadGCDropsRefs: series that head compaction garbage-collects leave the
// ref cache through the lifecycle callback, and appending them again works.
func TestHeadGCDropsRefs(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	t0 := time.UnixMilli(1_800_000_000_000).Truncate(2 * time.Hour)
	gone := sample("gone_metric", 1, "instance", "old")
	require.NoError(t, s.Append(ctx, t0, []collectors.Sample{gone}))
	_, ok := s.refs.get(hashLabels(gone.Labels), gone.Labels)
	require.True(t, ok)
	// 4 h later the first 2 h range is compactable; the head then drops gone_metric.
	for ts := t0.Add(time.Hour); !ts.After(t0.Add(4 * time.Hour)); ts = ts.Add(30 * time.Minute) {
		require.NoError(t, s.Append(ctx, ts, []collectors.Sample{sample("live_metric", 1)}))
	}
	require.NoError(t, s.DB().Compact(ctx))
	require.NotEmpty(t, s.DB().Blocks(), "compaction must have cut a block")
	_, ok = s.refs.get(hashLabels(gone.Labels), gone.Labels)
	assert.False(t, ok, "ref of a garbage-collected series must leave the cache")
	require.NoError(t, s.Append(ctx, t0.Add(4*time.Hour+time.Minute), []collectors.Sample{gone}))
	assert.Len(t, readSeries(t, s, "gone_metric")[`{__name__="gone_metric", instance="old"}`], 2)
}

// TestAppendableCommitsReachTSDB covers the rules manager's path (v1 and v2).
func TestAppendableCommitsReachTSDB(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	ts := time.UnixMilli(1_800_000_000_000).UnixMilli()
	ls := labels.FromStrings(labels.MetricName, "swanwatch:agent_online:ratio", "district", "陕州区")
	a1 := s.Appendable().Appender(ctx)
	_, err := a1.Append(0, ls, ts, 0.5)
	require.NoError(t, err)
	require.NoError(t, a1.Commit())
	a2 := s.AppendableV2().AppenderV2(ctx)
	_, err = a2.Append(0, ls, 0, ts+30_000, 0.75, nil, nil, storage.AOptions{})
	require.NoError(t, err)
	require.NoError(t, a2.Commit())
	got := readSeries(t, s, "swanwatch:agent_online:ratio")[ls.String()]
	assert.Equal(t, []pair{{ts, 0.5}, {ts + 30_000, 0.75}}, got)
	assert.Equal(t, uint64(2), s.metrics.appended.Get())
}

func TestCloseFlushesWALFiles(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(Options{Dir: dir})
	require.NoError(t, err)
	require.NoError(t, s.Append(context.Background(), time.Now(), []collectors.Sample{sample("m", math.Pi)}))
	require.NoError(t, s.Close())
	require.NoError(t, s.Close(), "a second Close is a no-op")
	segs, err := os.ReadDir(filepath.Join(dir, "wal"))
	require.NoError(t, err)
	assert.NotEmpty(t, segs)
}

// rawLabels keeps the given order, so tests can break the sorting contract.
func rawLabels(kv ...string) []collectors.Label {
	out := make([]collectors.Label, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, collectors.Label{Name: kv[i], Value: kv[i+1]})
	}
	return out
}
