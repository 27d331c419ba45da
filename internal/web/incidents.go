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
	Get(ctx context.Context, id int64) (alerting.Incident, error)
	Timeline(ctx context.Context, id int64) ([]alerting.TimelineEntry, error)
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
	Child        bool // shown indented under its root incident
	Held         int  // incidents held back under this one
}

// IncidentsPage lists the open incidents, each root followed by the
// incidents it holds back (因上级故障抑制), or shows one with ?id=.
func (w *Web) IncidentsPage(rw http.ResponseWriter, r *http.Request) {
	if id := r.URL.Query().Get("id"); id != "" {
		w.incidentDetail(rw, r, id)
		return
	}
	incs, err := w.incidents.List(r.Context(), alerting.IncidentFilter{OpenOnly: true, NewestFirst: true, Limit: 1000})
	if err != nil {
		w.logger.Error("list incidents for the page", "err", err)
		http.Error(rw, "故障事件暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	rows, unacked, held := w.incidentRows(incs)
	rw.Header().Set("Refresh", "30")
	w.render(rw, "incidents.html", map[string]any{"Rows": rows, "Unacked": unacked, "Held": held, "Now": w.now()})
}

// incidentRows orders roots first, each followed by its held-back children.
func (w *Web) incidentRows(incs []alerting.Incident) (rows []incidentRow, unacked, held int) {
	now := w.now()
	open := map[int64]bool{}
	children := map[int64][]alerting.Incident{}
	for _, inc := range incs {
		open[inc.ID] = true
	}
	for _, inc := range incs {
		if inc.SuppressedBy != 0 && open[inc.SuppressedBy] {
			children[inc.SuppressedBy] = append(children[inc.SuppressedBy], inc)
			held++
		}
	}
	row := func(inc alerting.Incident, child bool) incidentRow {
		if inc.AckedAt.IsZero() && !child {
			unacked++
		}
		return incidentRow{Incident: inc, SeverityName: inc.Severity.Name(), Age: now.Sub(inc.FirstFired),
			Child: child, Held: len(children[inc.ID])}
	}
	for _, inc := range incs {
		if inc.SuppressedBy != 0 && open[inc.SuppressedBy] {
			continue
		}
		rows = append(rows, row(inc, false))
		for _, c := range children[inc.ID] {
			rows = append(rows, row(c, true))
		}
	}
	return rows, unacked, held
}
