package web

import (
	"net/http"
	"strconv"

	"github.com/swanwatch/swanwatch/collectors"
)

// targetFilter selects targets by kind, state and district query parameters.
type targetFilter struct {
	kind, state, district string
	limit                 int
}

func parseFilter(r *http.Request) targetFilter {
	q := r.URL.Query()
	f := targetFilter{kind: q.Get("kind"), state: q.Get("state"), district: q.Get("district"), limit: 5000}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n < f.limit {
		f.limit = n
	}
	return f
}

func (f targetFilter) match(s collectors.TargetStatus) bool {
	return (f.kind == "" || s.Target.Kind == f.kind) &&
		(f.state == "" || string(s.State) == f.state) &&
		(f.district == "" || s.Target.Labels["district"] == f.district)
}

func (f targetFilter) apply(all []collectors.TargetStatus) (out []collectors.TargetStatus, total int) {
	for _, s := range all {
		if !f.match(s) {
			continue
		}
		total++
		if len(out) < f.limit {
			out = append(out, s)
		}
	}
	return out, total
}

// targetView is one row of the API answer: durations in seconds, times in RFC 3339.
type targetView struct {
	Kind            string            `json:"kind"`
	Name            string            `json:"name"`
	Address         string            `json:"address"`
	Labels          map[string]string `json:"labels"`
	State           string            `json:"state"`
	Since           string            `json:"since,omitempty"`
	LastRound       string            `json:"last_round,omitempty"`
	LastDurationSec float64           `json:"last_duration_seconds"`
	LastError       string            `json:"last_error,omitempty"`
	Samples         int               `json:"samples"`
}

func viewOf(s collectors.TargetStatus) targetView {
	v := targetView{Kind: s.Target.Kind, Name: s.Target.Name, Address: s.Target.Address,
		Labels: s.Target.Labels, State: string(s.State), LastDurationSec: s.LastDuration.Seconds(),
		LastError: s.LastError, Samples: s.Samples}
	if !s.Since.IsZero() {
		v.Since = s.Since.Format("2006-01-02T15:04:05.000Z07:00")
	}
	if !s.LastRound.IsZero() {
		v.LastRound = s.LastRound.Format("2006-01-02T15:04:05.000Z07:00")
	}
	return v
}

// TargetsAPI lists every target with its state, last error and last round.
func (w *Web) TargetsAPI(rw http.ResponseWriter, r *http.Request) {
	rows, total := parseFilter(r).apply(w.lister.Targets())
	views := make([]targetView, len(rows))
	for i, s := range rows {
		views[i] = viewOf(s)
	}
	writeJSON(rw, map[string]any{"total": total, "targets": views})
}

// TargetsPage is 采集目标: the targets as a page.
func (w *Web) TargetsPage(rw http.ResponseWriter, r *http.Request) {
	f := parseFilter(r)
	if r.URL.Query().Get("limit") == "" {
		f.limit = 500 // a page of 3,000 rows helps nobody; filters narrow it down
	}
	rows, total := f.apply(w.lister.Targets())
	w.render(rw, "targets.html", map[string]any{"Rows": rows, "Total": total, "Shown": len(rows),
		"Kind": f.kind, "State": f.state, "District": f.district, "Districts": Districts, "Now": w.now()})
}

// StatusPage is 运行概况, the home page.
func (w *Web) StatusPage(rw http.ResponseWriter, _ *http.Request) {
	st := w.lister.Targets()
	per, city := AgentRates(st)
	off := OfflineAgents(st)
	rw.Header().Set("Refresh", "15")
	w.render(rw, "status.html", map[string]any{"City": city, "Districts": per, "Offline": off, "Now": w.now()})
}
