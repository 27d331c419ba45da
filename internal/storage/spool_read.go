package storage

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// openSpool takes over the segments a previous run left in dir; they are sent
// first, oldest first.
func openSpool(dir string, limit int64, log *slog.Logger, m *queueMetrics) (*spool, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create spool dir: %w", err)
	}
	s := &spool{
		dir: dir, max: limit, segMax: segmentSize(limit), log: log, m: m,
		nextID: firstSegmentID, notify: make(chan struct{}, 1),
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read spool dir: %w", err)
	}
	for _, e := range entries {
		id, ok := parseSegmentName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("stat spool segment: %w", err)
		}
		s.segs = append(s.segs, &segment{id: id, size: info.Size(), samples: -1})
		s.total += info.Size()
		s.nextID = max(s.nextID, id+1)
	}
	slices.SortFunc(s.segs, func(a, b *segment) int { return cmp.Compare(a.id, b.id) })
	return s, nil
}

// segmentSize keeps about eight segments in a full spool, so that dropping the
// oldest gives back an eighth, within sane file sizes.
func segmentSize(limit int64) int64 {
	return min(max(limit/8, 4<<10), 8<<20)
}

func parseSegmentName(name string) (uint64, bool) {
	base, ok := strings.CutSuffix(name, ".seg")
	if !ok || len(base) != 20 {
		return 0, false
	}
	id, err := strconv.ParseUint(base, 10, 64)
	return id, err == nil
}

// checkout hands the oldest segment and its records to the sender, or nil when
// the spool is empty. A damaged segment gives the records before the damage; the
// rest is counted and logged.
func (s *spool) checkout() (*segment, []record) {
	for {
		seg := s.popOldest()
		if seg == nil {
			return nil, nil
		}
		recs, err := readSegment(filepath.Join(s.dir, segmentName(seg.id)))
		if err != nil {
			s.m.corruptSegments.Inc()
			s.log.Warn("remote_write spool segment damaged: sending what precedes the damage, skipping the rest",
				"segment", segmentName(seg.id), "dir", s.dir, "records_ok", len(recs), "err", err)
		}
		if len(recs) > 0 {
			return seg, recs
		}
		s.done(seg)
	}
}

func (s *spool) popOldest() *segment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.segs) == 0 {
		return nil
	}
	seg := s.segs[0]
	if len(s.segs) == 1 {
		s.sealLocked() // the sender reads a closed file; new records start a new segment
	}
	s.segs = s.segs[1:]
	s.out = seg
	return seg
}

// done removes a segment the sender has finished (or abandoned).
func (s *spool) done(seg *segment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == seg {
		s.out = nil
	}
	if seg.dropped.Load() {
		return // the bound already removed and counted it
	}
	path := filepath.Join(s.dir, segmentName(seg.id))
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		s.log.Warn("remove spool segment", "path", path, "err", err)
	}
	s.total -= seg.size
}

// release gives a segment back unfinished (shutdown): its file stays for the
// next start, which sends it again from its beginning.
func (s *spool) release(seg *segment) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.out == seg {
		s.out = nil
	}
}

// readSegment reads one segment file with a bounded read.
func readSegment(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open spool segment: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSegmentFile+1))
	if err != nil {
		return nil, fmt.Errorf("read spool segment %s: %w", path, err)
	}
	if len(b) > maxSegmentFile {
		return nil, fmt.Errorf("segment %s larger than %d bytes: %w", path, maxSegmentFile, errCorrupt)
	}
	return parseSegment(b)
}

// countSamples counts what a segment from an earlier run holds, for the drop
// counter; a damaged one counts what can be read.
func countSamples(path string) int {
	recs, err := readSegment(path)
	if err != nil && !errors.Is(err, errCorrupt) {
		return 0
	}
	n := 0
	for _, r := range recs {
		n += r.samples
	}
	return n
}
