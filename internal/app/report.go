package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report/issue"
	"github.com/swanwatch/swanwatch/rules/secops"
)

// The monthly SLA report and the daily inspection report are built, kept in
// <storage.path>/reports and announced by rules/report/issue; here they are
// given the ledger, the queries, the configuration and the outbox.

func (s *system) openReports() {
	s.reports = issue.New(issue.Options{Ledger: s.ledger, Accounting: s.accounts,
		Incidents: s.incidents, Instant: s.query.Instant,
		Settings: func() issue.Settings {
			set := reportSettings(s.config())
			set.Sources = issue.SourcesFrom(s.currentTargets())
			return set
		},
		HA: s.ha, Jobs: s.jobs, FollowUps: s.recs, Secops: s.secops, SecurityEvents: secops.MonthEvents(storedEvents(s.events)),
		Announce: s.enqueueAll, Logger: s.logger.With("part", "report")})
}

// reportSettings are the reports section of cfg and where reports are kept.
func reportSettings(cfg *config.Config) issue.Settings {
	r := cfg.Reports
	at, on, _ := config.InspectionTime(r.Inspection.At) // validated at load
	return issue.Settings{Addressee: r.Addressee, Issuer: r.Issuer, Receiver: r.Receiver,
		Findings: r.Findings, Targets: r.Targets, InspectionAt: at, InspectionOn: on,
		HorizonDays: r.Inspection.HorizonDays, Dir: cfg.Storage.ReportsDir(),
		ExternalURL: cfg.Server.ExternalURL}
}

// enqueueAll puts n in the outbox of every channel of receiver, with an ID
// per channel so a restart neither loses nor repeats it.
func (s *system) enqueueAll(ctx context.Context, receiver, id string, n alerting.Notification) {
	for _, ch := range s.notify.receivers()[receiver] {
		n.ID = id + "@" + ch
		if _, err := s.notify.outbox.Enqueue(ctx, ch, n); err != nil {
			s.logger.Error("queue a report notice", "channel", ch, "err", err)
		}
	}
}

// WriteReport builds month's SLA report from the data directory of a server
// that is not running (`swanwatch report --config`).
func WriteReport(ctx context.Context, cfg *config.Config, month, format string, w io.Writer) error {
	// The event store is opened only when the report asks for the month's
	// security events: by then WriteLocal holds the TSDB's lock, so no
	// server is running on this data directory.
	events := func(ctx context.Context, from, to time.Time, add func(map[string]string)) error {
		opts := logstoreOptions(cfg, slog.New(slog.DiscardHandler))
		opts.Loki = nil // a report pushes nothing
		st, err := logstore.Open(opts)
		if err != nil {
			return fmt.Errorf("open the event store: %w", err)
		}
		err = secops.MonthEvents(storedEvents(st))(ctx, from, to, add)
		return errors.Join(err, st.Close())
	}
	local := localData(cfg)
	local.Secops, local.SecurityEvents = true, events
	return issue.WriteLocal(ctx, local, month, format, w)
}
