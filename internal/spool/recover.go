package spool

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// recoverAll checks the segments left in the directory and applies the cursor.
func (s *Spool) recoverAll() error {
	ids, err := listSegments(s.opts.Dir)
	if err != nil {
		return err
	}
	cursor := readCursor(s.opts.Dir)
	for _, id := range ids {
		seg, err := s.recoverSegment(id, cursor[id])
		if err != nil {
			return err
		}
		if seg != nil {
			s.segs = append(s.segs, seg)
			s.total += seg.size
		}
		s.nextID = max(s.nextID, id+1)
	}
	s.saveCursorLocked() // drops entries of segments that are gone
	return nil
}

// recoverSegment reads one segment through, cuts a damaged tail and takes the
// confirmed offset from the cursor when it falls on a record boundary (a cursor
// that does not is ignored: the segment is sent again from its start). It
// returns nil for a segment with nothing left to send, after removing it.
func (s *Spool) recoverSegment(id uint64, confirmed int64) (*segment, error) {
	path := s.path(id)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spool segment: %w", err)
	}
	defer f.Close()
	seg := &segment{id: id, acked: magicLen}
	rd := newReader(f, s.opts.MaxRecord, 0)
	err = rd.readMagic()
	for err == nil {
		var r Record
		if r, err = rd.next(); err == nil {
			seg.count += r.Count
			if rd.off == confirmed {
				seg.acked, seg.ackedCount = confirmed, seg.count
			}
		}
	}
	seg.size = max(rd.off, magicLen)
	if !errors.Is(err, io.EOF) {
		s.damaged(path, err, rd.off)
	}
	if rd.off <= magicLen || seg.acked == seg.size {
		return nil, s.remove(path)
	}
	if st, err := f.Stat(); err == nil && st.Size() > seg.size {
		if err := os.Truncate(path, seg.size); err != nil {
			return nil, fmt.Errorf("cut damaged spool segment: %w", err)
		}
	}
	return seg, nil
}

func (s *Spool) damaged(path string, err error, intact int64) {
	s.opts.Damaged()
	s.opts.Logger.Warn("spool segment damaged: keeping the records before the damage, the rest is lost",
		"segment", path, "intact_bytes", max(intact, 0), "err", err)
}

func (s *Spool) remove(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove spool segment: %w", err)
	}
	return nil
}

// readCursor reads "id offset" lines; a damaged file only loses confirmations,
// which means sending again, never skipping.
func readCursor(dir string) map[uint64]int64 {
	out := map[uint64]int64{}
	f, err := os.Open(filepath.Join(dir, cursorFile))
	if err != nil {
		return out
	}
	defer f.Close()
	sc := bufio.NewScanner(io.LimitReader(f, 64<<10))
	for sc.Scan() {
		var id uint64
		var off int64
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &id, &off); err == nil {
			out[id] = off
		}
	}
	return out
}

// saveCursorLocked records the confirmed offset of every partly sent segment
// (write, then rename, so a crash leaves the old cursor or the new one), or
// removes the file when there is none.
func (s *Spool) saveCursorLocked() {
	var b strings.Builder
	for _, seg := range s.segs {
		if seg.acked > magicLen {
			fmt.Fprintf(&b, "%d %d\n", seg.id, seg.acked)
		}
	}
	path := filepath.Join(s.opts.Dir, cursorFile)
	var err error
	if b.Len() == 0 {
		if err = os.Remove(path); errors.Is(err, os.ErrNotExist) {
			err = nil
		}
	} else if err = os.WriteFile(path+".tmp", []byte(b.String()), 0o600); err == nil {
		err = os.Rename(path+".tmp", path)
	}
	if err != nil {
		s.opts.Logger.Warn("save spool cursor: after a restart some records may be sent twice", "err", err)
	}
}
