package nvrfake

import (
	"slices"
	"time"
)

// Span is a stretch of time, start inclusive and end exclusive.
type Span struct {
	Start, End time.Time
}

// overlaps reports whether s and [from, to) share a moment.
func (s Span) overlaps(from, to time.Time) bool { return s.Start.Before(to) && s.End.After(from) }

// Channel is one recorded channel: a Hikvision track (101, 201, …) or a Dahua
// channel number. Footage is a run of files of Segment length from Oldest to
// the end of recording, minus Gaps.
type Channel struct {
	// Oldest is the start of the oldest footage kept; zero means the channel has
	// no footage at all.
	Oldest time.Time
	// KeepFor, when set, makes the recorder overwrite: footage older than
	// now−KeepFor is gone (Oldest moves forward with the clock).
	KeepFor time.Duration
	// Stopped is when recording stopped; zero means it is recording now, so
	// the newest file ends at the recorder's clock.
	Stopped time.Time
	// Segment is the length of one file (default one hour). A short segment
	// gives many matches per search, as motion recording does.
	Segment time.Duration
	// Gaps are stretches without footage inside [Oldest, end).
	Gaps []Span
}

const defaultSegment = time.Hour

// bounds returns the channel's footage as [first, last) at now, and whether
// there is any.
func (c Channel) bounds(now time.Time) (time.Time, time.Time, bool) {
	if c.Oldest.IsZero() {
		return time.Time{}, time.Time{}, false
	}
	first, last := c.Oldest, now
	if !c.Stopped.IsZero() && c.Stopped.Before(now) {
		last = c.Stopped
	}
	if c.KeepFor > 0 && now.Add(-c.KeepFor).After(first) {
		first = now.Add(-c.KeepFor)
	}
	return first, last, first.Before(last)
}

// files calls yield for each file of footage overlapping [from, to), oldest
// first, until yield returns false. Files are aligned to Oldest so that they
// do not move when KeepFor trims the start (the first file is cut instead).
func (c Channel) files(now, from, to time.Time, yield func(Span) bool) {
	first, last, ok := c.bounds(now)
	if !ok || !from.Before(to) {
		return
	}
	seg := c.Segment
	if seg <= 0 {
		seg = defaultSegment
	}
	lo := later(from, first)
	k := int64(lo.Sub(c.Oldest) / seg)
	for start := c.Oldest.Add(time.Duration(k) * seg); start.Before(to) && start.Before(last); start = start.Add(seg) {
		f := Span{later(start, first), earlier(start.Add(seg), last)}
		for _, piece := range cut(f, c.Gaps) {
			if piece.overlaps(from, to) && !yield(piece) {
				return
			}
		}
	}
}

// cut returns f minus the gaps, in order.
func cut(f Span, gaps []Span) []Span {
	out := []Span{f}
	for _, g := range gaps {
		var next []Span
		for _, p := range out {
			if !g.overlaps(p.Start, p.End) {
				next = append(next, p)
				continue
			}
			if p.Start.Before(g.Start) {
				next = append(next, Span{p.Start, g.Start})
			}
			if g.End.Before(p.End) {
				next = append(next, Span{g.End, p.End})
			}
		}
		out = next
	}
	return out
}

// Disk is one hard disk of the recorder.
type Disk struct {
	ID   int    // 1-based
	Name string // e.g. "hdd1" (Hikvision hddName) or "/dev/sda" (Dahua)
	// Status in Hikvision's words: ok, idle, sleeping, unformatted, formating,
	// error, abnormal, offline, smartfailed, mismatch, notexist, locked, …
	// The Dahua profile maps it to State/IsError.
	Status   string
	Capacity int64 // bytes
	Free     int64 // bytes, at the moment the disks were set
	// FillRate is bytes written per second of the recorder's clock: free space
	// falls by it until the disk is full (then Free stays at 0, as an
	// overwriting recorder reports it).
	FillRate float64
	Property string // RW (default), RO, Redund
}

// diskState is a disk and the clock reading its Free was set at.
type diskState struct {
	Disk
	since time.Time
}

// free returns the disk's free bytes at now.
func (d diskState) free(now time.Time) int64 {
	used := d.FillRate * now.Sub(d.since).Seconds()
	if used <= 0 {
		return d.Free
	}
	return max(0, d.Free-int64(used))
}

// healthy reports whether a Hikvision status word means a working disk.
func healthy(status string) bool {
	return slices.Contains([]string{"", "ok", "idle", "sleeping", "normal"}, status)
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
