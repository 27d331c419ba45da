package jobs

import "github.com/VictoriaMetrics/metrics"

// SwanWatch's own metrics of the job watch (swanwatch_jobs_*).
var (
	mPushAccepted  = metrics.NewCounter(`swanwatch_jobs_push_total{result="accepted"}`)
	mPushDuplicate = metrics.NewCounter(`swanwatch_jobs_push_total{result="duplicate"}`)
	mRejectAuth    = metrics.NewCounter(`swanwatch_jobs_push_rejected_total{reason="auth"}`)
	mRejectUnknown = metrics.NewCounter(`swanwatch_jobs_push_rejected_total{reason="unknown_job"}`)
	mRejectBad     = metrics.NewCounter(`swanwatch_jobs_push_rejected_total{reason="bad_body"}`)
	mRejectLarge   = metrics.NewCounter(`swanwatch_jobs_push_rejected_total{reason="too_large"}`)
	mRejectStore   = metrics.NewCounter(`swanwatch_jobs_push_rejected_total{reason="store"}`)
	mPolls         = metrics.NewCounter(`swanwatch_jobs_polls_total`)
	mPollErrors    = metrics.NewCounter(`swanwatch_jobs_poll_errors_total`)
	mStoreErrors   = metrics.NewCounter(`swanwatch_jobs_store_errors_total`)
	mSinkErrors    = metrics.NewCounter(`swanwatch_jobs_sink_errors_total`)
)

func metricEvent(event string) {
	metrics.GetOrCreateCounter(`swanwatch_jobs_events_total{event="` + event + `"}`).Inc()
}
