package storage

import (
	"bytes"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func testSpool(t *testing.T, dir string, limit int64) (*spool, *queueMetrics) {
	t.Helper()
	q := &queue{opts: RemoteWriteOptions{Name: "t"}}
	q.in = make(chan []prompbSeries, 1)
	m := newQueueMetrics(newTestSet(t), q)
	sp, err := openSpool(dir, limit, slog.New(slog.DiscardHandler), &m)
	require.NoError(t, err)
	q.spool = sp
	t.Cleanup(func() { _ = sp.close() })
	return sp, &m
}

func rec(tag byte, size, samples int) record {
	return record{samples: samples, data: bytes.Repeat([]byte{tag}, size)}
}

// TestSpoolBoundDropsOldest: the spool never exceeds its bound; it gives up the
// oldest segments, counts their samples, and keeps the newest records in order.
func TestSpoolBoundDropsOldest(t *testing.T) {
	const limit = 64 << 10 // 8 KiB segments
	sp, m := testSpool(t, t.TempDir(), limit)
	for i := range 40 {
		require.NoError(t, sp.append(rec(byte(i), 3000, 10)))
		require.LessOrEqual(t, sp.bytes(), int64(limit))
	}
	assert.Positive(t, m.dropSpoolFull.Get())
	var tags []byte
	kept := uint64(0)
	for {
		seg, recs := sp.checkout()
		if seg == nil {
			break
		}
		for _, r := range recs {
			tags = append(tags, r.data[0])
			kept += uint64(r.samples)
		}
		sp.done(seg)
	}
	assert.Equal(t, uint64(400), kept+m.dropSpoolFull.Get(), "every sample is either kept or counted as dropped")
	require.NotEmpty(t, tags)
	assert.Equal(t, byte(39), tags[len(tags)-1], "the newest record survives")
	for i := 1; i < len(tags); i++ {
		assert.Equal(t, tags[i-1]+1, tags[i], "records come out in order, oldest dropped first")
	}
	assert.Zero(t, sp.bytes())
}

// TestSpoolPrependGoesFirst: batches held in memory at shutdown are older than
// the spool and are written in front of it.
func TestSpoolPrependGoesFirst(t *testing.T) {
	dir := t.TempDir()
	sp, _ := testSpool(t, dir, 1<<20)
	require.NoError(t, sp.append(rec('b', 10, 1)))
	require.NoError(t, sp.prepend([]record{rec('a', 10, 1)}))
	require.NoError(t, sp.close())
	sp2, _ := testSpool(t, dir, 1<<20) // a new run finds both, in order
	var got []byte
	for seg, recs := sp2.checkout(); seg != nil; seg, recs = sp2.checkout() {
		for _, r := range recs {
			got = append(got, r.data[0])
		}
		sp2.done(seg)
	}
	assert.Equal(t, []byte("ab"), got)
}

// TestCorruptSpoolSegmentSkipped: a damaged segment left by a previous run is
// reported and counted; what precedes the damage and the other segments arrive.
func TestCorruptSpoolSegmentSkipped(t *testing.T) {
	dir := t.TempDir()
	spoolDir := filepath.Join(dir, "remote_write", "fake")
	require.NoError(t, os.MkdirAll(spoolDir, 0o700))
	good, err := encodeBatch(toSeries(round("m", 1, 7)))
	require.NoError(t, err)
	seg1 := appendRecord([]byte(segMagic), good)
	damaged := appendRecord(append([]byte(nil), seg1...), good)
	damaged[len(damaged)-1] ^= 0xff // second record's checksum fails
	require.NoError(t, os.WriteFile(filepath.Join(spoolDir, segmentName(firstSegmentID)), damaged, 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(spoolDir, segmentName(firstSegmentID+1)), []byte("garbage"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(spoolDir, segmentName(firstSegmentID+2)), seg1, 0o600))

	f := newFakeReceiver(t, func(int) int { return http.StatusNoContent })
	s := openTest(t, Options{Dir: dir, RemoteWrite: []RemoteWriteOptions{fakeOptions("fake", f.URL)}})
	runStorage(t, s)
	q := s.queues[0]
	require.Eventually(t, func() bool { return q.spool.bytes() == 0 && q.m.corruptSegments.Get() == 2 },
		5*time.Second, 10*time.Millisecond)
	_, n := f.stats()
	assert.Equal(t, 14, n, "the intact record of the damaged segment and the good segment arrive")
	entries, err := os.ReadDir(spoolDir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func FuzzParseSegment(f *testing.F) {
	one := appendRecord([]byte(segMagic), rec('x', 20, 3))
	f.Add(one)
	f.Add(appendRecord(append([]byte(nil), one...), rec('y', 5, 1)))
	f.Add(one[:len(one)-3])
	f.Add([]byte(segMagic))
	f.Add([]byte("nope"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := parseSegment(b)
		if err != nil {
			require.ErrorIs(t, err, errCorrupt)
		}
		// What parses re-encodes to the same leading bytes.
		out := []byte(segMagic)
		for _, r := range recs {
			require.LessOrEqual(t, r.samples, maxBatchSize)
			out = appendRecord(out, r)
		}
		if len(recs) > 0 || err == nil {
			require.True(t, bytes.HasPrefix(b, out))
		}
		if err == nil {
			require.Equal(t, len(b), len(out))
		}
	})
}
