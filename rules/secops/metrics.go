package secops

import "github.com/VictoriaMetrics/metrics"

// SwanWatch's own metrics of security operations (swanwatch_secops_*).
var (
	mStoreErrors = metrics.NewCounter(`swanwatch_secops_store_errors_total`)
	mSinkErrors  = metrics.NewCounter(`swanwatch_secops_sink_errors_total`)
)

func metricEvent(event string) {
	metrics.GetOrCreateCounter(`swanwatch_secops_events_total{event="` + event + `"}`).Inc()
}

// metricImport counts an import by format and result (imported, bad, store).
func metricImport(format, result string) {
	metrics.GetOrCreateCounter(`swanwatch_secops_scan_imports_total{format="` + format + `",result="` + result + `"}`).Inc()
}

// metricRejected counts an API request refused, by status code.
func metricRejected(code int) {
	metrics.GetOrCreateCounter(`swanwatch_secops_api_rejected_total{code="` + itoa(code) + `"}`).Inc()
}
