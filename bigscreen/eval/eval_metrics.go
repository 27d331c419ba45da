package eval

import "github.com/VictoriaMetrics/metrics"

// Own metrics of the evaluator. Labels are bounded: kind is
// one of a few fixed words, never a scene, panel or query.
var (
	evalRounds        = metrics.NewCounter("swanwatch_bigscreen_eval_rounds_total")
	evalPanels        = metrics.NewCounter("swanwatch_bigscreen_eval_panels_total")
	evalQueries       = metrics.NewCounter("swanwatch_bigscreen_eval_queries_total")
	evalPublishes     = metrics.NewCounter("swanwatch_bigscreen_eval_publishes_total")
	evalRoundDuration = metrics.NewHistogram("swanwatch_bigscreen_eval_round_duration_seconds")

	// Evaluation errors: a query that failed, a result of the wrong shape (a
	// KPI query that returned several series), a feed (incidents, cameras) that failed.
	evalErrors = kindCounters("swanwatch_bigscreen_eval_errors_total", "query", "shape", "incidents", "cameras")
)

func kindCounters(name string, kinds ...string) map[string]*metrics.Counter {
	out := make(map[string]*metrics.Counter, len(kinds))
	for _, k := range kinds {
		out[k] = metrics.NewCounter(name + `{kind="` + k + `"}`)
	}
	return out
}

// evalError counts an evaluation error of a kind of evalErrors.
func evalError(kind string) { evalErrors[kind].Inc() }
