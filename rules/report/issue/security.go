package issue

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/secops"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The monthly report's 八、安全运营 reads, at generation like the cloud's
// sources, the month's security events from the event store (through
// Options.SecurityEvents, so this package needs no store of its own) and
// the vulnerabilities, scans and notices from rules/secops. A source not
// given is 未接入 in the report, never zeros.

// SecurityEvents hands the labels of every stored event of [from, to) to
// add, in any order; the server points it at the event store's scan.
type SecurityEvents func(ctx context.Context, from, to time.Time, add func(labels map[string]string)) error

// topSources is how many source addresses the section lists.
const topSources = 10

// securityInput reads the month's security events and secops figures;
// the events of the running month up to now. A failure fails the report:
// one saying 未接入 while the store holds the month would be wrong.
func (s *Service) securityInput(ctx context.Context, month string) (report.SecurityInput, error) {
	var in report.SecurityInput
	if s.o.SecurityEvents != nil {
		from, err := sla.ParseMonth(month)
		if err != nil {
			return in, err
		}
		to := from.AddDate(0, 1, 0)
		if now := s.o.Now(); now.Before(to) {
			to = now
		}
		tally := secops.NewEventTally()
		if err := s.o.SecurityEvents(ctx, from, to, tally.Add); err != nil {
			return in, fmt.Errorf("security events of %s: %w", month, err)
		}
		sec := tally.Section(topSources)
		in.Events = &sec
	}
	if s.o.Secops != nil {
		m, err := s.o.Secops.Month(ctx, month)
		if err != nil {
			return in, fmt.Errorf("vulnerabilities and notices of %s: %w", month, err)
		}
		in.Vulns = &m
	}
	return in, nil
}
