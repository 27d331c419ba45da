// Package web owns the operator-facing status pages of the spine and their JSON
// twins: the target list (state, last error, last duration) and the agent online
// rate by district with the list of VMs whose monitoring agent is offline (R-A1).
// The numbers come straight from the Runner's view of each target, so the page
// agrees with the `up` series the rules record.
package web

import (
	"embed"
	"encoding/json"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

//go:embed templates/*.html
var templateFS embed.FS

// Lister is the Runner's read side.
type Lister interface {
	Targets() []collectors.TargetStatus
}

// Web serves the status pages and the target APIs.
type Web struct {
	lister Lister
	logger *slog.Logger
	now    func() time.Time
	pages  *template.Template

	incidents IncidentLister // required by IncidentsPage (WithIncidents)
	silences  SilenceLister  // required by SilencesPage (WithSilences)
	users     UserAdmin      // required by UsersPage and PolicyPage (WithUsers)
	audit     AuditReader    // required by AuditPage (WithAudit)
}

// New builds the pages; now may be nil (time.Now).
func New(l Lister, logger *slog.Logger, now func() time.Time) *Web {
	if now == nil {
		now = time.Now
	}
	funcs := template.FuncMap{
		"time":    cst.FormatTime,
		"percent": FormatPercent,
		"since":   func(t time.Time) string { return cst.FormatDuration(now().Sub(t)) },
		"dur":     func(d time.Duration) string { return d.Round(time.Millisecond).String() },
		"state":   stateName,
		"level":   LevelName,
		"dur2":    cst.FormatDuration,
		"kind":    alerting.TimelineWord,
	}
	pages := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html"))
	return &Web{lister: l, logger: logger, now: now, pages: pages}
}

// Static serves the pages' style sheet and scripts (GET /static/...).
func (w *Web) Static() http.Handler { return http.FileServerFS(staticFS) }

func (w *Web) render(rw http.ResponseWriter, name string, data any) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'")
	if err := w.pages.ExecuteTemplate(rw, name, data); err != nil {
		w.logger.Error("render page", "page", name, "err", err)
	}
}

func writeJSON(rw http.ResponseWriter, data any) {
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(rw).Encode(map[string]any{"status": "success", "data": data})
}

func stateName(s collectors.State) string {
	switch s {
	case collectors.StateUp:
		return "在线"
	case collectors.StateDown:
		return "离线"
	default:
		return "无数据"
	}
}

// LevelName translates an inventory level to the glossary's word.
func LevelName(level string) string {
	switch level {
	case "city":
		return "市级"
	case "county":
		return "县级"
	case "town":
		return "乡镇级"
	case "village":
		return "村级"
	}
	return level
}
