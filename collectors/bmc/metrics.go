package bmc

import "github.com/VictoriaMetrics/metrics"

// Own metrics of the BMC collector, summed over all BMCs (per-BMC health is
// in the TSDB: up and the bmc_* series).
var (
	mRequests      = metrics.NewCounter(`swanwatch_bmc_http_requests_total`)
	mLogins        = metrics.NewCounter(`swanwatch_bmc_session_logins_total`)
	mAuthFailures  = metrics.NewCounter(`swanwatch_bmc_auth_failures_total`)
	mAuthHeldBack  = metrics.NewCounter(`swanwatch_bmc_auth_held_back_total`)
	mTimeouts      = metrics.NewCounter(`swanwatch_bmc_timeouts_total`)
	mBadReplies    = metrics.NewCounter(`swanwatch_bmc_bad_replies_total`)
	mEvents        = metrics.NewCounter(`swanwatch_bmc_events_total`)
	mEventsDropped = metrics.NewCounter(`swanwatch_bmc_events_dropped_total`)
)
