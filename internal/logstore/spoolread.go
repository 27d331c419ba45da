package logstore

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// next reads up to limit entries from the oldest sealed segment.
func (sp *spool) next(limit int) ([]spoolEntry, spoolPos, bool, error) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if len(sp.segs) < 2 {
		return nil, spoolPos{}, false, nil
	}
	seg := sp.segs[0]
	f, err := os.Open(segPath(sp.dir, seg.seq))
	if err != nil {
		return nil, spoolPos{}, false, fmt.Errorf("open spool segment: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(seg.acked, io.SeekStart); err != nil {
		return nil, spoolPos{}, false, fmt.Errorf("seek spool segment: %w", err)
	}
	entries, pos := readSpoolBatch(f, seg, limit)
	return entries, pos, true, nil
}

// readSpoolBatch decodes a batch; a corrupt record gives up on the rest of the
// segment (counted) rather than blocking the queue forever.
func readSpoolBatch(r io.Reader, seg *segment, limit int) ([]spoolEntry, spoolPos) {
	rr := newRecordReader(r)
	rr.Off = seg.acked
	var out []spoolEntry
	for len(out) < limit {
		p, err := rr.Next()
		if err == io.EOF {
			break
		}
		ts, ls, text, derr := decodeFull(p)
		if err != nil || derr != nil {
			lokiDroppedTorn.Add(max(0, seg.events-seg.ackedEvents-len(out)))
			return out, spoolPos{seq: seg.seq, off: seg.size, n: seg.events - seg.ackedEvents}
		}
		out = append(out, spoolEntry{ts: ts, ls: ls, text: text})
	}
	return out, spoolPos{seq: seg.seq, off: rr.Off, n: len(out)}
}

// ack records a batch as done and deletes the segment once all of it is.
func (sp *spool) ack(pos spoolPos) {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	i := slices.IndexFunc(sp.segs, func(s *segment) bool { return s.seq == pos.seq })
	if i < 0 || i == len(sp.segs)-1 {
		return // dropped meanwhile as the spool was full
	}
	seg := sp.segs[i]
	seg.acked, seg.ackedEvents = pos.off, seg.ackedEvents+pos.n
	if seg.acked >= seg.size {
		_ = os.Remove(segPath(sp.dir, seg.seq))
		sp.segs = slices.Delete(sp.segs, i, i+1)
	}
	cursor := fmt.Sprintf("%d %d %d\n", seg.seq, seg.acked, seg.ackedEvents)
	_ = os.WriteFile(filepath.Join(sp.dir, cursorFile), []byte(cursor), 0o644)
	sp.gauges()
}
