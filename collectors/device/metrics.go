package device

import "github.com/VictoriaMetrics/metrics"

// Own metrics of the device collector and the plate receiver, summed over all
// targets (per-device health is in the TSDB: up and the profile's series).
var (
	mFailedRounds = metrics.NewCounter(`swanwatch_device_failed_rounds_total`)
	mBadValues    = metrics.NewCounter(`swanwatch_device_bad_values_total`)
	mRequests     = metrics.NewCounter(`swanwatch_device_requests_total`)

	mPushPlates     = metrics.NewCounter(`swanwatch_device_push_total{type="plate"}`)
	mPushDuplicates = metrics.NewCounter(`swanwatch_device_push_total{type="duplicate"}`)
	mPushOffline    = metrics.NewCounter(`swanwatch_device_push_total{type="offline"}`)
	mPushHeartbeats = metrics.NewCounter(`swanwatch_device_push_total{type="heartbeat"}`)
	mPushIO         = metrics.NewCounter(`swanwatch_device_push_total{type="io"}`)
	mPushOther      = metrics.NewCounter(`swanwatch_device_push_total{type="other"}`)
	mPushRejected   = metrics.NewCounter(`swanwatch_device_push_rejected_total{reason="auth"}`)
	mPushBad        = metrics.NewCounter(`swanwatch_device_push_rejected_total{reason="bad"}`)
	mPushTooLarge   = metrics.NewCounter(`swanwatch_device_push_rejected_total{reason="too_large"}`)
	mPushUnknown    = metrics.NewCounter(`swanwatch_device_push_rejected_total{reason="too_many_cameras"}`)
)
