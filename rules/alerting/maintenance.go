package alerting

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Interval is a half-open span [Start, End).
type Interval struct {
	Start, End time.Time
}

// MaintenanceWindow is a recurring planned outage (维护窗口) in Asia/Shanghai:
// alerts it covers are not notified, and the SLA excludes its intervals.
// Either Days+Start (weekly) or Cron (5 fields: minute hour dom month dow)
// gives the start times; each occurrence lasts Duration.
type MaintenanceWindow struct {
	Name     string         `yaml:"name"`
	Matchers Matchers       `yaml:"matchers,omitempty"` // which alerts; empty covers all
	Days     []time.Weekday `yaml:"days,omitempty"`
	Start    string         `yaml:"start,omitempty"` // "HH:MM"
	Cron     string         `yaml:"cron,omitempty"`
	Duration time.Duration  `yaml:"duration"`

	next func(time.Time) time.Time // next start strictly after t; set by Compile
}

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// Compile validates the window and prepares its schedule.
func (w *MaintenanceWindow) Compile() error {
	next, err := w.schedule()
	if err != nil {
		invalid("maintenance")
		return fmt.Errorf("maintenance window %q: %w", w.Name, err)
	}
	w.next = next
	return nil
}

func (w *MaintenanceWindow) schedule() (func(time.Time) time.Time, error) {
	if w.Duration <= 0 {
		return nil, errors.New("duration must be positive")
	}
	if (w.Cron == "") == (w.Start == "") {
		return nil, errors.New("give either cron or days+start")
	}
	if w.Cron != "" {
		if len(strings.Fields(w.Cron)) != 5 {
			return nil, fmt.Errorf("cron %q: want 5 fields (minute hour day month weekday)", w.Cron)
		}
		s, err := cronParser.Parse(w.Cron)
		if err != nil {
			return nil, fmt.Errorf("cron %q: %w", w.Cron, err)
		}
		return func(t time.Time) time.Time { return s.Next(t.In(cst.Location)) }, nil
	}
	return w.weekly()
}

// weekly turns Days+Start into a next-start function; days are checked in
// Asia/Shanghai, which has no DST, so every day is exactly 24h.
func (w *MaintenanceWindow) weekly() (func(time.Time) time.Time, error) {
	at, err := time.Parse("15:04", w.Start)
	if err != nil || len(w.Days) == 0 {
		return nil, fmt.Errorf("weekly window needs days and start as HH:MM, got %v %q", w.Days, w.Start)
	}
	var on [7]bool
	for _, d := range w.Days {
		if d < time.Sunday || d > time.Saturday {
			return nil, fmt.Errorf("bad weekday %d", d)
		}
		on[d] = true
	}
	offset := time.Duration(at.Hour())*time.Hour + time.Duration(at.Minute())*time.Minute
	return func(t time.Time) time.Time {
		for day := cst.StartOfDay(t); ; day = day.AddDate(0, 0, 1) {
			if s := day.Add(offset); on[day.Weekday()] && s.After(t) {
				return s
			}
		}
	}, nil
}

// Intervals returns the window's occurrences clipped to [from, to), merged
// where they overlap, in order: exactly the spans an SLA must exclude. The
// work is linear in the occurrences in range (a year of "* * * * *" is 525,600).
func (w *MaintenanceWindow) Intervals(from, to time.Time) []Interval {
	if w.next == nil || !from.Before(to) {
		return nil
	}
	var out []Interval
	// An occurrence that started up to Duration before from still covers it.
	t := from.Add(-w.Duration - time.Second)
	for {
		s := w.next(t)
		if s.IsZero() || !s.Before(to) {
			break
		}
		t = s
		if e := s.Add(w.Duration); e.After(from) {
			out = appendMerged(out, Interval{Start: maxTime(s, from).In(cst.Location), End: minTime(e, to).In(cst.Location)})
		}
	}
	return out
}

func appendMerged(out []Interval, iv Interval) []Interval {
	if n := len(out); n > 0 && !iv.Start.After(out[n-1].End) {
		out[n-1].End = maxTime(out[n-1].End, iv.End)
		return out
	}
	return append(out, iv)
}

// ActiveAt reports whether t lies inside an occurrence.
func (w *MaintenanceWindow) ActiveAt(t time.Time) bool {
	return len(w.Intervals(t, t.Add(time.Nanosecond))) > 0
}

// Covers reports whether the window mutes the alert at t.
func (w *MaintenanceWindow) Covers(a Alert, t time.Time) bool {
	return w.Matchers.Matches(a.Labels) && w.ActiveAt(t)
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
