package snmptrap

import (
	"fmt"

	"github.com/VictoriaMetrics/metrics"
)

// Drop reasons, the only values of the reason label.
const (
	reasonRateLimited   = "rate_limited"
	reasonBadCommunity  = "bad_community"
	reasonBadAuth       = "bad_auth"
	reasonUnknownEngine = "unknown_engine"
	reasonDecode        = "decode_error"
	reasonNotTrap       = "not_trap"
	reasonQueueFull     = "queue_full"
	// Not traps, answered with a Report PDU (inform.go).
	reasonDiscovery       = "engine_discovery"
	reasonNotInTimeWindow = "not_in_time_window"
)

var dropReasons = []string{reasonRateLimited, reasonBadCommunity, reasonBadAuth,
	reasonUnknownEngine, reasonDecode, reasonNotTrap, reasonQueueFull, reasonDiscovery, reasonNotInTimeWindow}

// Own metrics: bounded labels only (reason, version), never a source address.
var (
	packetsTotal   = metrics.NewCounter("swanwatch_snmptrap_packets_total")
	eventsTotal    = metrics.NewCounter("swanwatch_snmptrap_events_total")
	sinkErrors     = metrics.NewCounter("swanwatch_snmptrap_sink_errors_total")
	badVarbinds    = metrics.NewCounter("swanwatch_snmptrap_bad_varbinds_total")
	sourcesEvicted = metrics.NewCounter("swanwatch_snmptrap_sources_evicted_total")
	// Informs: answers sent, answers that could not be built or sent, and
	// retransmissions answered again but not stored twice.
	informAcks      = metrics.NewCounter("swanwatch_snmptrap_inform_responses_total")
	informAckErrors = metrics.NewCounter("swanwatch_snmptrap_inform_response_errors_total")
	informRepeats   = metrics.NewCounter("swanwatch_snmptrap_inform_retransmissions_total")
	reportsSent     = metrics.NewCounter("swanwatch_snmptrap_reports_sent_total")
	dropped         = map[string]*metrics.Counter{}
	accepted        = map[string]*metrics.Counter{}
)

func init() {
	for _, r := range dropReasons {
		dropped[r] = metrics.NewCounter(fmt.Sprintf("swanwatch_snmptrap_dropped_total{reason=%q}", r))
	}
	for _, v := range []string{"v1", "v2c", "v3"} {
		accepted[v] = metrics.NewCounter(fmt.Sprintf("swanwatch_snmptrap_traps_total{version=%q}", v))
	}
}
