package app

import (
	"fmt"

	"github.com/swanwatch/swanwatch/internal/cloudapi"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/ledger"
	"github.com/swanwatch/swanwatch/rules/recommend"
)

// openCloud opens the cloud's parts that are not collectors: the scheduled
// jobs' checker (R-A9, R-C1), the recommendations' store (R-A2), the
// resource ledger (R-A3) and the "一朵云" data interface (R-A6). The HA
// proof is opened with the event rules, whose restore it shares.
func (s *system) openCloud() error {
	var err error
	if s.jobs, err = jobs.New(s.config().Jobs, s.state, jobs.WithEvents(s.eventSink()), jobs.WithSink(s.store),
		jobs.WithLogger(s.logger.With("part", "jobs"))); err != nil {
		return fmt.Errorf("watch the scheduled jobs: %w", err)
	}
	s.recs = recommend.NewStore(s.state, recommend.NewTSDBEvidence(s.store.Queryable(), 0), nil)
	if err := s.openResourceLedger(); err != nil {
		return err
	}
	if s.cloud, err = cloudapi.New(cloudapi.Options{Query: s.query.Instant, Incidents: s.incidents,
		Targets: s.currentTargets, Logger: s.logger.With("part", "cloudapi")}); err != nil {
		return fmt.Errorf("set up the cloud data interface: %w", err)
	}
	return nil
}

// openResourceLedger reads the control plane's resource ledger when the
// configuration names a source; without one the route says it is not
// connected.
func (s *system) openResourceLedger() error {
	c := s.config().Ledger
	if !c.Enabled() {
		return nil
	}
	var err error
	s.resLedger, err = ledger.New(ledger.Options{Sources: c.Sources(), Targets: s.currentTargets,
		Platform: ledger.NewTSDBPlatform(s.store.Queryable(), c.Lookback), ExpiringDays: c.ExpiringDays,
		Refresh: c.Refresh, Logger: s.logger.With("part", "ledger")})
	if err != nil {
		return fmt.Errorf("set up the resource ledger: %w", err)
	}
	return nil
}
