package report

import (
	"fmt"

	"github.com/VictoriaMetrics/metrics"
)

// renderFailed counts a refused or failed rendering by format and kind
// (invalid | layout | write), both bounded sets, and passes the error on.
func renderFailed(format, kind string, err error) error {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_report_render_errors_total{format=%q,kind=%q}`, format, kind)).Inc()
	return err
}

// rendered counts a report written, by format.
func rendered(format string) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_report_rendered_total{format=%q}`, format)).Inc()
}
