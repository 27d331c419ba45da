package storage

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// firstSegmentID leaves room below it for segments written in front of the
// oldest one (samples that were in memory at shutdown are older than the spool).
const firstSegmentID = 1 << 40

// segment is one spool file.
type segment struct {
	id      uint64
	size    int64
	samples int         // -1 when found at start-up and not read yet
	dropped atomic.Bool // set when the bound dropped it while the sender held it
}

// spool is the bounded on-disk queue of one receiver: segment files in dir,
// oldest first. Total bytes stay within max: when a write would exceed it, the
// oldest segment is dropped, counted and logged.
type spool struct {
	dir    string
	max    int64 // bytes of all segments, the checked-out one included
	segMax int64 // a segment is sealed once it reaches this size
	log    *slog.Logger
	m      *queueMetrics

	mu     sync.Mutex
	segs   []*segment // listed segments, oldest first
	tail   *os.File   // open for appends: the file of segs[len(segs)-1]
	out    *segment   // held by the sender
	total  int64
	nextID uint64
	notify chan struct{} // a record was spooled
}

func (s *spool) bytes() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

func (s *spool) segments() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.segs)
}

func (s *spool) emptyLocked() bool { return len(s.segs) == 0 }

// append spools one record at the newest end.
func (s *spool) append(r record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(r)
}

func (s *spool) appendLocked(r record) error {
	need := int64(recHeaderSize + len(r.data))
	if need+int64(len(segMagic)) > s.max {
		s.m.dropSpoolFull.Add(r.samples)
		return fmt.Errorf("batch of %d bytes exceeds max_spool_bytes %d", need, s.max)
	}
	s.makeRoomLocked(need + int64(len(segMagic)))
	if err := s.openTailLocked(); err != nil {
		return err
	}
	if _, err := s.tail.Write(appendRecord(nil, r)); err != nil {
		return fmt.Errorf("write spool %s: %w", s.tail.Name(), err)
	}
	seg := s.segs[len(s.segs)-1]
	seg.size += need
	seg.samples += r.samples
	s.total += need
	if seg.size >= s.segMax {
		s.sealLocked()
	}
	s.signal()
	return nil
}

func (s *spool) signal() {
	select {
	case s.notify <- struct{}{}:
	default:
	}
}

func (s *spool) openTailLocked() error {
	if s.tail != nil {
		return nil
	}
	seg := &segment{id: s.nextID}
	f, err := s.create(seg)
	if err != nil {
		return err
	}
	s.nextID++
	s.tail = f
	s.segs = append(s.segs, seg)
	s.total += seg.size
	return nil
}

// create makes a segment file holding only the magic.
func (s *spool) create(seg *segment) (*os.File, error) {
	path := filepath.Join(s.dir, segmentName(seg.id))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create spool segment: %w", err)
	}
	if _, err := f.WriteString(segMagic); err != nil {
		f.Close()
		return nil, fmt.Errorf("write spool segment %s: %w", path, err)
	}
	seg.size = int64(len(segMagic))
	return f, nil
}

// sealLocked closes the tail file; the next append starts a new segment.
func (s *spool) sealLocked() {
	if s.tail != nil {
		if err := s.tail.Close(); err != nil {
			s.log.Warn("close spool segment", "err", err)
		}
		s.tail = nil
	}
}

// prepend writes records (oldest first) as a new segment in front of all others.
func (s *spool) prepend(recs []record) error {
	if len(recs) == 0 {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.segs) == 0 && s.out == nil {
		for _, r := range recs {
			if err := s.appendLocked(r); err != nil {
				return err
			}
		}
		return nil
	}
	return s.prependLocked(recs)
}

func (s *spool) prependLocked(recs []record) error {
	seg := &segment{id: s.oldestIDLocked() - 1}
	buf := []byte(segMagic)
	for _, r := range recs {
		buf = appendRecord(buf, r)
		seg.samples += r.samples
	}
	s.makeRoomLocked(int64(len(buf)))
	path := filepath.Join(s.dir, segmentName(seg.id))
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		s.m.dropSpoolErr.Add(seg.samples)
		return fmt.Errorf("write spool segment %s: %w", path, err)
	}
	seg.size = int64(len(buf))
	s.total += seg.size
	s.segs = append([]*segment{seg}, s.segs...)
	s.signal()
	return nil
}

func (s *spool) oldestIDLocked() uint64 {
	id := s.nextID
	if len(s.segs) > 0 {
		id = s.segs[0].id
	}
	if s.out != nil && s.out.id < id {
		id = s.out.id
	}
	return id
}

// makeRoomLocked drops the oldest segments until need more bytes fit. The segment
// the sender holds goes last: it is marked, and the sender abandons it.
func (s *spool) makeRoomLocked(need int64) {
	for s.total+need > s.max {
		var seg *segment
		switch {
		case s.out != nil && !s.out.dropped.Load():
			seg = s.out
			seg.dropped.Store(true)
		case len(s.segs) > 0:
			seg = s.segs[0]
			if len(s.segs) == 1 {
				s.sealLocked()
			}
			s.segs = s.segs[1:]
		default:
			return
		}
		s.dropLocked(seg)
	}
}

func (s *spool) dropLocked(seg *segment) {
	path := filepath.Join(s.dir, segmentName(seg.id))
	if seg.samples < 0 {
		seg.samples = countSamples(path)
	}
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		s.log.Warn("remove spool segment", "path", path, "err", err)
	}
	s.total -= seg.size
	s.m.dropSpoolFull.Add(seg.samples)
	s.log.Warn("remote_write spool full: dropped the oldest segment",
		"segment", path, "samples", seg.samples, "max_spool_bytes", s.max,
		"hint", "the receiver has been unreachable longer than the spool can hold; fix the receiver or raise max_spool_bytes")
}

func (s *spool) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tail == nil {
		return nil
	}
	err := s.tail.Sync()
	s.sealLocked()
	if err != nil {
		return fmt.Errorf("sync spool %s: %w", s.dir, err)
	}
	return nil
}
