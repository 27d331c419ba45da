package spool

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
)

// ErrTooLarge refuses a record that could never fit under the bound.
var ErrTooLarge = errors.New("record larger than the spool can hold")

var errClosed = errors.New("spool is closed")

// Append spools records at the newest end, in order. Records that are invalid
// or too large refuse the whole call before anything is written.
func (s *Spool) Append(recs ...Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.appendLocked(recs)
}

// Offer hands r to direct instead of the disk while the spool holds nothing, so
// that a reader keeping up never waits for a file; direct runs under the spool's
// lock, which keeps delivery in order, and reports whether it took r (it must
// not block). Otherwise r is appended.
func (s *Spool) Offer(r Record, direct func() bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.segs) == 0 && direct() {
		return nil
	}
	return s.appendLocked([]Record{r})
}

func (s *Spool) appendLocked(recs []Record) error {
	if err := s.check(recs); err != nil {
		return err
	}
	for len(recs) > 0 {
		n, err := s.writeChunkLocked(recs)
		if err != nil {
			return err
		}
		recs = recs[n:]
	}
	s.signal()
	return nil
}

func (s *Spool) check(recs []Record) error {
	if s.closed {
		return errClosed
	}
	for _, r := range recs {
		switch {
		case len(r.Data) == 0, r.Count < 0, r.Count > math.MaxUint32:
			return fmt.Errorf("spool record of %d bytes, count %d: invalid", len(r.Data), r.Count)
		case len(r.Data) > s.opts.MaxRecord, headerSize+int64(len(r.Data))+magicLen > s.opts.MaxBytes:
			return fmt.Errorf("%w: %d bytes, bound %d", ErrTooLarge, len(r.Data), s.opts.MaxBytes)
		}
	}
	return nil
}

// writeChunkLocked writes, in one write, as many records as the head segment
// takes (at least one) and returns how many.
func (s *Spool) writeChunkLocked(recs []Record) (int, error) {
	room := s.segMax - magicLen
	if s.head != nil {
		room = s.segMax - s.segs[len(s.segs)-1].size
	}
	buf, n, count := s.buf[:0], 0, 0
	for ; n < len(recs) && (n == 0 || int64(len(buf)+headerSize+len(recs[n].Data)) <= room); n++ {
		buf = appendRecord(buf, recs[n])
		count += recs[n].Count
	}
	s.buf = buf
	s.makeRoomLocked(int64(len(buf)))
	if err := s.openHeadLocked(); err != nil {
		return 0, err
	}
	seg := s.segs[len(s.segs)-1]
	if _, err := s.head.Write(buf); err != nil {
		if terr := s.head.Truncate(seg.size); terr != nil {
			_ = s.sealLocked() // the next append starts a clean segment; Open cuts the torn tail
		}
		return 0, fmt.Errorf("write spool %s: %w", s.opts.Dir, err)
	}
	seg.size += int64(len(buf))
	seg.count += count
	s.total += int64(len(buf))
	if seg.size >= s.segMax {
		if err := s.sealLocked(); err != nil {
			s.opts.Logger.Warn("seal spool segment", "err", err)
		}
	}
	return n, nil
}

// makeRoomLocked drops the oldest segments until need more bytes (and a new
// segment's magic, if one must be opened) fit under the bound.
func (s *Spool) makeRoomLocked(need int64) {
	for len(s.segs) > 0 {
		extra := int64(0)
		if s.head == nil {
			extra = magicLen
		}
		if s.total+need+extra <= s.opts.MaxBytes {
			return
		}
		s.dropOldestLocked()
	}
}

func (s *Spool) dropOldestLocked() {
	seg := s.segs[0]
	lost := seg.count - seg.ackedCount
	if s.out != nil && s.out.seg == seg {
		lost -= s.out.count // counted by Release if the reader gives it up
		s.out.dropped.Store(true)
	}
	s.finishLocked(seg)
	s.opts.Dropped(Full, lost)
	s.opts.Logger.Warn("spool full: dropped the oldest segment",
		"dir", s.opts.Dir, "lost", lost, "max_bytes", s.opts.MaxBytes,
		"hint", "the receiver has been unreachable longer than the spool can hold; fix the receiver or raise max_spool_size")
}

// finishLocked removes a segment that is confirmed, dropped or unreadable.
func (s *Spool) finishLocked(seg *segment) {
	i := slices.Index(s.segs, seg)
	if i < 0 {
		return
	}
	if i == len(s.segs)-1 && s.head != nil {
		// Closed, not sealed: a file removed next needs no fsync.
		if err := s.head.Close(); err != nil {
			s.opts.Logger.Warn("close spool segment", "err", err)
		}
		s.head = nil
	}
	s.segs = slices.Delete(s.segs, i, i+1)
	s.total -= seg.size
	if err := s.remove(s.path(seg.id)); err != nil {
		s.opts.Logger.Warn("remove spool segment", "err", err)
	}
	if seg.acked > magicLen {
		s.saveCursorLocked()
	}
}

func (s *Spool) openHeadLocked() error {
	if s.head != nil {
		return nil
	}
	f, err := s.createLocked(s.nextID, []byte(magic))
	if err != nil {
		return err
	}
	s.head = f
	s.nextID++
	return nil
}

// createLocked writes a new segment file holding data (magic and records) and
// lists it at the newest end, or at the oldest for an id below the first.
func (s *Spool) createLocked(id uint64, data []byte) (*os.File, error) {
	path := s.path(id)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create spool segment: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		_ = os.Remove(path)
		return nil, fmt.Errorf("write spool segment %s: %w", path, err)
	}
	seg := &segment{id: id, size: int64(len(data)), acked: magicLen}
	if len(s.segs) > 0 && id < s.segs[0].id {
		s.segs = slices.Insert(s.segs, 0, seg)
	} else {
		s.segs = append(s.segs, seg)
	}
	s.total += seg.size
	return f, nil
}

// Prepend writes records (oldest first) as a new segment in front of all others:
// batches that were still in memory at shutdown are older than anything spooled.
// Being the oldest, those that do not fit under the bound are dropped and counted.
func (s *Spool) Prepend(recs []Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(recs) == 0 {
		return nil
	}
	if len(s.segs) == 0 {
		return s.appendLocked(recs)
	}
	if err := s.check(recs); err != nil {
		return err
	}
	from, size := len(recs), magicLen // recs[from:] fit, the newest of them
	for ; from > 0 && s.total+size+headerSize+int64(len(recs[from-1].Data)) <= s.opts.MaxBytes; from-- {
		size += headerSize + int64(len(recs[from-1].Data))
	}
	s.dropRecords(recs[:from])
	if from == len(recs) {
		return nil
	}
	buf, count := []byte(magic), 0
	for _, r := range recs[from:] {
		buf = appendRecord(buf, r)
		count += r.Count
	}
	f, err := s.createLocked(s.segs[0].id-1, buf)
	if err != nil {
		return err
	}
	s.segs[0].count = count
	s.signal()
	return errors.Join(f.Sync(), f.Close())
}

func (s *Spool) dropRecords(recs []Record) {
	if len(recs) == 0 {
		return
	}
	lost := 0
	for _, r := range recs {
		lost += r.Count
	}
	s.opts.Dropped(Full, lost)
	s.opts.Logger.Warn("spool full: dropped the oldest records", "dir", s.opts.Dir, "lost", lost, "max_bytes", s.opts.MaxBytes)
}
