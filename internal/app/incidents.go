package app

import (
	"context"
	"maps"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

var incidentErrors = metrics.NewCounter("swanwatch_incident_store_errors_total")

// onAlerts turns the rule engine's alerts into incidents: a firing alert opens
// (or refreshes) its incident, a resolved one closes it.
func (s *system) onAlerts(ctx context.Context, alerts []alerting.Alert) {
	for _, a := range alerts {
		var err error
		if a.Firing {
			var inc alerting.Incident
			var created bool
			if inc, created, err = s.incidents.Fire(ctx, a); err == nil && created {
				s.logger.Info("incident opened", "incident", inc.ID, "alertname", inc.Alertname,
					"district", inc.Labels["district"], "severity", inc.Severity)
				s.notify.notifier.Kick() // a trap-detected fault must not wait for the next tick
			}
		} else {
			var resolved bool
			if _, resolved, err = s.incidents.Resolve(ctx, a.Fingerprint, a.EndsAt); resolved {
				s.notify.notifier.Kick()
			}
		}
		if err != nil {
			incidentErrors.Inc()
			s.logger.Error("record alert as incident", "fingerprint", a.Fingerprint, "err", err)
		}
	}
}

// restoreEventAlerts hands the event rules the alerts they had raised before
// a restart (the open incidents), so that a linkUp after the restart closes
// the incident its linkDown opened before it.
func (s *system) restoreEventAlerts() error {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	incs, err := s.incidents.Pending(ctx)
	if err != nil {
		return err
	}
	var open []alerting.Alert
	for _, inc := range incs {
		if inc.Open() {
			open = append(open, alerting.Alert{Fingerprint: inc.Fingerprint, Labels: maps.Clone(inc.Labels),
				Annotations: maps.Clone(inc.Annotations), Firing: true, StartsAt: inc.FirstFired, IncidentID: inc.ID})
		}
	}
	if n := s.evrules.Restore(open); n > 0 {
		s.logger.Info("event alerts taken back from open incidents", "alerts", n)
	}
	return nil
}
