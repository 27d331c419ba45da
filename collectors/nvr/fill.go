package nvr

import "time"

// Days until the array is full, from the free-space trend across rounds.
//
// Most recorders overwrite: once full they delete the oldest footage and go
// on, so "days until full" has no meaning for them and is left out. An
// overwriting recorder shows it in what it reports: its free space is at (or
// very near) zero while its channels still record, or its free space holds
// level or rises between rounds (the recorder frees space as fast as it
// fills). A recorder that does not overwrite shows free space falling
// steadily; the least-squares slope over trend_window gives the fill rate,
// and free ÷ rate the days. A full array on which nothing records any more
// is 0 days: it has stopped.

// maxTrendPoints bounds the history kept per recorder.
const maxTrendPoints = 256

type freePoint struct {
	t    time.Time
	free float64
}

// trend is one recorder's free-space history.
type trend struct {
	points   []freePoint
	capacity float64
	source   string
}

// observe adds the round's total free space. A different source or capacity
// (a disk added, replaced or failed) starts the history afresh.
func (tr *trend) observe(now time.Time, source string, capacity, free float64, window time.Duration) {
	if source != tr.source || capacity != tr.capacity {
		*tr = trend{source: source, capacity: capacity}
	}
	keep := tr.points[:0]
	for _, p := range tr.points {
		if now.Sub(p.t) < window {
			keep = append(keep, p)
		}
	}
	tr.points = keep
	if n := len(tr.points); n > 0 && now.Sub(tr.points[n-1].t) < window/maxTrendPoints {
		return // thin the history: one point per window/256
	}
	if len(tr.points) == maxTrendPoints {
		tr.points = append(tr.points[:0], tr.points[1:]...)
	}
	tr.points = append(tr.points, freePoint{now, free})
}

// fullFraction: an array with less free space than this share of its
// capacity (and under 1 GiB) is full.
const (
	fullFraction = 0.002
	fullBytes    = 1 << 30
)

// daysUntilFull estimates the days until free space runs out; ok is false
// when the recorder overwrites or its space is not falling.
func (tr *trend) daysUntilFull(minSpan time.Duration, free float64, recording bool) (float64, bool) {
	if tr.capacity <= 0 {
		return 0, false
	}
	if free <= min(fullBytes, fullFraction*tr.capacity) {
		return 0, !recording // still recording on a full array: it overwrites
	}
	n := len(tr.points)
	if n < 3 || tr.points[n-1].t.Sub(tr.points[0].t) < minSpan {
		return 0, false
	}
	slope := tr.slope()
	if slope >= 0 {
		return 0, false // level or rising: overwriting, or nothing written
	}
	return free / -slope / 86400, true
}

// slope is the least-squares fit of free bytes over seconds.
func (tr *trend) slope() float64 {
	t0 := tr.points[0].t
	var sx, sy, sxx, sxy float64
	for _, p := range tr.points {
		x := p.t.Sub(t0).Seconds()
		sx += x
		sy += p.free
		sxx += x * x
		sxy += x * p.free
	}
	n := float64(len(tr.points))
	den := n*sxx - sx*sx
	if den == 0 {
		return 0
	}
	return (n*sxy - sx*sy) / den
}
