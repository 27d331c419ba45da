package snmp

import "github.com/VictoriaMetrics/metrics"

// Own metrics of the SNMP collector, summed over all targets (per-target health
// is in the TSDB: up and snmp_errors).
var (
	mPDUsSent     = metrics.NewCounter(`swanwatch_snmp_pdus_sent_total`)
	mOIDs         = metrics.NewCounter(`swanwatch_snmp_oids_received_total`)
	mTimeouts     = metrics.NewCounter(`swanwatch_snmp_timeouts_total`)
	mAuthFailures = metrics.NewCounter(`swanwatch_snmp_auth_failures_total`)
	mWalkErrors   = metrics.NewCounter(`swanwatch_snmp_walk_errors_total`)
	mBadValues    = metrics.NewCounter(`swanwatch_snmp_bad_values_total`)
	mRestarts     = metrics.NewCounter(`swanwatch_snmp_device_restarts_detected_total`)
	// v3 sessions whose cached engine did not fit and were discovered afresh.
	mEngineRelearnt = metrics.NewCounter(`swanwatch_snmp_engine_rediscoveries_total`)
)

// Poll-detected link changes (linkevents.go).
var (
	mLinkEventsDown     = metrics.NewCounter(`swanwatch_snmp_poll_link_events_total{trap="linkDown"}`)
	mLinkEventsUp       = metrics.NewCounter(`swanwatch_snmp_poll_link_events_total{trap="linkUp"}`)
	mLinkEventsFailed   = metrics.NewCounter(`swanwatch_snmp_poll_link_events_failed_total`)
	mLinkEventsDeferred = metrics.NewCounter(`swanwatch_snmp_poll_link_events_deferred_total`)
)

// linkEventsTotal is the delivered-events counter of a change to state to.
func linkEventsTotal(to uint8) *metrics.Counter {
	if to == operDown {
		return mLinkEventsDown
	}
	return mLinkEventsUp
}
