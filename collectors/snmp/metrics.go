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
)
