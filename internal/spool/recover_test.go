package spool

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func seqs(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// TestReopenResumesAtCursor: confirmed records are not sent again after a
// restart; the batch that was out and everything after it are.
func TestReopenResumesAtCursor(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, 1<<20)
	for i := range 10 {
		require.NoError(t, s.Append(rec(i, 10, 1)))
	}
	b, err := s.Next(4)
	require.NoError(t, err)
	s.Ack(b)
	b, err = s.Next(3) // out, never confirmed: the receiver did not answer
	require.NoError(t, err)
	require.Len(t, b.Records, 3)
	require.NoError(t, s.Append(rec(10, 10, 1)))
	require.NoError(t, s.Close())

	s2, c := open(t, dir, 1<<20)
	assert.Equal(t, seqs(4, 11), drain(t, s2, 100))
	assert.Zero(t, s2.Pending())
	assert.Empty(t, files(t, dir), "the cursor goes with the last segment")
	full, corrupt, damaged := c.get()
	assert.Zero(t, full+corrupt+damaged)
}

// TestReleaseGivesTheBatchBack: a released batch is read again.
func TestReleaseGivesTheBatchBack(t *testing.T) {
	s, c := open(t, t.TempDir(), 1<<20)
	require.NoError(t, s.Append(rec(0, 10, 1), rec(1, 10, 1)))
	b, err := s.Next(1)
	require.NoError(t, err)
	s.Release(b)
	assert.Equal(t, []int{0, 1}, drain(t, s, 1))
	full, _, _ := c.get()
	assert.Zero(t, full)
}

// TestCursorOffBoundaryIsIgnored: a cursor that does not fall on a record
// boundary (a damaged cursor file) means sending again from the start, never
// reading from the middle of a record.
func TestCursorOffBoundaryIsIgnored(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, 1<<20)
	require.NoError(t, s.Append(rec(0, 10, 1), rec(1, 10, 1)))
	require.NoError(t, s.Close())
	seg := segFiles(t, dir)
	require.Len(t, seg, 1)
	id := filepath.Base(seg[0])[:20]
	require.NoError(t, os.WriteFile(filepath.Join(dir, cursorFile), []byte(id+" 13\ngarbage\n"), 0o600))
	s2, _ := open(t, dir, 1<<20)
	assert.Equal(t, []int{0, 1}, drain(t, s2, 10))
}

// TestTornTailIsCut: a record cut short by a crash is cut off at Open and
// reported once; the records before it are sent and appends go on.
func TestTornTailIsCut(t *testing.T) {
	dir := t.TempDir()
	s, _ := open(t, dir, 1<<20)
	require.NoError(t, s.Append(rec(0, 100, 1), rec(1, 100, 1)))
	require.NoError(t, s.Close())
	path := segFiles(t, dir)[0]
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.NoError(t, os.Truncate(path, st.Size()-30))

	s2, c := open(t, dir, 1<<20)
	_, _, damaged := c.get()
	assert.Equal(t, 1, damaged)
	st, err = os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, magicLen+headerSize+100, st.Size(), "the torn record is cut off")
	require.NoError(t, s2.Append(rec(2, 100, 1)))
	assert.Equal(t, []int{0, 2}, drain(t, s2, 10))
}

// TestDamagedSegmentsAtOpen: a flipped byte ends a segment where it is; a file
// without the magic is removed; both are reported, and the intact records of
// every segment are sent.
func TestDamagedSegmentsAtOpen(t *testing.T) {
	dir := t.TempDir()
	for i := range 3 { // three runs, three segments
		s, _ := open(t, dir, 1<<20)
		require.NoError(t, s.Append(rec(2*i, 50, 1), rec(2*i+1, 50, 1)))
		require.NoError(t, s.Close())
	}
	segs := segFiles(t, dir)
	require.Len(t, segs, 3)
	b, err := os.ReadFile(segs[0])
	require.NoError(t, err)
	b[len(b)-1] ^= 0xff // the second record's checksum fails
	require.NoError(t, os.WriteFile(segs[0], b, 0o600))
	require.NoError(t, os.WriteFile(segs[1], []byte("garbage"), 0o600))

	s, c := open(t, dir, 1<<20)
	_, _, damaged := c.get()
	assert.Equal(t, 2, damaged)
	assert.Equal(t, []int{0, 4, 5}, drain(t, s, 10))
	assert.Empty(t, files(t, dir))
}

// TestDamageFoundWhileReading: a segment damaged after Open (a bad disk) gives
// the records before the damage; those after it are counted as lost.
func TestDamageFoundWhileReading(t *testing.T) {
	dir := t.TempDir()
	s, c := open(t, dir, 1<<20)
	require.NoError(t, s.Append(rec(0, 50, 1), rec(1, 50, 2), rec(2, 50, 3)))
	path := segFiles(t, dir)[0]
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte{0xff}, magicLen+headerSize+50+headerSize+1) // in the second record
	require.NoError(t, err)
	require.NoError(t, f.Close())

	assert.Equal(t, []int{0}, drain(t, s, 10))
	_, corrupt, damaged := c.get()
	assert.Equal(t, 5, corrupt, "the counts of the two records after the damage")
	assert.Equal(t, 1, damaged)
	require.NoError(t, s.Append(rec(3, 50, 1)))
	assert.Equal(t, []int{3}, drain(t, s, 10), "appends go on in a new segment")
	assert.Zero(t, s.Bytes())
}

// TestDropWhileOut: when the bound drops the segment the reader holds a batch
// of, the batch says so; given up (Release) it is counted as dropped, delivered
// (Ack) it is not, so sent + dropped is always what was appended.
func TestDropWhileOut(t *testing.T) {
	for _, delivered := range []bool{false, true} {
		name := map[bool]string{false: "given up", true: "delivered"}[delivered]
		t.Run(name, func(t *testing.T) {
			s, c := open(t, t.TempDir(), 16<<10) // 4 KiB segments
			require.NoError(t, s.Append(rec(0, 1000, 10), rec(1, 1000, 10), rec(2, 1000, 10), rec(3, 1000, 10)))
			b, err := s.Next(1)
			require.NoError(t, err)
			for i := 4; !b.Dropped(); i++ {
				require.NoError(t, s.Append(rec(i, 1000, 10)))
			}
			sent := 0
			if delivered {
				sent += b.Count()
				s.Ack(b)
			} else {
				s.Release(b)
			}
			got := drain(t, s, 1)
			sent += 10 * len(got)
			full, _, _ := c.get()
			assert.Equal(t, 10*(got[len(got)-1]+1), sent+full)
			assert.Zero(t, s.Bytes())
		})
	}
}
