package eventrules

import "time"

// Counting within a window, shared by flap rules (changes of a state,
// flap.go) and burst rules (matching events, burst.go): "n counted events of
// one key within d". Per key the times of the last n counted events are kept
// in a ring, so the test is one comparison with the oldest and a key costs at
// most n times, allocated as events come (a key seen once holds one).
//
// Keys live in a bounded table per kind of rule: when it is full the stalest
// key without an active alert goes (among a sample, so that a flood of new
// keys — a scan from thousands of spoofed sources — costs a bounded scan per
// event, not the whole table), and it is counted in
// swanwatch_eventrules_dropped_total{reason}. Keys whose last counted event
// is older than their window, and that have no active alert, are forgotten
// on every tick: their count is zero anyway.

// window is one key's last counted events.
type window struct {
	last  string      // flap: the last state seen; unused by bursts
	times []time.Time // the last n counted times; a ring once full
	next  int         // the ring's oldest slot once full
	seen  time.Time   // the last counted event
}

// count records an event at `at` and reports whether the last n counted
// events, this one included, fall within d.
func (w *window) count(at time.Time, n int, d time.Duration) bool {
	w.seen = at
	if len(w.times) < n {
		w.times = append(w.times, at)
		return len(w.times) == n && at.Sub(w.times[0]) < d
	}
	w.times[w.next] = at
	w.next = (w.next + 1) % n
	return at.Sub(w.times[w.next]) < d
}

// evictSample bounds the keys looked at to make room in a full table.
const evictSample = 64

// windowTable is a bounded set of keys' windows.
type windowTable struct {
	m      map[activeKey]*window
	max    int
	reason string // the dropped_total reason when a key is forgotten for room
}

func newWindowTable(max int, reason string) windowTable {
	return windowTable{m: map[activeKey]*window{}, max: max, reason: reason}
}

// get returns k's window, making room when the table is full; busy tells
// the keys that must stay (an active alert counts on them).
func (t *windowTable) get(k activeKey, busy func(activeKey) bool) *window {
	if w := t.m[k]; w != nil {
		return w
	}
	if len(t.m) >= t.max {
		t.forgetStalest(busy)
	}
	w := &window{}
	t.m[k] = w
	return w
}

// forgetStalest drops the key whose last event is oldest among up to
// evictSample keys without an active alert (all of them in a small table).
// Map order is random, so a flood cannot steer which keys are looked at.
func (t *windowTable) forgetStalest(busy func(activeKey) bool) {
	var oldest activeKey
	var at time.Time
	found, looked := false, 0
	for k, w := range t.m {
		if busy(k) {
			continue
		}
		if !found || w.seen.Before(at) {
			oldest, at, found = k, w.seen, true
		}
		if looked++; looked >= evictSample {
			break
		}
	}
	if found {
		delete(t.m, oldest)
		countDropped(t.reason)
	}
}

// prune forgets the keys whose last event is at least their rule's window
// old and that have no active alert.
func (t *windowTable) prune(now time.Time, span func(rule int) time.Duration, busy func(activeKey) bool) {
	for k, w := range t.m {
		if !busy(k) && now.Sub(w.seen) >= span(k.rule) {
			delete(t.m, k)
		}
	}
}
