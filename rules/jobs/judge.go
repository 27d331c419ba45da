package jobs

import (
	"slices"
	"time"
)

// maxEarly is how early a run may start and still count for its slot: the
// job's clock and ours differ a little.
const maxEarly = 5 * time.Minute

// verdict says whether a slot's run came.
type verdict struct {
	slot time.Time
	ran  bool
}

// window is when a run counts for a cron slot: from a little before it to
// grace after it, and never into the next slot's window.
func (s Schedule) window(slot time.Time, grace time.Duration) (from, to time.Time) {
	early := min(grace, maxEarly)
	from, to = slot.Add(-early), slot.Add(grace)
	if next := s.Next(slot); !next.IsZero() && !next.Add(-early).After(to) {
		to = next.Add(-early - time.Nanosecond)
	}
	return from, to
}

// judgeCron judges the slots in [from, through] of a cron schedule against
// the runs' start times (sorted). At most limit verdicts, the oldest first;
// more says the walk stopped early.
func (s Schedule) judgeCron(starts []time.Time, grace time.Duration, from, through time.Time, limit int) (out []verdict, more bool) {
	for slot := s.Next(from.Add(-time.Nanosecond)); !slot.IsZero() && !slot.After(through); slot = s.Next(slot) {
		if len(out) == limit {
			return out, true
		}
		lo, hi := s.window(slot, grace)
		out = append(out, verdict{slot: slot, ran: anyBetween(starts, lo, hi)})
	}
	return out, false
}

// judgeEvery judges an @every schedule: the slot is a period after the last
// start (or the last judged slot, or the watch's start: base); a run starting
// until grace after it counts and sets the next slot a period after itself.
// Slots up to through are judged, at most limit.
func (s Schedule) judgeEvery(starts []time.Time, base time.Time, grace time.Duration, through time.Time, limit int) (out []verdict, more bool) {
	for {
		slot := base.Add(s.every)
		if slot.After(through) {
			return out, false
		}
		if len(out) == limit {
			return out, true
		}
		last, ok := lastBetween(starts, base.Add(time.Nanosecond), slot.Add(grace))
		if ok {
			out, base = append(out, verdict{slot: slot, ran: true}), last
			continue
		}
		out, base = append(out, verdict{slot: slot}), slot
	}
}

// anyBetween reports a start in [lo, hi]; starts are sorted.
func anyBetween(starts []time.Time, lo, hi time.Time) bool {
	i, _ := slices.BinarySearchFunc(starts, lo, time.Time.Compare)
	return i < len(starts) && !starts[i].After(hi)
}

// lastBetween returns the latest start in [lo, hi].
func lastBetween(starts []time.Time, lo, hi time.Time) (time.Time, bool) {
	i, found := slices.BinarySearchFunc(starts, hi, time.Time.Compare)
	if found {
		for i+1 < len(starts) && starts[i+1].Equal(hi) {
			i++
		}
		return starts[i], true
	}
	if i > 0 && !starts[i-1].Before(lo) {
		return starts[i-1], true
	}
	return time.Time{}, false
}
