package app

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

// onAlerts records the rules' alerts as incidents and, when one opened or
// closed, wakes the notifier: a trap-detected fault must not wait for the
// next tick.
func (s *system) onAlerts(ctx context.Context, alerts []alerting.Alert) {
	rec, err := s.incidents.Record(ctx, alerts)
	if err != nil {
		s.logger.Error("record alerts as incidents", "err", err)
	}
	for _, inc := range rec.Opened {
		s.logger.Info("incident opened", "incident", inc.ID, "alertname", inc.Alertname,
			"district", inc.Labels["district"], "severity", inc.Severity)
	}
	if rec.Changed() {
		s.notify.notifier.Kick()
	}
}

// restoreEventAlerts hands the event rules the alerts they had raised
// before a restart (the open incidents).
func (s *system) restoreEventAlerts() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	open, err := s.incidents.OpenAlerts(ctx)
	if err != nil {
		return err
	}
	if n := s.evrules.Restore(open); n > 0 {
		s.logger.Info("event alerts taken back from open incidents", "alerts", n)
	}
	if n, err := s.ha.Restore(ctx, open); err != nil {
		return fmt.Errorf("host failures: %w", err)
	} else if n > 0 {
		s.logger.Info("open host failures taken back", "failures", n)
	}
	return nil
}
