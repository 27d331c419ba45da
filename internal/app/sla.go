package app

import (
	"context"
	"log/slog"

	"github.com/prometheus/prometheus/storage"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The SLA ledger (issue 6): each day, ten minutes after midnight CST, the
// closer has the previous day accounted (sla.Accounting: SLIs and every VM's
// resource usage from the raw samples) and closes it in the state store; a
// month is frozen once its grace period ends, with the incidents that fired
// in it. The reports hang on its hooks: the draft after the month's last
// day is closed, the final report once the month is frozen.

func (s *system) openLedger() {
	s.ledger, s.accounts, s.closer = newSLA(s.state, s.store.Queryable(), s.incidents,
		func() sla.Rules { return slaRules(s.config()) }, s.logger.With("part", "sla"),
		sla.WithOnClosed(func(ctx context.Context, date string) { s.reports.DayClosed(ctx, date) }),
		sla.WithOnFreeze(func(ctx context.Context, month string) { s.reports.MonthFrozen(ctx, month) }))
}

// newSLA builds the ledger and its closer over the state store, with the
// days accounted from q by rules and the month's incidents frozen with it:
// the one way the server and `swanwatch ledger` (OpenLedger) build them.
func newSLA(state *statestore.DB, q storage.Queryable, incidents sla.IncidentStore, rules func() sla.Rules,
	logger *slog.Logger, opts ...sla.CloserOption) (*sla.Ledger, *sla.Accounting, *sla.Closer) {
	ledger := sla.NewLedger(state, logger)
	accounts := sla.NewAccounting(q, incidents, rules)
	opts = append([]sla.CloserOption{sla.WithIncidents(accounts.Incidents)}, opts...)
	return ledger, accounts, sla.NewCloser(ledger, accounts.Date, logger, opts...)
}

// slaRules are what a day is accounted by in cfg.
func slaRules(cfg *config.Config) sla.Rules {
	return sla.Rules{SLIs: cfg.SLA.Effective(), Calendars: cfg.SLA.Calendars, Maintenance: cfg.Alerting.Maintenance}
}
