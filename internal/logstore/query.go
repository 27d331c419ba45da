package logstore

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Direction orders query results.
type Direction int

const (
	Backward Direction = iota // newest first (the default)
	Forward                   // oldest first
)

// Query limits.
const (
	DefaultLimit = 1000
	MaxLimit     = 10000
)

// Query selects events with Start <= Time <= End.
type Query struct {
	Start, End time.Time
	Matchers   string // selector, e.g. {district="义马市",kind=~"agent|snmp"}
	Text       string // case-insensitive substring of the text
	Limit      int    // default DefaultLimit, at most MaxLimit
	Direction  Direction
}

// BadQueryError is a query the caller got wrong (as opposed to a storage failure).
type BadQueryError struct{ Err error }

func (e *BadQueryError) Error() string { return "bad query: " + e.Err.Error() }
func (e *BadQueryError) Unwrap() error { return e.Err }

// compiled is a validated query.
type compiled struct {
	Query
	ms     []*Matcher
	fold   *folder
	lo, hi int64
}

func compile(q Query) (*compiled, error) {
	bad := func(err error) (*compiled, error) { return nil, &BadQueryError{Err: err} }
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Limit < 0 || q.Limit > MaxLimit {
		return bad(fmt.Errorf("limit %d outside 1..%d", q.Limit, MaxLimit))
	}
	if q.End.Before(q.Start) {
		return bad(errors.New("end is before start"))
	}
	if q.Direction != Backward && q.Direction != Forward {
		return bad(fmt.Errorf("unknown direction %d", q.Direction))
	}
	ms, err := ParseMatchers(q.Matchers)
	if err != nil {
		return bad(err)
	}
	c := &compiled{Query: q, ms: ms, fold: &folder{needle: []byte(strings.ToLower(q.Text))}, lo: q.Start.UnixNano(), hi: q.End.UnixNano()}
	return c, nil
}

// Query returns matching events, newest first unless Direction is Forward. Only the
// day partitions that overlap [Start, End] are read.
func (s *Store) Query(ctx context.Context, q Query) ([]Event, error) {
	queriesTotal.Inc()
	evs, err := s.query(ctx, q)
	var bq *BadQueryError
	switch {
	case errors.As(err, &bq):
		queryBadData.Inc()
	case err != nil:
		queryInternal.Inc()
	}
	return evs, err
}

func (s *Store) query(ctx context.Context, q Query) ([]Event, error) {
	c, err := compile(q)
	if err != nil {
		return nil, err
	}
	days, err := s.daysIn(c.Start, c.End)
	if err != nil {
		return nil, err
	}
	if c.Direction == Backward {
		slices.Reverse(days)
	}
	var out []Event
	for _, day := range days {
		evs, err := s.queryDay(ctx, c, day)
		if err != nil {
			return nil, fmt.Errorf("query day %s: %w", day, err)
		}
		out = append(out, evs...)
		if len(out) >= c.Limit {
			return out[:c.Limit], nil
		}
	}
	return out, nil
}

// daysIn lists the existing partitions overlapping [start, end], oldest first.
func (s *Store) daysIn(start, end time.Time) ([]string, error) {
	entries, err := os.ReadDir(s.opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("list days: %w", err)
	}
	first, last := dayOf(start), dayOf(end)
	var days []string
	for _, e := range entries {
		if _, ok := parseDay(e.Name()); ok && e.IsDir() && e.Name() >= first && e.Name() <= last {
			days = append(days, e.Name())
		}
	}
	return days, nil // ReadDir sorts by name, and the names sort by date
}

// daySnapshot is what a reader may see of a day: its label sets and, for a day open
// for writing, the committed length (-1 reads to the first torn record).
type daySnapshot struct {
	path    string
	streams [][]labelPair
	limit   int64
}

func (s *Store) snapshot(day string) (daySnapshot, error) {
	dir := filepath.Join(s.opts.Dir, day)
	s.mu.Lock()
	if p, ok := s.parts[day]; ok {
		snap := daySnapshot{path: filepath.Join(dir, eventsFile), streams: p.streams[:len(p.streams):len(p.streams)], limit: p.size}
		s.mu.Unlock()
		return snap, nil
	}
	s.mu.Unlock()
	streams, _, err := loadStreams(filepath.Join(dir, streamsFile))
	return daySnapshot{path: filepath.Join(dir, eventsFile), streams: streams, limit: -1}, err
}

// queryDay returns one day's matches in the query's order, at most Limit of them.
func (s *Store) queryDay(ctx context.Context, c *compiled, day string) ([]Event, error) {
	snap, err := s.snapshot(day)
	if err != nil {
		return nil, err
	}
	want := wantStreams(c.ms, snap.streams)
	if want == nil {
		return nil, nil
	}
	var hits []hit
	err = scanEvents(ctx, snap, func(ts int64, id uint32, text []byte) {
		if int(id) >= len(want) || snap.streams[id] == nil {
			orphanEvents.Inc() // its label set was lost to a crash
			return
		}
		if want[id] && ts >= c.lo && ts <= c.hi && c.fold.contains(text) {
			hits = append(hits, hit{ts: ts, id: id, text: string(text)})
		}
	})
	if err != nil {
		return nil, err
	}
	sortHits(hits, c.Direction)
	return toEvents(hits[:min(len(hits), c.Limit)], snap.streams), nil
}

// wantStreams marks the day's label sets that match; nil when none does.
func wantStreams(ms []*Matcher, streams [][]labelPair) []bool {
	want := make([]bool, len(streams))
	found := false
	for i, ls := range streams {
		want[i] = ls != nil && matchLabels(ms, ls)
		found = found || want[i]
	}
	if !found {
		return nil
	}
	return want
}

func toEvents(hits []hit, streams [][]labelPair) []Event {
	out := make([]Event, len(hits))
	for i, h := range hits {
		out[i] = Event{Time: time.Unix(0, h.ts).In(shanghai), Labels: labelMap(streams[h.id]), Text: h.text}
	}
	return out
}

// hit is a match before it becomes an Event: labels are built only for the
// events that survive the limit.
type hit struct {
	ts   int64
	id   uint32
	text string
}

// sortHits orders by time; a late event can sit anywhere in its day's file.
func sortHits(hs []hit, dir Direction) {
	slices.SortStableFunc(hs, func(a, b hit) int {
		if dir == Forward {
			return cmp.Compare(a.ts, b.ts)
		}
		return cmp.Compare(b.ts, a.ts)
	})
}

// folder searches case-insensitively, lower-casing each text into a reused buffer.
type folder struct {
	needle []byte // already lower case
	buf    []byte
}

func (f *folder) contains(text []byte) bool {
	if len(f.needle) == 0 {
		return true
	}
	f.buf = f.buf[:0]
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			f.buf = append(f.buf, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		f.buf = utf8.AppendRune(f.buf, unicode.ToLower(r))
		i += n
	}
	return bytes.Contains(f.buf, f.needle)
}

// scanEvents calls fn for every intact record of a day, stopping at a torn one.
func scanEvents(ctx context.Context, snap daySnapshot, fn func(ts int64, id uint32, text []byte)) error {
	f, err := os.Open(snap.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if snap.limit >= 0 {
		r = io.LimitReader(f, snap.limit)
	}
	return readEvents(ctx, r, fn)
}

func readEvents(ctx context.Context, r io.Reader, fn func(ts int64, id uint32, text []byte)) error {
	rr := newRecordReader(r)
	for n := 0; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		p, err := rr.Next()
		if err == io.EOF {
			queryScanned.Add(n)
			return nil
		}
		ts, id, text, derr := decodeEvent(p)
		if err != nil || derr != nil {
			tornRecords.Inc()
			queryScanned.Add(n)
			return nil
		}
		fn(ts, id, text)
	}
}
