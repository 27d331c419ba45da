package app

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/rules/eventrules"
	"github.com/swanwatch/swanwatch/rules/secops"
)

// eventPack is the shipped event rules with the security operations' own
// (overdue vulnerabilities, a quarter without a scan, a notice's 24-hour
// clock), which secops raises through events like the jobs' checker.
func eventPack() ([]eventrules.Rule, error) {
	pack, err := eventrules.Pack()
	if err != nil {
		return nil, fmt.Errorf("load the event rule pack: %w", err)
	}
	sec, err := secops.EventRules()
	if err != nil {
		return nil, fmt.Errorf("load the security operations' event rules: %w", err)
	}
	return append(pack, sec...), nil
}

// openSecurity opens the security operations (R-A12): imported
// vulnerability scans tracked to closure, regulators' notices (通报) with
// their 24-hour clock, and the watch of SwanWatch's own new administrators.
func (s *system) openSecurity() error {
	var err error
	s.secops, err = secops.New(s.state, secops.WithEvents(s.eventSink()), secops.WithUser(userOf),
		secops.WithLogger(s.logger.With("part", "secops")))
	if err != nil {
		return fmt.Errorf("set up the security operations: %w", err)
	}
	s.admins = secops.NewAccountWatch(s.audit, s.eventSink(), storedEvents(s.events), s.secops.Since(),
		s.logger.With("part", "secops"))
	return nil
}

// storedEvents is the event store as secops reads it.
func storedEvents(st *logstore.Store) secops.StoredEvents {
	return func(ctx context.Context, from, to time.Time, match map[string][]string, each func(map[string]string)) error {
		q := logstore.Query{Start: from, End: to.Add(-time.Nanosecond), Labels: match}
		return st.Scan(ctx, q, func(e logstore.Event) error { each(e.Labels); return nil })
	}
}
