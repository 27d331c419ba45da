// Package spool owns SwanWatch's bounded at-least-once on-disk queue: what a
// receiver has not confirmed yet waits here, across receiver outages and
// restarts. remote_write (internal/storage) and the Loki push
// (internal/logstore) both use it.
//
//   - Records (one remote-write request, one event) are appended to segment
//     files, oldest first; a segment is sealed (synced, closed) once it reaches
//     an eighth of the bound, at most 8 MiB, so dropping the oldest gives back
//     an eighth of a small spool and 8 MiB of a large one.
//   - The bound holds for all segment files together: to make room, the oldest
//     segment is dropped and what it held is counted (Options.Dropped) and
//     logged, never silently lost.
//   - One reader takes a Batch from the oldest unconfirmed record and Acks it
//     only when the receiver answered; a batch is trimmed from disk only then.
//     How far the oldest segment is confirmed is kept in a cursor file, so a
//     restart resends at most the batch that was out (at-least-once).
//   - Open checks every segment: a torn tail (a crash mid-write) or other damage
//     is cut after the last intact record and reported (Options.Damaged).
//
// Appends are not fsynced one by one (a segment is synced when sealed and on
// Close): both callers keep the data durably elsewhere (the TSDB WAL, the event
// store), and the spool exists for receiver outages, not for power loss.
package spool

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Record is one unit of delivery.
type Record struct {
	Count int    // what it carries (samples, events): the unit of the drop counts
	Data  []byte // opaque, non-empty
}

// Reason says why records were lost.
type Reason int

const (
	Full    Reason = iota // the bound dropped them
	Corrupt               // damage made them unreadable
)

// Options configures Open.
type Options struct {
	Dir       string
	MaxBytes  int64 // bound of all segment files together; at least 4 KiB
	MaxRecord int   // largest Record.Data, default 64 MiB; a longer length on disk is damage
	Logger    *slog.Logger

	// Dropped receives the Count of records lost; Damaged is called once per
	// damaged segment. Both run under the spool's lock and must not call it.
	Dropped func(reason Reason, count int)
	Damaged func()
}

// firstID leaves room below it for segments written in front of the oldest one
// (Prepend: batches that were in memory at shutdown are older than the spool).
const firstID = 1 << 40

const cursorFile = "cursor"

// Spool is a bounded on-disk queue. It is safe for concurrent use by appenders
// and one reader.
type Spool struct {
	opts   Options
	segMax int64 // a segment is sealed once it reaches this size
	notify chan struct{}

	mu     sync.Mutex
	segs   []*segment // oldest first
	head   *os.File   // open for appends: the file of the last segment; nil when sealed
	out    *Batch     // the reader's batch, until Ack or Release
	total  int64      // bytes of all segment files
	nextID uint64
	closed bool
	buf    []byte
}

// segment is one file. Offsets below acked are confirmed.
type segment struct {
	id         uint64
	size       int64 // bytes of intact records, magic included
	count      int   // Count of all its records
	acked      int64
	ackedCount int
}

// Open takes over the segments a previous run left in dir; they come first,
// oldest first, from where the cursor says the receiver had confirmed.
func Open(o Options) (*Spool, error) {
	o.MaxRecord = cmp.Or(o.MaxRecord, 64<<20)
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Dropped == nil {
		o.Dropped = func(Reason, int) {}
	}
	if o.Damaged == nil {
		o.Damaged = func() {}
	}
	if o.MaxBytes < 4<<10 {
		return nil, fmt.Errorf("spool %s: max bytes %d under 4 KiB", o.Dir, o.MaxBytes)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create spool dir: %w", err)
	}
	s := &Spool{opts: o, segMax: segmentSize(o.MaxBytes), notify: make(chan struct{}, 1), nextID: firstID}
	if err := s.recoverAll(); err != nil {
		return nil, err
	}
	return s, nil
}

// segmentSize keeps about eight segments in a full small spool, and 8 MiB
// files in a large one (64 in a full 512 MiB spool).
func segmentSize(limit int64) int64 { return min(max(limit/8, 4<<10), 8<<20) }

func (s *Spool) path(id uint64) string {
	return filepath.Join(s.opts.Dir, fmt.Sprintf("%020d.seg", id))
}

// listSegments returns the ids of the segment files in dir, ascending. Names of
// any width are taken, so files of older layouts are found and checked too.
func listSegments(dir string) ([]uint64, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read spool dir: %w", err)
	}
	var ids []uint64
	for _, e := range entries {
		base, ok := strings.CutSuffix(e.Name(), ".seg")
		if id, err := strconv.ParseUint(base, 10, 64); ok && err == nil && e.Type().IsRegular() {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// Notify is signalled after records were appended: a reader that found the
// spool empty waits on it.
func (s *Spool) Notify() <-chan struct{} { return s.notify }

func (s *Spool) signal() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

// Bytes is the size of all segment files.
func (s *Spool) Bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// Pending is the size of the records not confirmed yet.
func (s *Spool) Pending() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, seg := range s.segs {
		n += seg.size - seg.acked
	}
	return n
}

// Segments is the number of segment files.
func (s *Spool) Segments() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.segs)
}

// Close syncs and closes the open segment. What is not confirmed stays for the
// next Open.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.sealLocked()
}

// sealLocked syncs and closes the head; the next append starts a new segment.
func (s *Spool) sealLocked() error {
	if s.head == nil {
		return nil
	}
	err := errors.Join(s.head.Sync(), s.head.Close())
	s.head = nil
	if err != nil {
		return fmt.Errorf("seal spool segment in %s: %w", s.opts.Dir, err)
	}
	return nil
}
