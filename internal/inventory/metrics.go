package inventory

import "github.com/VictoriaMetrics/metrics"

// Own metrics: bounded labels (the source kind), never a target or a file name.
var (
	httpFetches     = metrics.GetOrCreateCounter(`swanwatch_inventory_http_fetches_total`)
	httpFetchErrors = metrics.GetOrCreateCounter(`swanwatch_inventory_http_fetch_errors_total`)
	duplicates      = metrics.GetOrCreateCounter(`swanwatch_inventory_problems_total{source="duplicate"}`)
	targetsGauge    = metrics.GetOrCreateGauge(`swanwatch_inventory_targets`, nil)
	linksGauge      = metrics.GetOrCreateGauge(`swanwatch_inventory_links`, nil)
	reloads         = metrics.GetOrCreateCounter(`swanwatch_inventory_reloads_total`)

	problemCounters = func() map[string]*metrics.Counter {
		m := map[string]*metrics.Counter{}
		for _, k := range []string{"inline", "yaml", "excel", "http"} {
			m[k] = metrics.GetOrCreateCounter(`swanwatch_inventory_problems_total{source="` + k + `"}`)
		}
		return m
	}()
)

// counted adds r's problems to the counter of its source kind.
func counted(kind string, r result) result {
	problemCounters[kind].Add(len(r.probs))
	return r
}
