package spool

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// counts collects what a spool reports lost.
type counts struct {
	mu      sync.Mutex
	full    int
	corrupt int
	damaged int
}

func (c *counts) get() (full, corrupt, damaged int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.full, c.corrupt, c.damaged
}

func open(t *testing.T, dir string, limit int64) (*Spool, *counts) {
	t.Helper()
	c := &counts{}
	s, err := Open(Options{Dir: dir, MaxBytes: limit,
		Dropped: func(r Reason, n int) {
			c.mu.Lock()
			defer c.mu.Unlock()
			if r == Full {
				c.full += n
			} else {
				c.corrupt += n
			}
		},
		Damaged: func() { c.mu.Lock(); c.damaged++; c.mu.Unlock() },
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s, c
}

// rec makes a record whose data starts with its sequence number.
func rec(seq, size, count int) Record {
	data := make([]byte, max(size, 4))
	binary.BigEndian.PutUint32(data, uint32(seq))
	return Record{Count: count, Data: data}
}

func seqOf(r Record) int { return int(binary.BigEndian.Uint32(r.Data)) }

// drain reads batches of limit records and acks each, returning the sequence
// numbers in the order read.
func drain(t *testing.T, s *Spool, limit int) []int {
	t.Helper()
	var got []int
	for {
		b, err := s.Next(limit)
		require.NoError(t, err)
		if b == nil {
			return got
		}
		require.LessOrEqual(t, len(b.Records), limit)
		for _, r := range b.Records {
			got = append(got, seqOf(r))
		}
		s.Ack(b)
	}
}

func files(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestBoundDropsOldest: the spool never exceeds its bound; it gives up the
// oldest segments, counts exactly what they held, and keeps the newest records
// in order.
func TestBoundDropsOldest(t *testing.T) {
	const limit = 64 << 10 // 8 KiB segments
	dir := t.TempDir()
	s, c := open(t, dir, limit)
	for i := range 40 {
		require.NoError(t, s.Append(rec(i, 3000, 10)))
		require.LessOrEqual(t, s.Bytes(), int64(limit))
	}
	full, _, _ := c.get()
	require.Positive(t, full)
	got := drain(t, s, 1)
	assert.Equal(t, 400, 10*len(got)+full, "every record is either kept or counted as dropped")
	assert.Equal(t, full/10, got[0], "the oldest were dropped, the next one is first in line")
	for i := range got {
		assert.Equal(t, got[0]+i, got[i], "records come out in order")
	}
	assert.Equal(t, 39, got[len(got)-1], "the newest record survives")
	assert.Zero(t, s.Bytes())
	assert.Empty(t, files(t, dir), "nothing is left on disk, no cursor either")
}

// TestBatchesOfManySmallRecords: many records per Append (the Loki case) are
// read back in batches of at most the limit, in order, across segments.
func TestBatchesOfManySmallRecords(t *testing.T) {
	s, c := open(t, t.TempDir(), 1<<20)
	for i := range 100 {
		batch := make([]Record, 10)
		for j := range batch {
			batch[j] = rec(i*10+j, 40, 1)
		}
		require.NoError(t, s.Append(batch...))
	}
	got := drain(t, s, 64)
	require.Len(t, got, 1000)
	for i := range got {
		require.Equal(t, i, got[i])
	}
	full, corrupt, damaged := c.get()
	assert.Zero(t, full+corrupt+damaged)
	assert.Zero(t, s.Pending())
}

// TestPrependGoesFirst: batches held in memory at shutdown are older than the
// spool and are written in front of it.
func TestPrependGoesFirst(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, 1<<20)
	require.NoError(t, s.Append(rec(2, 10, 1)))
	require.NoError(t, s.Prepend([]Record{rec(0, 10, 1), rec(1, 10, 1)}))
	require.NoError(t, s.Close())
	s2, _ := open(t, dir, 1<<20) // a new run finds both segments, in order
	assert.Equal(t, []int{0, 1, 2}, drain(t, s2, 10))
}

// TestPrependDropsItsOldest: what does not fit in front is the oldest of all,
// so it is what is dropped (and counted).
func TestPrependDropsItsOldest(t *testing.T) {
	s, c := open(t, t.TempDir(), 16<<10)
	require.NoError(t, s.Append(rec(100, 3000, 1), rec(101, 3000, 1), rec(102, 3000, 1)))
	require.NoError(t, s.Prepend([]Record{rec(0, 3000, 5), rec(1, 3000, 5), rec(2, 3000, 5)}))
	assert.LessOrEqual(t, s.Bytes(), int64(16<<10))
	full, _, _ := c.get()
	assert.Equal(t, 5, full)
	assert.Equal(t, []int{1, 2, 100, 101, 102}, drain(t, s, 10))
}

func TestOfferGoesDirectOnlyWhileEmpty(t *testing.T) {
	s, _ := open(t, t.TempDir(), 1<<20)
	var direct []int
	take := func(r Record) func() bool { return func() bool { direct = append(direct, seqOf(r)); return true } }
	refuse := func() bool { return false }
	require.NoError(t, s.Offer(rec(0, 10, 1), take(rec(0, 10, 1))))
	require.NoError(t, s.Offer(rec(1, 10, 1), refuse)) // the reader is busy: to disk
	require.NoError(t, s.Offer(rec(2, 10, 1), take(rec(2, 10, 1))))
	assert.Equal(t, []int{0}, direct, "once something is spooled, later records queue behind it")
	assert.Equal(t, []int{1, 2}, drain(t, s, 10))
}

func TestAppendRefusesWhatCannotFit(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, 8<<10)
	assert.ErrorIs(t, s.Append(rec(0, 10, 1), rec(1, 8<<10, 1)), ErrTooLarge)
	assert.Error(t, s.Append(Record{Count: 1}), "empty data")
	assert.Error(t, s.Append(Record{Count: -1, Data: []byte("x")}))
	assert.Zero(t, s.Bytes(), "a refused call writes nothing")
	require.NoError(t, s.Close())
	assert.Error(t, s.Append(rec(0, 10, 1)), "closed")
	_, err := Open(Options{Dir: dir, MaxBytes: 100})
	assert.Error(t, err)
}

// TestConcurrentAppendersAndReader: with appenders and the reader running at
// once (run with -race), every record arrives once and each appender's records
// in its order.
func TestConcurrentAppendersAndReader(t *testing.T) {
	s, c := open(t, t.TempDir(), 1<<20)
	const writers, per = 4, 500
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for i := range per {
				assert.NoError(t, s.Append(rec(w*per+i, 20, 1)))
			}
		})
	}
	var got []int
	for len(got) < writers*per {
		b, err := s.Next(50)
		require.NoError(t, err)
		if b == nil {
			<-s.Notify()
			continue
		}
		for _, r := range b.Records {
			got = append(got, seqOf(r))
		}
		s.Ack(b)
	}
	wg.Wait()
	last := map[int]int{}
	for _, seq := range got {
		w := seq / per
		if prev, ok := last[w]; ok {
			require.Greater(t, seq, prev, "writer %d out of order", w)
		}
		last[w] = seq
	}
	assert.Len(t, last, writers)
	full, corrupt, _ := c.get()
	assert.Zero(t, full+corrupt)
}

func TestDataIsNotAliased(t *testing.T) {
	s, _ := open(t, t.TempDir(), 1<<20)
	data := []byte("first record")
	require.NoError(t, s.Append(Record{Count: 1, Data: data}, Record{Count: 1, Data: []byte("second")}))
	copy(data, "XXXXX")
	b, err := s.Next(2)
	require.NoError(t, err)
	assert.Equal(t, "first record", string(b.Records[0].Data))
	assert.Equal(t, "second", string(b.Records[1].Data))
	_, err = s.Next(1)
	assert.ErrorIs(t, err, errBatchOut)
	s.Ack(b)
}

func segFiles(t *testing.T, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.seg"))
	require.NoError(t, err)
	return m
}
