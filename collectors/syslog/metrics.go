package syslog

import (
	"fmt"
	"sync"

	"github.com/VictoriaMetrics/metrics"
)

// Reasons a line is dropped (swanwatch_syslog_dropped_total): the line was
// fine, we could not take it.
const (
	dropRateLimit = "rate_limit" // a UDP sender over its token bucket
	dropQueueFull = "queue_full" // UDP lines while the delivery queue is full, or left at shutdown
)

// Reasons of swanwatch_syslog_rejected_total: bad input. The first four lose
// the line; invalid_utf8 and bad_header keep it, repaired (replacement
// characters; the text after the priority); the last two are connections.
const (
	rejNoPriority    = "no_priority"     // no <PRI> at the start
	rejBadPriority   = "bad_priority"    // <PRI> malformed or above 191
	rejBadOctetCount = "bad_octet_count" // an octet count that is no number: the stream is closed
	rejOversized     = "oversized"       // a frame above max_message_size, discarded
	rejInvalidUTF8   = "invalid_utf8"    // neither UTF-8 nor GB18030: bad bytes replaced, kept
	rejBadHeader     = "bad_header"      // an RFC 5424 header the grammar refuses: kept with the raw text
	rejMaxConns      = "max_connections" // a connection over max_connections, closed at once
	rejTLSHandshake  = "tls_handshake"   // a TLS handshake that failed or timed out
)

var (
	dropReasons   = []string{dropRateLimit, dropQueueFull}
	rejectReasons = []string{rejNoPriority, rejBadPriority, rejBadOctetCount, rejOversized,
		rejInvalidUTF8, rejBadHeader, rejMaxConns, rejTLSHandshake}
)

// Own metrics: bounded labels only. received_total carries the inventory
// device (instance), which the inventory bounds, for the firewall's log-flow
// rule (docs/logs.md); lines of senders that are no device share one series.
var (
	dropped        = map[string]*metrics.Counter{}
	rejected       = map[string]*metrics.Counter{}
	unknownLines   = metrics.NewCounter(`swanwatch_syslog_received_total{known="false"}`)
	sinkErrors     = metrics.NewCounter("swanwatch_syslog_sink_errors_total")
	eventsStored   = metrics.NewCounter("swanwatch_syslog_events_total")
	sourcesEvicted = metrics.NewCounter("swanwatch_syslog_sources_evicted_total")
	pacedLines     = metrics.NewCounter("swanwatch_syslog_paced_total")
	recoded        = metrics.NewCounter("swanwatch_syslog_gb18030_total")
	openConns      = metrics.NewCounter("swanwatch_syslog_connections_opened_total")
	connections    = metrics.NewGauge("swanwatch_syslog_connections", nil)
)

func init() {
	for _, r := range dropReasons {
		dropped[r] = metrics.NewCounter(fmt.Sprintf("swanwatch_syslog_dropped_total{reason=%q}", r))
	}
	for _, r := range rejectReasons {
		rejected[r] = metrics.NewCounter(fmt.Sprintf("swanwatch_syslog_rejected_total{reason=%q}", r))
	}
}

// maxInstanceSeries bounds the per-device series, should an inventory grow
// past any city's: beyond it a device's lines count as unknown ones.
const maxInstanceSeries = 20_000

// received counts the lines of one inventory device.
type receivedCounters struct {
	mu sync.RWMutex
	by map[string]*metrics.Counter
}

var received = receivedCounters{by: map[string]*metrics.Counter{}}

func (c *receivedCounters) of(instance string) *metrics.Counter {
	c.mu.RLock()
	m, ok := c.by[instance]
	c.mu.RUnlock()
	if ok {
		return m
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if m, ok := c.by[instance]; ok {
		return m
	}
	if len(c.by) >= maxInstanceSeries {
		return unknownLines
	}
	m = metrics.GetOrCreateCounter(fmt.Sprintf("swanwatch_syslog_received_total{instance=%q}", instance))
	c.by[instance] = m
	return m
}
