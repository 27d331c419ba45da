package app

import (
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// reportRoutes registers the reports API (rules/report/issue's handlers).
func (s *system) reportRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/v1/reports/sla", s.reports.Months)
	mux.HandleFunc("GET /api/v1/reports/sla/{month}", s.reports.MonthReport)
	mux.HandleFunc("GET /api/v1/reports/inspection/{date}", s.reports.Inspection)
}

// cstMonth is the CST month of t, YYYY-MM (the demo's report link).
func cstMonth(t time.Time) string { return sla.MonthOf(t) }
