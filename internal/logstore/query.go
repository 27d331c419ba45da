package logstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"
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
	// maxLabelValues bounds the values of all Labels filters together.
	maxLabelValues = 64
)

// Query selects events with Start <= Time <= End.
type Query struct {
	Start, End time.Time
	Matchers   string // selector, e.g. {district="义马市",kind=~"agent|snmp"}
	// Labels keeps events whose label equals one of the listed values, for each
	// listed label: {"severity": {"critical", "major"}, "district": {"义马市"}}.
	Labels    map[string][]string
	Text      string // case-insensitive substring of the text
	Limit     int    // default DefaultLimit, at most MaxLimit
	Direction Direction
	Cursor    string // Result.Next of the previous page: continue after it
}

// Result is one page of a search.
type Result struct {
	Events []Event
	// Next continues the search after this page ("" when the range is exhausted).
	Next string
	// Partial says why the page holds fewer than Limit events although the range
	// is not exhausted: "scan_budget" or "timeout". Next continues from there.
	Partial string
}

// BadQueryError is a query the caller got wrong (as opposed to a storage failure).
type BadQueryError struct{ Err error }

func (e *BadQueryError) Error() string { return "bad query: " + e.Err.Error() }
func (e *BadQueryError) Unwrap() error { return e.Err }

// compiled is a validated query.
type compiled struct {
	Query
	ms, fieldMs     []*Matcher // on the day's label index; on the events' fields
	sets, fieldSets []labelSet
	fold            *folder
	fieldBuf        []labelPair
	lo, hi          int64
	cur             position
	hasCursor       bool
}

// labelSet is one Labels filter.
type labelSet struct {
	name   string
	values []string
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
	sets, err := compileSets(q.Labels)
	if err != nil {
		return bad(err)
	}
	c := &compiled{Query: q, fold: newFolder(q.Text), lo: q.Start.UnixNano(), hi: q.End.UnixNano()}
	for _, m := range ms {
		if fieldIndex(m.Name) >= 0 {
			c.fieldMs = append(c.fieldMs, m)
		} else {
			c.ms = append(c.ms, m)
		}
	}
	for _, set := range sets {
		if fieldIndex(set.name) >= 0 {
			c.fieldSets = append(c.fieldSets, set)
		} else {
			c.sets = append(c.sets, set)
		}
	}
	if q.Cursor != "" {
		if c.cur, err = parseCursor(q.Cursor); err != nil {
			return bad(err)
		}
		c.hasCursor = true
		if q.Direction == Backward {
			c.hi = min(c.hi, c.cur.ts)
		} else {
			c.lo = max(c.lo, c.cur.ts)
		}
	}
	return c, nil
}

func compileSets(m map[string][]string) ([]labelSet, error) {
	var sets []labelSet
	n := 0
	for name, values := range m {
		if !validLabelName(name) {
			return nil, fmt.Errorf("invalid label name %q", name)
		}
		if len(values) == 0 {
			continue
		}
		n += len(values)
		if n > maxLabelValues {
			return nil, fmt.Errorf("more than %d label values", maxLabelValues)
		}
		for _, v := range values {
			if len(v) > maxValueLen {
				return nil, fmt.Errorf("label %s: value longer than %d bytes", name, maxValueLen)
			}
		}
		sets = append(sets, labelSet{name: name, values: values})
	}
	slices.SortFunc(sets, func(a, b labelSet) int { return strings.Compare(a.name, b.name) })
	return sets, nil
}

// matchSets reports whether a label set satisfies every Labels filter.
func matchSets(sets []labelSet, ls []labelPair) bool {
	for _, set := range sets {
		v := ""
		for _, l := range ls {
			if l.Name == set.name {
				v = l.Value
				break
			}
		}
		if !slices.Contains(set.values, v) {
			return false
		}
	}
	return true
}

// matchFields checks the matchers and filters on fields against one event's.
func (c *compiled) matchFields(fields []byte) bool {
	if len(c.fieldMs) == 0 && len(c.fieldSets) == 0 {
		return true
	}
	c.fieldBuf = decodeFields(c.fieldBuf[:0], fields)
	return matchLabels(c.fieldMs, c.fieldBuf) && matchSets(c.fieldSets, c.fieldBuf)
}

// inRange: within [Start, End] and after the cursor.
func (c *compiled) inRange(p position) bool {
	if p.ts < c.lo || p.ts > c.hi {
		return false
	}
	if !c.hasCursor {
		return true
	}
	if c.Direction == Backward {
		return p.before(c.cur)
	}
	return c.cur.before(p)
}

// Query returns matching events, newest first unless Direction is Forward. Only the
// day partitions that overlap [Start, End] are read. It has no scan budget: it is
// for SwanWatch's own bounded windows (event rules); requests from the network go
// through Search.
func (s *Store) Query(ctx context.Context, q Query) ([]Event, error) {
	res, err := s.count(s.search(ctx, q, -1))
	return res.Events, err
}

// Search is Query for requests from the network: it reads at most
// Options.MaxScanEvents records and runs at most Options.QueryTimeout, then
// answers the days it finished with a cursor to go on (Result.Partial). A first
// day that alone exceeds the bounds is a BadQueryError asking to narrow the search.
func (s *Store) Search(ctx context.Context, q Query) (Result, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, s.opts.QueryTimeout, errQueryTimeout)
	defer cancel()
	return s.count(s.search(ctx, q, s.opts.MaxScanEvents))
}

var (
	errScanBudget   = errors.New("scan budget exhausted")
	errQueryTimeout = errors.New("query time bound reached")
)

func (s *Store) count(res Result, err error) (Result, error) {
	queriesTotal.Inc()
	var bq *BadQueryError
	switch {
	case errors.As(err, &bq):
		queryBadData.Inc()
	case err != nil:
		queryInternal.Inc()
	case res.Partial != "":
		queryPartial(res.Partial).Inc()
	}
	return res, err
}

func (s *Store) search(ctx context.Context, q Query, budget int64) (Result, error) {
	c, err := compile(q)
	if err != nil {
		return Result{}, err
	}
	days, err := s.daysIn(time.Unix(0, c.lo), time.Unix(0, c.hi))
	if err != nil {
		return Result{}, err
	}
	if c.Direction == Backward {
		slices.Reverse(days)
	}
	sc := &scanner{ctx: ctx, left: budget}
	defer func() { queryScanned.Add(int(sc.scanned)) }()
	var out []hit
	var streams [][][]labelPair // per hit, the label sets of its day
	for i, day := range days {
		hs, dayStreams, err := s.queryDay(c, day, c.Limit-len(out), sc)
		if err != nil {
			if reason := stopReason(err); reason != "" {
				return s.partial(c, toEventsAll(out, streams), day, i, reason, sc)
			}
			return Result{}, fmt.Errorf("query day %s: %w", day, err)
		}
		for _, h := range hs {
			out = append(out, h)
			streams = append(streams, dayStreams)
		}
		if len(out) >= c.Limit {
			last := out[len(out)-1]
			return Result{Events: toEventsAll(out, streams), Next: position{last.ts, last.off}.String()}, nil
		}
	}
	return Result{Events: toEventsAll(out, streams)}, nil
}

func stopReason(err error) string {
	switch {
	case errors.Is(err, errScanBudget):
		return "scan_budget"
	case errors.Is(err, errQueryTimeout):
		return "timeout"
	}
	return ""
}

// partial answers the days finished before a bound stopped the search in day.
func (s *Store) partial(c *compiled, evs []Event, day string, done int, reason string, sc *scanner) (Result, error) {
	if done == 0 {
		return Result{}, &BadQueryError{Err: fmt.Errorf("search stopped in day %s after reading %d events (%s; bounds: %d events, %s): narrow the time range",
			day, sc.scanned, reason, s.opts.MaxScanEvents, s.opts.QueryTimeout)}
	}
	start, _ := parseDay(day)
	next := position{ts: start.AddDate(0, 0, 1).UnixNano() - 1, off: 1<<63 - 1} // all of day, newest first
	if c.Direction == Forward {
		next = position{ts: start.UnixNano(), off: -1}
	}
	return Result{Events: evs, Next: next.String(), Partial: reason}, nil
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

// wantStreams marks the day's label sets that match; nil when none does.
func wantStreams(c *compiled, streams [][]labelPair) []bool {
	want := make([]bool, len(streams))
	found := false
	for i, ls := range streams {
		want[i] = ls != nil && matchLabels(c.ms, ls) && matchSets(c.sets, ls)
		found = found || want[i]
	}
	if !found {
		return nil
	}
	return want
}

func toEventsAll(hits []hit, streams [][][]labelPair) []Event {
	out := make([]Event, len(hits))
	for i, h := range hits {
		labels := labelMap(streams[i][h.id])
		for _, f := range decodeFields(nil, []byte(h.fields)) {
			labels[f.Name] = f.Value
		}
		out[i] = Event{Time: time.Unix(0, h.ts).In(shanghai), Labels: labels, Text: h.text}
	}
	return out
}
