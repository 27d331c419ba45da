package app

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/prometheus/storage"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The SLA ledger (issue 6): each day, ten minutes after midnight CST, the
// previous day's SLIs and every VM's resource usage are accounted per entity
// from the raw samples and closed in the state store; a month is frozen once
// its grace period ends, with the incidents that fired in it, and its report
// is generated and announced (report_jobs.go).

func (s *system) openLedger() {
	s.ledger = sla.NewLedger(s.state, s.logger.With("part", "sla"))
	s.closer = sla.NewCloser(s.ledger, s.slaCloseDay, s.logger.With("part", "sla"),
		sla.WithIncidents(func(ctx context.Context, month string) ([]sla.IncidentRecord, error) {
			return monthIncidents(ctx, s.incidents, month)
		}),
		sla.WithOnFreeze(s.monthFrozen))
}

// slaCloseDay accounts one CST day with the rules configured now.
func (s *system) slaCloseDay(ctx context.Context, date string) ([]sla.Day, error) {
	return accountDate(ctx, s.store.Queryable(), date, s.accountingRules(), time.Time{})
}

// accounting is what a day is accounted by: the SLIs, their calendars and
// the maintenance windows.
type accounting struct {
	sla     config.SLA
	windows []alerting.MaintenanceWindow
}

// accountingRules are the configured rules (reloadable).
func (s *system) accountingRules() accounting {
	cfg := s.config()
	return accounting{sla: cfg.SLA, windows: cfg.Alerting.Maintenance}
}

// accountDate accounts one CST day for every shipped SLI and entity, with the
// maintenance windows that cover each entity excluded, and the resource
// usage of every VM (R-A2), so that a frozen month needs no raw sample.
//
// until, when before the day's end, accounts the day only up to then: a
// provisional report's today, where a spell still running ends at until.
func accountDate(ctx context.Context, q storage.Queryable, date string, rules accounting, until time.Time) ([]sla.Day, error) {
	from, to, err := sla.DayBounds(date)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() && until.Before(to) {
		to = until
	}
	var days []sla.Day
	for _, sli := range rules.sla.Effective() {
		cal := rules.sla.CalendarByName(sli.Calendar)
		entities, err := sla.ReadDay(ctx, q, sli, date)
		if err != nil {
			return nil, fmt.Errorf("close %s %s: %w", sli.Name, date, err)
		}
		for _, e := range entities {
			tally, outages, err := sla.Account(sli, e.Samples, from, to, maintenanceOf(rules.windows, e.Labels, from, to), cal)
			if err != nil {
				return nil, fmt.Errorf("close %s %s %s: %w", sli.Name, e.Entity, date, err)
			}
			days = append(days, sla.Day{SLI: sli.Name, Entity: e.Entity, Labels: e.Labels, Date: date,
				Tally: tally, Outages: outages})
		}
	}
	usage, err := sla.AccountUsage(ctx, q, date)
	if err != nil {
		return nil, fmt.Errorf("close usage %s: %w", date, err)
	}
	return append(days, usage...), nil
}

// maintenanceOf are the spans of the windows whose matchers select an entity.
func maintenanceOf(windows []alerting.MaintenanceWindow, labels map[string]string, from, to time.Time) []sla.Span {
	var out []sla.Span
	for i := range windows {
		if !windows[i].Matchers.Matches(labels) {
			continue
		}
		for _, iv := range windows[i].Intervals(from, to) {
			out = append(out, sla.Span{Start: iv.Start, End: iv.End})
		}
	}
	return out
}
