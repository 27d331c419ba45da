package sla

import (
	"fmt"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Calendar is a business-hours calendar (工作时间) in Asia/Shanghai: the
// weekdays and the daily hours in which an SLI's target applies. Time outside
// it is Excluded. The zero Calendar is always on.
type Calendar struct {
	Name  string         `yaml:"name"`
	Days  []time.Weekday `yaml:"days"`
	Start string         `yaml:"start"` // "HH:MM" CST, inclusive
	End   string         `yaml:"end"`   // "HH:MM" CST, exclusive; after Start

	start, end time.Duration // offsets from 00:00 CST; set by Compile
}

// Always reports whether the calendar covers all time.
func (c *Calendar) Always() bool { return c == nil || (c.Name == "" && len(c.Days) == 0) }

// Compile validates the calendar and prepares its hours.
func (c *Calendar) Compile() error {
	if err := c.compile(); err != nil {
		invalid("calendar")
		return fmt.Errorf("calendar %q: %w", c.Name, err)
	}
	return nil
}

func (c *Calendar) compile() error {
	if len(c.Days) == 0 {
		return fmt.Errorf("no days")
	}
	var err error
	if c.start, err = clock(c.Start); err != nil {
		return err
	}
	if c.end, err = clock(c.End); err != nil {
		return err
	}
	if c.end <= c.start {
		return fmt.Errorf("end %s is not after start %s", c.End, c.Start)
	}
	return nil
}

// clock parses "HH:MM" (00:00 … 24:00) into an offset from midnight.
func clock(s string) (time.Duration, error) {
	var h, m int
	if n, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil || n != 2 || len(s) != 5 {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	if h < 0 || m < 0 || m > 59 || h*60+m > 24*60 {
		return 0, fmt.Errorf("time %q: out of range", s)
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, nil
}

// Outside returns the spans of [from, to) outside the calendar, in order:
// Account adds them to the maintenance windows as Excluded time.
func (c *Calendar) Outside(from, to time.Time) []Span {
	if c.Always() || !from.Before(to) {
		return nil
	}
	var out []Span
	for day := cst.StartOfDay(from); day.Before(to); day = nextDay(day) {
		off := []Span{{day, nextDay(day)}} // not a business day: all of it
		if slices.Contains(c.Days, day.Weekday()) {
			off = []Span{{day, day.Add(c.start)}, {day.Add(c.end), nextDay(day)}}
		}
		for _, s := range off {
			out = appendSpan(out, clip(s, from, to))
		}
	}
	return out
}

// nextDay is 00:00 CST of the following day (CST has no DST: always 24 h).
func nextDay(day time.Time) time.Time { return day.Add(24 * time.Hour) }

// clip cuts s to [from, to); the result may be empty.
func clip(s Span, from, to time.Time) Span {
	if s.Start.Before(from) {
		s.Start = from
	}
	if s.End.After(to) {
		s.End = to
	}
	return s
}

// appendSpan appends s to ordered spans, merging touching ones and dropping
// empty ones.
func appendSpan(out []Span, s Span) []Span {
	if !s.Start.Before(s.End) {
		return out
	}
	if n := len(out); n > 0 && !s.Start.After(out[n-1].End) {
		if s.End.After(out[n-1].End) {
			out[n-1].End = s.End
		}
		return out
	}
	return append(out, s)
}
