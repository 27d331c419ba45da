package logstore

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func spoolEvents(n, from int) []pending {
	out := make([]pending, n)
	for i := range out {
		ls := []labelPair{{"kind", "trap"}}
		out[i] = pending{ts: int64(from + i), ls: ls, key: labelKey(ls), text: fmt.Sprintf("事件 %06d", from+i)}
	}
	return out
}

func TestSpoolBoundDropsOldest(t *testing.T) {
	sp, err := openSpool(t.TempDir(), 16<<10) // segments of 4 KiB
	require.NoError(t, err)
	defer sp.close()
	before := lokiDroppedFull.Get()
	for i := range 100 {
		require.NoError(t, sp.write(spoolEvents(10, i*10)))
	}
	sp.mu.Lock()
	total := sp.totalLocked()
	sp.mu.Unlock()
	assert.LessOrEqual(t, total, int64(16<<10), "the spool stays within its bound")
	dropped := lokiDroppedFull.Get() - before
	assert.Positive(t, dropped)

	entries, _, ok, err := sp.next(5)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, int64(dropped), entries[0].ts, "the oldest events were dropped, the next one is first in line")
}

func TestSpoolReopenResumesAtCursor(t *testing.T) {
	dir := t.TempDir()
	sp, err := openSpool(dir, 1<<20)
	require.NoError(t, err)
	require.NoError(t, sp.write(spoolEvents(10, 0)))
	_, err = sp.seal()
	require.NoError(t, err)
	entries, pos, ok, err := sp.next(4)
	require.NoError(t, err)
	require.True(t, ok)
	require.Len(t, entries, 4)
	sp.ack(pos)
	require.NoError(t, sp.write(spoolEvents(3, 10))) // unsealed head at close
	require.NoError(t, sp.close())

	sp2, err := openSpool(dir, 1<<20)
	require.NoError(t, err)
	defer sp2.close()
	var got []int64
	for {
		entries, pos, ok, err := sp2.next(100)
		require.NoError(t, err)
		if !ok {
			break
		}
		for _, e := range entries {
			got = append(got, e.ts)
		}
		sp2.ack(pos)
	}
	assert.Equal(t, []int64{4, 5, 6, 7, 8, 9, 10, 11, 12}, got, "acked events are not resent; the old head is kept")
	assert.Zero(t, sp2.pendingBytes())
}
