package spool

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sync/atomic"
)

// Batch is a run of records from the oldest unconfirmed one, out to the reader
// until Ack or Release.
type Batch struct {
	Records []Record

	seg     *segment
	end     int64 // offset after its last record
	count   int
	dropped atomic.Bool
}

// Count is the sum of the records' counts.
func (b *Batch) Count() int { return b.count }

// Dropped reports that the bound dropped the batch's segment while it was out:
// the reader may stop retrying it and Release it (which counts it as dropped).
func (b *Batch) Dropped() bool { return b.dropped.Load() }

var errBatchOut = errors.New("spool: a batch is already out; Ack or Release it first")

// Next returns up to limit records from the oldest unconfirmed one, or nil when
// there are none. It reads the newest segment too, up to its last whole record.
// A segment that turns out damaged gives the records before the damage; the
// rest is counted (Corrupt) and skipped.
func (s *Spool) Next(limit int) (*Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out != nil {
		return nil, errBatchOut
	}
	for len(s.segs) > 0 {
		seg := s.segs[0]
		b, err := s.readLocked(seg, max(limit, 1))
		if err != nil {
			return nil, err
		}
		if len(b.Records) > 0 {
			s.out = b
			return b, nil
		}
		s.finishLocked(seg) // nothing readable is left in it
	}
	return nil, nil
}

func (s *Spool) readLocked(seg *segment, limit int) (*Batch, error) {
	b := &Batch{seg: seg, end: seg.acked}
	if seg.acked >= seg.size {
		return b, nil
	}
	f, err := os.Open(s.path(seg.id))
	if err != nil {
		s.lostLocked(seg, b, err) // the file went away under us
		return b, nil
	}
	defer f.Close()
	if _, err := f.Seek(seg.acked, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seek spool segment: %w", err)
	}
	rd := newReader(io.LimitReader(f, seg.size-seg.acked), s.opts.MaxRecord, seg.acked)
	for len(b.Records) < limit && rd.off < seg.size {
		r, err := rd.next()
		if err != nil {
			s.lostLocked(seg, b, err)
			break
		}
		b.Records = append(b.Records, Record{Count: r.Count, Data: bytes.Clone(r.Data)})
		b.count += r.Count
		b.end = rd.off
	}
	return b, nil
}

// lostLocked gives up the part of seg after batch b: the segment ends where b
// does, and what it held beyond is counted.
func (s *Spool) lostLocked(seg *segment, b *Batch, err error) {
	s.damaged(s.path(seg.id), err, b.end)
	if s.head != nil && seg == s.segs[len(s.segs)-1] {
		_ = s.sealLocked() // appends go on in a new segment, after the damage
	}
	s.opts.Dropped(Corrupt, seg.count-seg.ackedCount-b.count)
	s.total -= seg.size - b.end
	seg.size, seg.count = b.end, seg.ackedCount+b.count
}

// Ack confirms a batch: the receiver took it (or refused it for good). Its
// records are trimmed; a segment confirmed to its end is removed.
func (s *Spool) Ack(b *Batch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == b {
		s.out = nil
	}
	if b.dropped.Load() {
		return // the bound removed its segment meanwhile
	}
	seg := b.seg
	seg.acked, seg.ackedCount = b.end, seg.ackedCount+b.count
	if seg.acked >= seg.size {
		s.finishLocked(seg)
		return
	}
	s.saveCursorLocked()
}

// Release gives a batch back unconfirmed (shutdown, or given up after the bound
// dropped it): its records are read again by the next Next, or after a restart.
// A batch whose segment was dropped is counted as dropped now.
func (s *Spool) Release(b *Batch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == b {
		s.out = nil
	}
	if b.dropped.Load() {
		s.opts.Dropped(Full, b.count)
	}
}
