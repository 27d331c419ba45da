package app

import (
	"context"
	"fmt"

	"github.com/swanwatch/swanwatch/collectors/syslog"
	"github.com/swanwatch/swanwatch/collectors/syslog/logparse"
)

// newSyslogReceiver builds the receiver when the syslog section is present:
// sources resolved to devices as traps are, lines classed by the vendors'
// profiles, events through the same sink as traps (event rules, store).
func (s *system) newSyslogReceiver() (*syslog.Receiver, error) {
	c := s.config().Syslog
	if c == nil {
		return nil, nil
	}
	set, err := c.Profiles()
	if err != nil {
		return nil, fmt.Errorf("syslog.profiles_file: %w", err)
	}
	classify := syslog.ClassifyFunc(func(m syslog.Message) (syslog.Record, bool) {
		rec, ok := set.Parse(logparse.Message(m))
		return syslog.Record(rec), ok
	})
	return syslog.New(c.Config, syslog.Deps{Resolve: s.devices.Resolve, Sink: s.eventSink(), Classifier: classify,
		Logger: s.logger.With("part", "syslog")})
}

// recordSyslogCounts stores each device's line count in the TSDB at the rule
// evaluation interval, for the rules that judge a log flow's silence.
func (s *system) recordSyslogCounts(ctx context.Context) error {
	return syslog.RecordReceived(ctx, s.store, s.config().Rules.EvaluationInterval, s.logger.With("part", "syslog"))
}
