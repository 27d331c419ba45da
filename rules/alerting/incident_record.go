package alerting

import (
	"context"
	"errors"
	"fmt"
	"maps"

	"github.com/VictoriaMetrics/metrics"
)

var incidentStoreErrors = metrics.NewCounter("swanwatch_incident_store_errors_total")

// Recorded says what Record did: the incidents it opened and closed, so the
// caller can tell the notifier to look at once and log the opened ones.
type Recorded struct {
	Opened   []Incident
	Resolved int
}

// Changed reports whether an incident opened or closed.
func (r Recorded) Changed() bool { return len(r.Opened) > 0 || r.Resolved > 0 }

// Record turns rule alerts into incidents: a firing alert opens (or
// refreshes) its incident, a resolved one closes it. An alert the store
// cannot take is counted (swanwatch_incident_store_errors_total) and named
// in the error; the others are recorded all the same.
func (s *Incidents) Record(ctx context.Context, alerts []Alert) (Recorded, error) {
	var out Recorded
	var errs []error
	for _, a := range alerts {
		var err error
		if a.Firing {
			var inc Incident
			var created bool
			if inc, created, err = s.Fire(ctx, a); err == nil && created {
				out.Opened = append(out.Opened, inc)
			}
		} else {
			var resolved bool
			if _, resolved, err = s.Resolve(ctx, a.Fingerprint, a.EndsAt); resolved {
				out.Resolved++
			}
		}
		if err != nil {
			incidentStoreErrors.Inc()
			errs = append(errs, fmt.Errorf("record alert %s as incident: %w", a.Fingerprint, err))
		}
	}
	return out, errors.Join(errs...)
}

// OpenAlerts are the alerts of the open incidents as an alert source raised
// them, so that the event rules can take them back after a restart (a
// linkUp after the restart then closes the incident its linkDown opened).
func (s *Incidents) OpenAlerts(ctx context.Context) ([]Alert, error) {
	incs, err := s.Pending(ctx)
	if err != nil {
		return nil, err
	}
	var open []Alert
	for _, inc := range incs {
		if inc.Open() {
			a := inc.toAlert()
			a.Labels, a.Annotations = maps.Clone(a.Labels), maps.Clone(a.Annotations)
			open = append(open, a)
		}
	}
	return open, nil
}
