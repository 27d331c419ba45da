package jobs

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Bounds of a schedule.
const (
	maxEvery = 366 * 24 * time.Hour
	// periodSample is how many slots the shortest gap is looked for in: a
	// weekday or month-end pattern repeats well within it.
	periodSample = 400
	// maxScheduleText bounds what is parsed: a real cron line is short.
	maxScheduleText = 200
)

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// descriptors are the cron shorthands, in Asia/Shanghai like every schedule.
var descriptors = map[string]string{
	"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
	"@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
}

// Schedule is when a job's runs are due: the slots of a cron line in
// Asia/Shanghai, or a fixed period after the last start (@every).
type Schedule struct {
	text   string
	spec   cron.Schedule // nil for @every
	every  time.Duration
	period time.Duration // shortest gap between two slots
}

// ParseSchedule reads "m h dom mon dow" (Asia/Shanghai), a shorthand such
// as @daily, or "@every 6h".
func ParseSchedule(text string) (Schedule, error) {
	s, err := parseSchedule(strings.TrimSpace(text))
	if err != nil {
		if len(text) > 60 {
			text = text[:60] + "…"
		}
		return Schedule{}, fmt.Errorf("schedule %q: %w", text, err)
	}
	return s, nil
}

func parseSchedule(text string) (Schedule, error) {
	if text == "" {
		return Schedule{}, errors.New("empty: give 5 cron fields (minute hour day month weekday) or @every <duration>")
	}
	if len(text) > maxScheduleText {
		return Schedule{}, fmt.Errorf("longer than %d characters", maxScheduleText)
	}
	if d, ok := strings.CutPrefix(text, "@every "); ok {
		return parseEvery(strings.TrimSpace(d))
	}
	if line, ok := descriptors[text]; ok {
		text = line
	}
	if strings.HasPrefix(text, "@") || strings.Contains(text, "TZ=") {
		return Schedule{}, errors.New("unknown form: give 5 cron fields in Asia/Shanghai time, @hourly/@daily/@weekly/@monthly, or @every <duration>")
	}
	if n := len(strings.Fields(text)); n != 5 {
		return Schedule{}, fmt.Errorf("%d fields, want 5 (minute hour day month weekday)", n)
	}
	spec, err := cronParser.Parse(text)
	if err != nil {
		return Schedule{}, err
	}
	s := Schedule{text: text, spec: spec}
	if s.period, err = cronPeriod(spec); err != nil {
		return Schedule{}, err
	}
	return s, nil
}

func parseEvery(text string) (Schedule, error) {
	d, err := time.ParseDuration(text)
	switch {
	case err != nil:
		return Schedule{}, fmt.Errorf("@every: %w", err)
	case d < time.Minute || d > maxEvery:
		return Schedule{}, fmt.Errorf("@every %s: the period must be between 1m and 366 days", d)
	case d%time.Second != 0:
		return Schedule{}, fmt.Errorf("@every %s: whole seconds only", d)
	}
	return Schedule{text: "@every " + d.String(), every: d, period: d}, nil
}

// cronPeriod is the shortest gap between two slots, from a fixed start so
// that a schedule's period does not depend on when it was parsed.
func cronPeriod(spec cron.Schedule) (time.Duration, error) {
	t := time.Date(2025, 1, 1, 0, 0, 0, 0, cst.Location)
	prev := spec.Next(t)
	if prev.IsZero() {
		return 0, errors.New("never matches a date (e.g. 30 February)")
	}
	shortest := time.Duration(0)
	for range periodSample {
		next := spec.Next(prev)
		if next.IsZero() || next.Sub(prev) > 5*365*24*time.Hour {
			break
		}
		if gap := next.Sub(prev); shortest == 0 || gap < shortest {
			shortest = gap
		}
		prev = next
	}
	if shortest == 0 {
		return 0, errors.New("matches only once in years")
	}
	return shortest, nil
}

// String is the schedule as configured (shorthands expanded).
func (s Schedule) String() string { return s.text }

// Period is the shortest time between two slots.
func (s Schedule) Period() time.Duration { return s.period }

// Every reports the fixed period of an @every schedule, or 0 for cron.
func (s Schedule) Every() time.Duration { return s.every }

// Next returns the first slot strictly after t (in Asia/Shanghai); for
// @every it is t plus the period. The zero time means never.
func (s Schedule) Next(t time.Time) time.Time {
	if s.spec == nil {
		if s.every == 0 {
			return time.Time{}
		}
		return t.Add(s.every).In(cst.Location)
	}
	return s.spec.Next(t.In(cst.Location))
}
