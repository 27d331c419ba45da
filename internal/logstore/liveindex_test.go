package logstore

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Today's file is read by its chunk index: the newest page and the last hour read
// a few chunks, before and after a restart (the index is rebuilt from the file),
// and give the same answers as a full read.
func TestLiveDayReadByChunks(t *testing.T) {
	dir := t.TempDir()
	smallBlocks(t)
	clk := &clock{t: at("2026-11-27 23:00:00.000")}
	s, err := Open(Options{Dir: dir, Now: clk.Now})
	require.NoError(t, err)
	const n = 6000
	in := threeDays(t, s, n) // today's events run from 00:00 to 12:00
	today := in[2*n:]

	check := func(t *testing.T, s *Store) {
		scanned := queryScanned.Get()
		res, err := s.Search(context.Background(), Query{Start: at("2026-11-27 00:00:00.000"), End: clk.Now(), Limit: 50})
		require.NoError(t, err)
		require.Len(t, res.Events, 50)
		assert.Equal(t, today[n-1].Text, res.Events[0].Text, "newest first")
		assert.Equal(t, today[n-50].Text, res.Events[49].Text)
		assert.Less(t, queryScanned.Get()-scanned, uint64(n/5), "the newest page reads a few chunks")

		scanned = queryScanned.Get()
		got, err := s.Query(context.Background(), Query{Start: at("2026-11-27 11:00:00.000"), End: at("2026-11-27 11:59:59.999"), Direction: Forward, Limit: MaxLimit})
		require.NoError(t, err)
		assert.Equal(t, texts(today[n-n/12:]), texts(got), "the last hour, exactly")
		assert.Less(t, queryScanned.Get()-scanned, uint64(n/4), "the last hour reads its chunks only")

		got, err = s.Query(context.Background(), Query{Start: at("2026-11-27 00:00:00.000"), End: clk.Now(), Direction: Forward, Limit: MaxLimit})
		require.NoError(t, err)
		assert.Equal(t, texts(today), texts(got))
	}
	t.Run("open", func(t *testing.T) { check(t, s) })
	require.NoError(t, s.Close())
	s2 := openTest(t, dir, clk.Now, nil)
	t.Run("reopened", func(t *testing.T) { check(t, s2) })
	require.NoError(t, s2.Append(context.Background(), ev(at("2026-11-27 12:30:00.000"), "重开后写入", "instance", "fw-1")))
	res, err := s2.Search(context.Background(), Query{Start: at("2026-11-27 00:00:00.000"), End: clk.Now(), Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, []string{"重开后写入", today[n-1].Text}, texts(res.Events), "a write after the reopen extends the rebuilt index")
}
