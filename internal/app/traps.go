package app

import (
	"context"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/snmp"
	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/rules/eventrules"
	"github.com/swanwatch/swanwatch/rules/ha"
)

// eventSink stores listener events in the event store.
type eventSink struct{ store *logstore.Store }

func (e eventSink) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	out := make([]logstore.Event, len(evs))
	for i, ev := range evs {
		out[i] = logEvent(ev)
	}
	return e.store.Append(ctx, out...)
}

// logEvent is a collector's event as the event store keeps it.
func logEvent(ev collectors.Event) logstore.Event {
	return logstore.Event{Time: ev.Time, Labels: ev.Labels, Text: ev.Text}
}

// teeSink stores events and hands them to the event rules at once, so a trap
// raises its alert without waiting for an evaluation interval, and to the HA
// proof, which reads the hypervisors' host failures and restarts.
type teeSink struct {
	store   collectors.EventSink
	rules   *eventrules.Engine
	ha      *ha.Tracker
	devices *snmptrap.Devices
}

func (t teeSink) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	labelled := make([]collectors.Event, len(evs)) // the caller's slice is not ours to change
	for i, ev := range evs {
		labelled[i] = t.devices.Label(ev)
	}
	evs = labelled
	t.rules.Handle(ctx, evs)
	t.ha.Handle(ctx, evs)
	return t.store.AppendEvents(ctx, evs)
}

// eventSink is where traps and poll-detected changes go: labelled with their
// link, handed to the event rules at once, and stored.
func (s *system) eventSink() collectors.EventSink {
	return teeSink{eventSink{s.events}, s.evrules, s.ha, &s.devices}
}

// newTrapReceiver builds the receiver when traps.listen is set.
func (s *system) newTrapReceiver() (*snmptrap.Receiver, error) {
	t := s.config().Traps
	if t.Listen == "" {
		return nil, nil
	}
	o := t.Options()
	o.Resolve, o.Sink, o.Logger = s.devices.Resolve, s.eventSink(), s.logger.With("part", "traps")
	if sn, ok := s.kinds["snmp"].Collector.(*snmp.Collector); ok {
		o.IfName = sn.IfName // a trap naming its port by ifIndex/ifDescr joins the polled port
	}
	return snmptrap.New(o)
}
