package oncall

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// A person's own noise settings (docs/oncall.md): quiet hours for
// non-critical pages, the channels they prefer, a digest for minor ones. The
// escalation policy still decides what must wake someone: a critical page
// is never held.

// quietSpan is a daily "HH:MM-HH:MM" in Asia/Shanghai; it may wrap midnight.
type quietSpan struct{ from, to time.Duration }

func parseQuiet(s string) (quietSpan, error) {
	a, b, ok := strings.Cut(s, "-")
	from, err1 := time.Parse("15:04", strings.TrimSpace(a))
	to, err2 := time.Parse("15:04", strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || from.Equal(to) {
		return quietSpan{}, fmt.Errorf("quiet_hours %q: want HH:MM-HH:MM, e.g. 22:00-07:00", s)
	}
	clock := func(t time.Time) time.Duration {
		return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute
	}
	return quietSpan{from: clock(from), to: clock(to)}, nil
}

// end is when the quiet span covering t ends; ok is false outside it.
func (q quietSpan) end(t time.Time) (time.Time, bool) {
	day := cst.StartOfDay(t)
	at := t.Sub(day)
	switch {
	case q.from < q.to && at >= q.from && at < q.to:
		return day.Add(q.to), true
	case q.from > q.to && at >= q.from: // evening part of a span over midnight
		return day.AddDate(0, 0, 1).Add(q.to), true
	case q.from > q.to && at < q.to: // morning part
		return day.Add(q.to), true
	}
	return time.Time{}, false
}

// validateNoise checks a person's noise settings.
func (p Person) validateNoise() error {
	if p.QuietHours != "" {
		if _, err := parseQuiet(p.QuietHours); err != nil {
			return err
		}
	}
	if p.Digest < 0 || (p.Digest > 0 && (p.Digest < 5*time.Minute || p.Digest > 24*time.Hour)) {
		return fmt.Errorf("digest %s: want between 5m and 24h", p.Digest)
	}
	return nil
}

// Hold tells whether a page of severity sev to p at t waits, until when and
// why (for the timeline): in quiet hours anything below critical waits for
// their end; with a digest, minor and warning pages wait for the period's
// end and go out together.
func (p Person) Hold(sev notice.Severity, t time.Time) (until time.Time, why string, ok bool) {
	if sev.Rank() >= notice.Critical.Rank() {
		return time.Time{}, "", false
	}
	if q, err := parseQuiet(p.QuietHours); err == nil && p.QuietHours != "" {
		if end, in := q.end(t); in {
			return end, fmt.Sprintf("%s 免打扰时段（%s），%s告警推迟至 %s 通知", p.Name, p.QuietHours, sev.Name(),
				cst.FormatTime(end)), true
		}
	}
	if p.Digest > 0 && sev.Rank() <= notice.Minor.Rank() {
		day := cst.StartOfDay(t)
		end := day.Add(t.Sub(day).Truncate(p.Digest) + p.Digest)
		return end, fmt.Sprintf("%s 的%s告警每%s汇总一次，于 %s 一并通知", p.Name, sev.Name(),
			cst.FormatDuration(p.Digest), cst.FormatTime(end)), true
	}
	return time.Time{}, "", false
}

// Prefer is the channel a step pages p on: the first of p's preferred
// receivers that the step offers, or every channel of the step when p
// states no preference or the step offers none of theirs.
func (p Person) Prefer(step []string) []string {
	for _, c := range p.Channels {
		if slices.Contains(step, c) {
			return []string{c}
		}
	}
	return step
}

// equal compares two listings of a person (Person holds a slice).
func (p Person) equal(q Person) bool { return reflect.DeepEqual(p, q) }
