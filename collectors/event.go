package collectors

import (
	"context"
	"time"
)

// Event is something that happened on a device rather than a value sampled from
// it: an SNMP trap, a syslog line, a state change. Events go to the event store
// (internal/logstore) and to event rules; Text is what an operator reads, in
// Chinese.
type Event struct {
	Time   time.Time
	Labels map[string]string // district, site, device, kind, severity, source, ...
	Text   string
}

// EventSink receives events from listeners (trap receiver, syslog). It must
// return quickly: a listener never waits on storage, so implementations buffer
// and count what they must drop.
type EventSink interface {
	AppendEvents(ctx context.Context, events []Event) error
}
