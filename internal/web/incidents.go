package web

import (
	"context"
	"embed"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/rules/alerting"
)

//go:embed static/*.js
var staticFS embed.FS

// IncidentLister is the incident store's read side.
type IncidentLister interface {
	List(ctx context.Context, f alerting.IncidentFilter) ([]alerting.Incident, error)
}

// WithIncidents adds the duty operator's incident page (故障事件) to the pages.
func (w *Web) WithIncidents(l IncidentLister) *Web {
	w.incidents = l
	return w
}

// incidentRow is one line of the page.
type incidentRow struct {
	alerting.Incident
	SeverityName string
	Age          time.Duration
}

func (w *Web) incidentsPage(rw http.ResponseWriter, r *http.Request) {
	incs, err := w.incidents.List(r.Context(), alerting.IncidentFilter{OpenOnly: true, NewestFirst: true, Limit: 1000})
	if err != nil {
		w.logger.Error("list incidents for the page", "err", err)
		http.Error(rw, "故障事件暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	now := w.now()
	rows := make([]incidentRow, len(incs))
	unacked := 0
	for i, inc := range incs {
		rows[i] = incidentRow{Incident: inc, SeverityName: inc.Severity.Name(), Age: now.Sub(inc.FirstFired)}
		if inc.AckedAt.IsZero() {
			unacked++
		}
	}
	rw.Header().Set("Refresh", "30")
	w.render(rw, "incidents.html", map[string]any{"Rows": rows, "Unacked": unacked, "Now": now})
}
