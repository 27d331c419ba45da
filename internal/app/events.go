package app

import (
	"context"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/logstore"
)

// onStateChange hands a target's up/down change to the event rules at once
// (SnmpTargetUnreachable, AgentOffline: paged within one round of the
// failure, not after a PromQL `for:`) and stores it as an event when it is
// news. The first unknown → up after a start is not news, but it is handed to
// the rules: it resolves an alert taken back from before the restart.
func (s *system) onStateChange(prev collectors.State, st collectors.TargetStatus) {
	ev, news := collectors.StateEvent(prev, st)
	if ev == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.evrules.Handle(ctx, []collectors.Event{*ev})
	if !news {
		return
	}
	if err := s.events.Append(ctx, logEvent(*ev)); err != nil {
		s.logger.Error("record state change event", "target", st.Target.Key(), "err", err)
	}
}

// readHistory answers the event rules' read-back after a start (flap and
// burst windows) from the event store: at most logstore.MaxLimit events per
// rule, the newest kept.
func (s *system) readHistory(ctx context.Context, matchers string, from, to time.Time) ([]collectors.Event, error) {
	evs, err := s.events.Query(ctx, logstore.Query{Start: from, End: to, Matchers: matchers, Limit: logstore.MaxLimit})
	if err != nil {
		return nil, err
	}
	out := make([]collectors.Event, len(evs))
	for i, ev := range evs {
		out[len(evs)-1-i] = collectors.Event{Time: ev.Time, Labels: ev.Labels, Text: ev.Text} // newest first from the store
	}
	return out, nil
}

// resolveGoneTargets closes the unreachable/offline alerts of targets the new
// inventory no longer has: no round will ever succeed for them again. It
// takes the targets handed to the Runner; an empty inventory (a source that
// failed at start) resolves nothing.
func (s *system) resolveGoneTargets(targets []collectors.Target) {
	if len(targets) == 0 {
		return
	}
	present := make(map[string]bool, len(targets))
	for _, t := range targets {
		present[t.Key()] = true
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s.evrules.ResolveGoneTargets(ctx, func(kind, instance string) bool {
		return present[collectors.Target{Kind: kind, Name: instance}.Key()]
	})
}
