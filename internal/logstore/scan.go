package logstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// position orders events: time, then place in the day's record stream. Records
// keep their place when a day is compressed, so a cursor survives compaction.
type position struct{ ts, off int64 }

func (a position) before(b position) bool { return a.ts < b.ts || a.ts == b.ts && a.off < b.off }

// String is the cursor form: "<unix nanos>.<offset>".
func (a position) String() string {
	return strconv.FormatInt(a.ts, 10) + "." + strconv.FormatInt(a.off, 10)
}

func parseCursor(s string) (position, error) {
	t, o, ok := strings.Cut(s, ".")
	ts, err1 := strconv.ParseInt(t, 10, 64)
	off, err2 := strconv.ParseInt(o, 10, 64)
	if !ok || err1 != nil || err2 != nil || len(s) > 48 {
		return position{}, fmt.Errorf("invalid cursor %q: pass back the next value of the previous page", s)
	}
	return position{ts, off}, nil
}

// hit is a match before it becomes an Event: labels are built only for the
// events that survive the limit.
type hit struct {
	ts, off int64
	id      uint32
	fields  string // encoded (decodeFields)
	text    string
}

// topHits keeps the first limit hits of a day in the query's order without
// holding every match: past 2×limit it sorts and cuts, and from then on a
// candidate that would be cut anyway costs no allocation.
type topHits struct {
	hs     []hit
	limit  int
	dir    Direction
	cutoff *position
}

func (t *topHits) first(a, b position) bool {
	if t.dir == Forward {
		return a.before(b)
	}
	return b.before(a)
}

func (t *topHits) add(p position, id uint32, fields, text []byte) {
	if t.cutoff != nil && !t.first(p, *t.cutoff) {
		return
	}
	t.hs = append(t.hs, hit{ts: p.ts, off: p.off, id: id, fields: string(fields), text: string(text)})
	if len(t.hs) >= 2*t.limit {
		t.cut()
	}
}

func (t *topHits) cut() []hit {
	slices.SortFunc(t.hs, func(a, b hit) int {
		pa, pb := position{a.ts, a.off}, position{b.ts, b.off}
		if t.dir == Backward {
			pa, pb = pb, pa
		}
		return cmp.Or(cmp.Compare(pa.ts, pb.ts), cmp.Compare(pa.off, pb.off))
	})
	if len(t.hs) > t.limit {
		clear(t.hs[t.limit:])
		t.hs = t.hs[:t.limit]
	}
	if len(t.hs) == t.limit && t.limit > 0 {
		last := t.hs[len(t.hs)-1]
		t.cutoff = &position{last.ts, last.off}
	}
	return t.hs
}

// scanner reads records for one request, within its budget and its context.
type scanner struct {
	ctx     context.Context
	left    int64 // records still allowed; negative: no budget
	scanned int64
}

// read calls fn for every intact record of r, stopping at a torn one. base is the
// place of r's first record in the day's record stream.
func (sc *scanner) read(r io.Reader, base int64, fn func(p position, id uint32, fields, text []byte)) error {
	rr := newRecordReader(r)
	for {
		if err := sc.step(); err != nil {
			return err
		}
		off := rr.Off
		p, err := rr.Next()
		if err == io.EOF {
			sc.unstep()
			return nil
		}
		ts, id, fields, text, derr := decodeEvent(p)
		if err != nil || derr != nil {
			sc.unstep()
			tornRecords.Inc()
			return nil
		}
		fn(position{ts, base + off}, id, fields, text)
	}
}

// step accounts for one record about to be read: the deadline is checked every
// 4096 records, the budget at each.
func (sc *scanner) step() error {
	if sc.scanned%4096 == 0 && sc.ctx.Err() != nil {
		return context.Cause(sc.ctx)
	}
	if sc.left == 0 {
		return errScanBudget
	}
	sc.left--
	sc.scanned++
	return nil
}

// unstep gives back a step that found no record.
func (sc *scanner) unstep() {
	sc.left++
	sc.scanned--
}

// daySnapshot is what a reader may see of a day, opened under the store's lock so
// that a compaction's swap or a deletion cannot pull files from under it.
type daySnapshot struct {
	z           *swzFile // compressed part, nil without one
	live        *os.File // events.log, nil without one
	liveBase    int64    // place of live's first record in the day's record stream
	limit       int64    // committed length of live; -1 reads to the first torn record
	chunks      []block  // live's time index up to limit (open days only)
	streams     [][]labelPair
	haveStreams bool
	liveStreams *os.File // streams.log of a day not open for writing
}

func (s *Store) snapshot(day string) (*daySnapshot, error) {
	snap := &daySnapshot{limit: -1}
	s.mu.Lock()
	p, err := s.readPartitionLocked(day)
	if err == nil {
		err = snap.open(filepath.Join(s.opts.Dir, day), p)
	}
	s.mu.Unlock()
	if err == nil && !snap.haveStreams {
		err = snap.loadStreams()
	}
	if err != nil {
		snap.close()
		return nil, err
	}
	return snap, nil
}

// readPartitionLocked returns the day's open partition, opening today's for a
// reader too: after a restart, the first read of today rebuilds its time index
// (as the first write would) instead of every read scanning the whole day.
func (s *Store) readPartitionLocked(day string) (*partition, error) {
	if p, ok := s.parts[day]; ok || s.closed || day != dayOf(s.opts.Now()) {
		return p, nil
	}
	if _, err := os.Stat(filepath.Join(s.opts.Dir, day, eventsFile)); err != nil {
		return nil, nil
	}
	return s.partitionLocked(day)
}

func (snap *daySnapshot) open(dir string, p *partition) error {
	var err error
	if snap.z, err = openSWZ(filepath.Join(dir, swzName)); err != nil {
		return err
	}
	if snap.z != nil {
		snap.liveBase = rawEnd(snap.z.ix.events)
	}
	if snap.live, err = openIfExists(filepath.Join(dir, eventsFile)); err != nil {
		return err
	}
	if p != nil {
		snap.streams, snap.limit, snap.haveStreams = p.streams[:len(p.streams):len(p.streams)], p.size, true
		snap.chunks = slices.Clone(p.index.chunks)
		return nil
	}
	snap.liveStreams, err = openIfExists(filepath.Join(dir, streamsFile))
	return err
}

func (snap *daySnapshot) loadStreams() error {
	var err error
	if snap.z != nil {
		if snap.streams, err = snap.z.streamsOf(); err != nil {
			return err
		}
	}
	if snap.liveStreams != nil {
		snap.streams, _, err = loadStreamsFrom(snap.liveStreams, snap.streams)
	}
	return err
}

func (snap *daySnapshot) close() {
	_ = snap.z.close()
	for _, f := range []*os.File{snap.live, snap.liveStreams} {
		if f != nil {
			_ = f.Close()
		}
	}
}

// queryDay returns one day's first want matches in the query's order, and the
// day's label sets they refer to.
func (s *Store) queryDay(c *compiled, day string, want int, sc *scanner) ([]hit, [][]labelPair, error) {
	snap, err := s.snapshot(day)
	if err != nil {
		return nil, nil, err
	}
	defer snap.close()
	wanted := wantStreams(c, snap.streams)
	if wanted == nil {
		return nil, nil, nil
	}
	top := &topHits{limit: want, dir: c.Direction}
	visit := func(p position, id uint32, fields, text []byte) {
		if int(id) >= len(wanted) || snap.streams[id] == nil {
			orphanEvents.Inc() // its label set was lost to a crash
			return
		}
		if wanted[id] && c.inRange(p) && c.matchFields(fields) && c.fold.contains(text) {
			top.add(p, id, fields, text)
		}
	}
	if err := scanCompressed(c, snap.z, sc, top, visit); err != nil {
		return nil, nil, err
	}
	if err := scanLive(c, snap, sc, top, visit); err != nil {
		return nil, nil, err
	}
	return top.cut(), snap.streams, nil
}

// scanCompressed reads the blocks of a day file that can hold events in range.
func scanCompressed(c *compiled, z *swzFile, sc *scanner, top *topHits, visit func(position, uint32, []byte, []byte)) error {
	if z == nil {
		return nil
	}
	var buf []byte
	return scanBlocks(c, z.ix.events, top, func(b block) error {
		var err error
		if buf, err = z.readBlock(b, buf, false); err != nil {
			tornRecords.Inc() // a damaged block costs its own events only
			return nil
		}
		if err := eachColumnar(buf, b.rawOff, sc.step, visit); err != nil && !errors.Is(err, errColumns) {
			return err
		} else if err != nil {
			tornRecords.Inc()
		}
		return nil
	})
}

// beyond: the page is full and no event of b can come before its last one.
func (t *topHits) beyond(b block) bool {
	if t.cutoff == nil {
		return false
	}
	if t.dir == Backward {
		return b.maxTs < t.cutoff.ts
	}
	return b.minTs > t.cutoff.ts
}
