package storage

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/spool"
)

// The spool itself (bound, order, cursor, damage) is tested in internal/spool;
// these check that remote_write reads what earlier runs left and counts it.

// writeSpool leaves one segment of batches of 7 samples in dir, as a run that
// stopped with the receiver down would, and returns its path.
func writeSpool(t *testing.T, dir string, batches int) string {
	t.Helper()
	before, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	sp, err := spool.Open(spool.Options{Dir: dir, MaxBytes: 1 << 20})
	require.NoError(t, err)
	rec, err := encodeBatch(toSeries(round("m", 1, 7)))
	require.NoError(t, err)
	for range batches {
		require.NoError(t, sp.Append(rec))
	}
	require.NoError(t, sp.Close())
	after, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	require.Len(t, after, len(before)+1)
	return after[len(after)-1]
}

// TestCorruptSpoolSegmentSkipped: damaged segments left by a previous run are
// reported and counted; what precedes the damage and the other segments arrive.
func TestCorruptSpoolSegmentSkipped(t *testing.T) {
	dir := t.TempDir()
	spoolDir := filepath.Join(dir, "remote_write", "fake")
	damaged, garbled := writeSpool(t, spoolDir, 2), writeSpool(t, spoolDir, 1)
	writeSpool(t, spoolDir, 1)
	b, err := os.ReadFile(damaged)
	require.NoError(t, err)
	b[len(b)-1] ^= 0xff // the second batch's checksum fails
	require.NoError(t, os.WriteFile(damaged, b, 0o600))
	require.NoError(t, os.WriteFile(garbled, []byte("garbage"), 0o600))

	f := newFakeReceiver(t, func(int) int { return http.StatusNoContent })
	s := openTest(t, Options{Dir: dir, RemoteWrite: []RemoteWriteOptions{fakeOptions("fake", f.URL)}})
	q := s.queues[0]
	assert.Equal(t, uint64(2), q.m.corruptSegments.Get(), "found when the spool opens")
	runStorage(t, s)
	require.Eventually(t, func() bool { return q.spool.Bytes() == 0 && q.m.sent.Get() == 14 }, waitFor, tick)
	_, n := f.stats()
	assert.Equal(t, 14, n, "the intact batch of the damaged segment and the good segment arrive")
	entries, err := os.ReadDir(spoolDir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

// TestSpoolFromEarlierVersionIsRead: the spool format did not change, so a
// segment written by the remote_write spool before internal/spool is sent.
func TestSpoolFromEarlierVersionIsRead(t *testing.T) {
	dir := t.TempDir()
	spoolDir := filepath.Join(dir, "remote_write", "fake")
	require.NoError(t, os.MkdirAll(spoolDir, 0o700))
	rec, err := encodeBatch(toSeries(round("m", 1, 7)))
	require.NoError(t, err)
	// As the old segment.go wrote it: magic, then length | samples | crc32c | data.
	old := append([]byte("SWSPOOL1"), le32(len(rec.Data))...)
	old = append(old, le32(rec.Count)...)
	old = append(old, le32(int(crc32c(append(le32(rec.Count), rec.Data...))))...)
	old = append(old, rec.Data...)
	require.NoError(t, os.WriteFile(filepath.Join(spoolDir, "00000001099511627776.seg"), old, 0o600))

	f := newFakeReceiver(t, func(int) int { return http.StatusNoContent })
	s := openTest(t, Options{Dir: dir, RemoteWrite: []RemoteWriteOptions{fakeOptions("fake", f.URL)}})
	runStorage(t, s)
	q := s.queues[0]
	require.Eventually(t, func() bool { return q.spool.Bytes() == 0 && q.m.sent.Get() == 7 }, waitFor, tick)
	assert.Zero(t, q.m.corruptSegments.Get())
}
