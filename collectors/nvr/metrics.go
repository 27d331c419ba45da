package nvr

import "github.com/VictoriaMetrics/metrics"

// Own metrics of the NVR collector, summed over all recorders (per-recorder
// health is in the TSDB: up and nvr_errors).
var (
	mRequests     = metrics.NewCounter(`swanwatch_nvr_http_requests_total`)
	mAuthFailures = metrics.NewCounter(`swanwatch_nvr_auth_failures_total`)
	// Rounds that skipped HTTP because the credentials were refused recently
	// (a recorder locks its login after a few failures).
	mAuthHeldBack = metrics.NewCounter(`swanwatch_nvr_auth_held_back_total`)
	mTimeouts     = metrics.NewCounter(`swanwatch_nvr_timeouts_total`)
	mBadReplies   = metrics.NewCounter(`swanwatch_nvr_bad_replies_total`)
	mSearches     = metrics.NewCounter(`swanwatch_nvr_searches_total`)
	mProbes       = metrics.NewCounter(`swanwatch_nvr_footage_probes_total`)
	mSNMPErrors   = metrics.NewCounter(`swanwatch_nvr_snmp_errors_total`)
)
