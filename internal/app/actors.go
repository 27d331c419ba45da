package app

import (
	"context"
)

// addActors puts every long-running part in the run group. Each actor returns
// when ctx ends; the group's first return stops all the others.
func (s *system) addActors(ctx context.Context, g interface {
	Add(func() error, func(error))
}) {
	ctx, cancel := context.WithCancel(ctx)
	stop := func(error) { cancel() }
	for _, runFn := range append([]func(context.Context) error{
		s.store.Run, s.events.Run, s.runner.Run, s.rules.Run, s.reload.run, s.evrules.Run,
		s.notify.outbox.Run, s.notify.notifier.Run, s.closer.Run, s.reports.RunInspections, s.jobs.Run, s.ha.Run, s.pruneAudit, s.secops.Run, s.admins.Run,
	}, s.wallActors()...) {
		g.Add(func() error { return untilDone(ctx, runFn) }, stop)
	}
	if s.traps != nil {
		g.Add(func() error { return untilDone(ctx, s.traps.Run) }, stop)
	}
	if s.syslog != nil {
		g.Add(func() error { return untilDone(ctx, s.syslog.Run) }, stop)
		g.Add(func() error { return untilDone(ctx, s.recordSyslogCounts) }, stop)
	}
	srv := s.newServer()
	g.Add(func() error { return srv.serve(ctx) }, stop)
	for _, a := range s.opts.Extra {
		g.Add(a.Run, a.Stop)
	}
}

// untilDone runs fn and, when it finishes early without error (a store with no
// remote receivers has nothing to run), waits for ctx so the group keeps going.
func untilDone(ctx context.Context, fn func(context.Context) error) error {
	if err := fn(ctx); err != nil && ctx.Err() == nil {
		return err
	}
	<-ctx.Done()
	return nil
}
