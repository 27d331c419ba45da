package logstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// spool is the Loki pusher's bounded on-disk queue: numbered segment files of
// framed self-contained records. Append writes to the head segment; the pusher reads
// sealed segments oldest first and deletes each once sent. When the spool outgrows
// its bound the oldest segment is dropped and its unsent events counted. The cursor
// file remembers how far the oldest segment was sent, so a restart resends at most
// one batch (delivery is at-least-once).
type spool struct {
	dir      string
	max      int64
	segMax   int64
	mu       sync.Mutex
	segs     []*segment // oldest first; the last is the head
	head     *os.File   // nil after close or a failed roll
	buf, tmp []byte
}

type segment struct {
	seq         uint64
	size        int64 // bytes written
	events      int
	acked       int64 // bytes sent or given up on
	ackedEvents int
}

// spoolPos says how far a batch read from a segment reaches.
type spoolPos struct {
	seq uint64
	off int64
	n   int
}

type spoolEntry struct {
	ts   int64
	ls   []labelPair
	text string
}

const cursorFile = "cursor"

func segPath(dir string, seq uint64) string { return filepath.Join(dir, fmt.Sprintf("%016d.seg", seq)) }

func openSpool(dir string, maxBytes int64) (*spool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create loki spool: %w", err)
	}
	sp := &spool{dir: dir, max: maxBytes, segMax: max(maxBytes/4, 4<<10)}
	seqs, err := listSegments(dir)
	if err != nil {
		return nil, err
	}
	for _, seq := range seqs {
		seg, err := recoverSegment(segPath(dir, seq), seq)
		if err != nil {
			return nil, err
		}
		sp.segs = append(sp.segs, seg)
	}
	sp.applyCursor()
	var next uint64 = 1
	if n := len(seqs); n > 0 {
		next = seqs[n-1] + 1
	}
	if err := sp.newHeadLocked(next); err != nil {
		return nil, err
	}
	sp.gauges()
	return sp, nil
}

func listSegments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("list loki spool: %w", err)
	}
	var seqs []uint64
	for _, e := range entries {
		if seq, err := strconv.ParseUint(strings.TrimSuffix(e.Name(), ".seg"), 10, 64); err == nil && strings.HasSuffix(e.Name(), ".seg") {
			seqs = append(seqs, seq)
		}
	}
	slices.Sort(seqs)
	return seqs, nil
}

// recoverSegment counts a segment's records and cuts a torn tail left by a crash.
func recoverSegment(path string, seq uint64) (*segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spool segment: %w", err)
	}
	defer f.Close()
	seg := &segment{seq: seq}
	rr := newRecordReader(f)
	for ; ; seg.events++ {
		if _, err := rr.Next(); err != nil {
			break
		}
	}
	seg.size = rr.Off
	if st, err := f.Stat(); err == nil && st.Size() > seg.size {
		tornRecords.Inc()
		if err := os.Truncate(path, seg.size); err != nil {
			return nil, fmt.Errorf("cut torn spool tail: %w", err)
		}
	}
	return seg, nil
}

func (sp *spool) applyCursor() {
	b, err := os.ReadFile(filepath.Join(sp.dir, cursorFile))
	if err != nil {
		return
	}
	var seq uint64
	var off int64
	var n int
	if _, err := fmt.Sscan(string(b), &seq, &off, &n); err != nil {
		return
	}
	for _, seg := range sp.segs {
		if seg.seq == seq && off <= seg.size && n <= seg.events {
			seg.acked, seg.ackedEvents = off, n
		}
	}
}

func (sp *spool) newHeadLocked(seq uint64) error {
	f, err := os.OpenFile(segPath(sp.dir, seq), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("create spool segment: %w", err)
	}
	sp.head = f
	sp.segs = append(sp.segs, &segment{seq: seq})
	return nil
}

// write appends events to the head segment (no fsync: a segment is synced when it is
// sealed; the store itself already holds the events durably).
func (sp *spool) write(evs []pending) error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.head == nil {
		return errors.New("loki spool is closed or its head segment could not be created")
	}
	sp.buf = sp.buf[:0]
	for _, e := range evs {
		sp.tmp = encodeFull(sp.tmp[:0], e.ts, e.ls, e.text)
		sp.buf = appendRecord(sp.buf, sp.tmp)
	}
	h := sp.segs[len(sp.segs)-1]
	if _, err := sp.head.Write(sp.buf); err != nil {
		_ = sp.head.Truncate(h.size)
		return fmt.Errorf("write spool: %w", err)
	}
	h.size += int64(len(sp.buf))
	h.events += len(evs)
	var err error
	if h.size >= sp.segMax {
		err = sp.sealLocked()
	}
	sp.enforceLocked()
	sp.gauges()
	return err
}

// seal closes a non-empty head so the pusher can read it; it reports whether it did.
func (sp *spool) seal() (bool, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.head == nil || sp.segs[len(sp.segs)-1].size == 0 {
		return false, nil
	}
	return true, sp.sealLocked()
}

func (sp *spool) sealLocked() error {
	h := sp.segs[len(sp.segs)-1]
	err := errors.Join(sp.head.Sync(), sp.head.Close())
	sp.head = nil
	if err != nil {
		return fmt.Errorf("seal spool segment: %w", err)
	}
	return sp.newHeadLocked(h.seq + 1)
}

// enforceLocked drops the oldest sealed segments while the spool is over its bound.
func (sp *spool) enforceLocked() {
	for len(sp.segs) > 1 && sp.totalLocked() > sp.max {
		old := sp.segs[0]
		_ = os.Remove(segPath(sp.dir, old.seq))
		sp.segs = sp.segs[1:]
		lokiDroppedFull.Add(old.events - old.ackedEvents)
	}
}

func (sp *spool) totalLocked() int64 {
	var n int64
	for _, s := range sp.segs {
		n += s.size
	}
	return n
}

func (sp *spool) gauges() {
	var pendingBytes int64
	for _, s := range sp.segs {
		pendingBytes += s.size - s.acked
	}
	lokiSpoolBytes.Set(float64(sp.totalLocked()))
	lokiPendingBytes.Set(float64(pendingBytes))
}

// pendingBytes is what still waits to be sent, for tests and status pages.
func (sp *spool) pendingBytes() int64 {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	var n int64
	for _, s := range sp.segs {
		n += s.size - s.acked
	}
	return n
}

func (sp *spool) close() error {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.head == nil {
		return nil
	}
	err := errors.Join(sp.head.Sync(), sp.head.Close())
	sp.head = nil
	return err
}
