package app

import (
	"context"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The SLA ledger (issue 6): each day, ten minutes after midnight CST, the
// closer has the previous day accounted (sla.Accounting: SLIs and every VM's
// resource usage from the raw samples) and closes it in the state store; a
// month is frozen once its grace period ends, with the incidents that fired
// in it. The reports hang on its hooks: the draft after the month's last
// day is closed, the final report once the month is frozen.

func (s *system) openLedger() {
	logger := s.logger.With("part", "sla")
	s.ledger = sla.NewLedger(s.state, logger)
	s.accounts = sla.NewAccounting(s.store.Queryable(), s.incidents, func() sla.Rules { return slaRules(s.config()) })
	s.closer = sla.NewCloser(s.ledger, s.accounts.Date, logger,
		sla.WithIncidents(s.accounts.Incidents),
		sla.WithOnClosed(func(ctx context.Context, date string) { s.reports.DayClosed(ctx, date) }),
		sla.WithOnFreeze(func(ctx context.Context, month string) { s.reports.MonthFrozen(ctx, month) }))
}

// slaRules are what a day is accounted by in cfg.
func slaRules(cfg *config.Config) sla.Rules {
	return sla.Rules{SLIs: cfg.SLA.Effective(), Calendars: cfg.SLA.Calendars, Maintenance: cfg.Alerting.Maintenance}
}
