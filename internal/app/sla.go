package app

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The SLA ledger (issue 6): each day, ten minutes after midnight CST, the
// previous day's SLIs are accounted per entity from the raw samples and
// closed in the state store; a month is frozen once its grace period ends.

func (s *system) openLedger() {
	s.ledger = sla.NewLedger(s.state, s.logger.With("part", "sla"))
	s.closer = sla.NewCloser(s.ledger, s.slaCloseDay, s.logger.With("part", "sla"))
}

// slaCloseDay accounts one CST day for every shipped SLI and entity, with the
// maintenance windows that cover each entity excluded.
func (s *system) slaCloseDay(ctx context.Context, date string) ([]sla.Day, error) {
	from, to, err := sla.DayBounds(date)
	if err != nil {
		return nil, err
	}
	s.notify.mu.Lock()
	windows := s.cfg.Alerting.Maintenance
	s.notify.mu.Unlock()
	var days []sla.Day
	for _, sli := range sla.DefaultSLIs() {
		entities, err := sla.ReadDay(ctx, s.store.Queryable(), sli, date)
		if err != nil {
			return nil, fmt.Errorf("close %s %s: %w", sli.Name, date, err)
		}
		for _, e := range entities {
			tally, outages, err := sla.Account(sli, e.Samples, from, to, maintenanceOf(windows, e.Labels, from, to), sla.Calendar{})
			if err != nil {
				return nil, fmt.Errorf("close %s %s %s: %w", sli.Name, e.Entity, date, err)
			}
			days = append(days, sla.Day{SLI: sli.Name, Entity: e.Entity, Labels: e.Labels, Date: date,
				Tally: tally, Outages: outages})
		}
	}
	return days, nil
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
