package sla

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/prometheus/storage"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Rules are what a day is accounted by: the SLIs in force (the shipped ones
// with the configured changes), the business-hours calendars they name and
// the maintenance windows, whose time is excluded for the entities they
// select. A change applies to the days closed after it.
type Rules struct {
	SLIs        []SLI
	Calendars   []Calendar // compiled
	Maintenance []alerting.MaintenanceWindow
}

// calendar is the calendar named name; the zero Calendar (always) for ""
// or a name not among them.
func (r Rules) calendar(name string) Calendar {
	for _, c := range r.Calendars {
		if c.Name == name {
			return c
		}
	}
	return Calendar{}
}

// IncidentStore is where the incidents of a month come from
// (*alerting.Incidents).
type IncidentStore interface {
	List(ctx context.Context, f alerting.IncidentFilter) ([]alerting.Incident, error)
}

// Accounting accounts CST days from the raw samples of a Queryable by the
// rules in force, read again for every day so that a reload applies from
// the next close, and lists the incidents of a month: what the Closer
// closes and freezes, and what a report shows of the days not closed yet.
type Accounting struct {
	q         storage.Queryable
	incidents IncidentStore
	rules     func() Rules
}

// NewAccounting returns the accounting over q and incidents. rules returns
// the rules in force; it is a function, not a value, because the running
// configuration is replaced whole by a reload.
func NewAccounting(q storage.Queryable, incidents IncidentStore, rules func() Rules) *Accounting {
	return &Accounting{q: q, incidents: incidents, rules: rules}
}

// SLIs are the SLIs in force.
func (a *Accounting) SLIs() []SLI { return a.rules().SLIs }

// Date accounts the CST date whole: the Closer's CloseFunc.
func (a *Accounting) Date(ctx context.Context, date string) ([]Day, error) {
	return a.DateUntil(ctx, date, time.Time{})
}

// DateUntil accounts one CST date for every SLI in force and entity, with
// the maintenance windows that cover each entity excluded, the resource
// usage of every VM (R-A2) and the passages of every gate (R-C3), so that a
// frozen month needs no raw sample.
//
// until, when before the day's end, accounts the day only up to then: a
// provisional report's today, where a spell still running ends at until.
func (a *Accounting) DateUntil(ctx context.Context, date string, until time.Time) ([]Day, error) {
	from, to, err := DayBounds(date)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() && until.Before(to) {
		to = until
	}
	rules := a.rules()
	var days []Day
	for _, sli := range rules.SLIs {
		got, err := a.sliDays(ctx, rules, sli, date, from, to)
		if err != nil {
			return nil, err
		}
		days = append(days, got...)
	}
	usage, err := AccountUsage(ctx, a.q, date)
	if err != nil {
		return nil, fmt.Errorf("close usage %s: %w", date, err)
	}
	flow, err := AccountFlow(ctx, a.q, date)
	if err != nil {
		return nil, fmt.Errorf("close flow %s: %w", date, err)
	}
	return append(append(days, usage...), flow...), nil
}

// sliDays accounts one SLI's entities over [from, to) of date.
func (a *Accounting) sliDays(ctx context.Context, rules Rules, sli SLI, date string, from, to time.Time) ([]Day, error) {
	entities, err := ReadDay(ctx, a.q, sli, date)
	if err != nil {
		return nil, fmt.Errorf("close %s %s: %w", sli.Name, date, err)
	}
	cal := rules.calendar(sli.Calendar)
	days := make([]Day, 0, len(entities))
	for _, e := range entities {
		tally, outages, err := Account(sli, e.Samples, from, to, maintenanceOf(rules.Maintenance, e.Labels, from, to), cal)
		if err != nil {
			return nil, fmt.Errorf("close %s %s %s: %w", sli.Name, e.Entity, date, err)
		}
		days = append(days, Day{SLI: sli.Name, Entity: e.Entity, Labels: e.Labels, Date: date,
			Tally: tally, Outages: outages})
	}
	return days, nil
}

// maintenanceOf are the spans of the windows whose matchers select an entity.
func maintenanceOf(windows []alerting.MaintenanceWindow, labels map[string]string, from, to time.Time) []Span {
	var out []Span
	for i := range windows {
		if !windows[i].Matchers.Matches(labels) {
			continue
		}
		for _, iv := range windows[i].Intervals(from, to) {
			out = append(out, Span{Start: iv.Start, End: iv.End})
		}
	}
	return out
}
