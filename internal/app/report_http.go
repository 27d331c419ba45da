package app

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The reports API (viewer role, like every read):
//
//	GET /api/v1/reports/sla                      months: closed days, frozen or not
//	GET /api/v1/reports/sla/{month}?format=pdf   the month's report (pdf, xlsx or html)
//	GET /api/v1/reports/inspection/{date}?format=html   a day's inspection report (html or pdf)
//
// A month not yet frozen gives a provisional report (临时报告).

var contentTypes = map[string]string{
	"pdf":  "application/pdf",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"html": "text/html; charset=utf-8",
}

func (s *system) reportRoutes(viewer *http.ServeMux) {
	viewer.HandleFunc("GET /api/v1/reports/sla", s.reportMonths)
	viewer.HandleFunc("GET /api/v1/reports/sla/{month}", s.reportDownload)
	viewer.HandleFunc("GET /api/v1/reports/inspection/{date}", s.inspectionDownload)
}

// monthView is one month in the list.
type monthView struct {
	Month       string    `json:"month"`
	Days        int       `json:"days"`
	ClosedDays  int       `json:"closed_days"`
	Frozen      bool      `json:"frozen"`
	FrozenAt    time.Time `json:"frozen_at,omitzero"`
	InputSHA256 string    `json:"input_sha256,omitempty"`
}

func (s *system) reportMonths(w http.ResponseWriter, r *http.Request) {
	states, err := s.ledger.Months(r.Context())
	if err != nil {
		reportError(w, http.StatusInternalServerError, err)
		return
	}
	out := []monthView{}
	current := cstMonth(time.Now())
	if len(states) == 0 || states[0].Month != current {
		start, _ := sla.ParseMonth(current)
		out = append(out, monthView{Month: current, Days: start.AddDate(0, 1, -1).Day()})
	}
	for _, st := range states {
		out = append(out, monthView{Month: st.Month, Days: st.Days, ClosedDays: st.ClosedDays,
			Frozen: !st.FrozenAt.IsZero(), FrozenAt: st.FrozenAt, InputSHA256: st.InputSHA256})
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "success", "data": out})
}

func (s *system) reportDownload(w http.ResponseWriter, r *http.Request) {
	month, format := r.PathValue("month"), r.URL.Query().Get("format")
	if format == "" {
		format = "pdf"
	}
	if _, ok := contentTypes[format]; !ok {
		reportError(w, http.StatusBadRequest, fmt.Errorf("format %q: want pdf, xlsx or html", format))
		return
	}
	if _, err := sla.ParseMonth(month); err != nil {
		reportError(w, http.StatusBadRequest, err)
		return
	}
	var buf bytes.Buffer
	if err := s.reports.Render(r.Context(), month, format, &buf); err != nil {
		reportError(w, reportStatus(err), err)
		return
	}
	metrics.GetOrCreateCounter(`swanwatch_reports_served_total{report="sla",format="` + format + `"}`).Inc()
	w.Header().Set("Content-Type", contentTypes[format])
	w.Header().Set("Content-Disposition", attachment(reportFileName(month, format)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// reportFileName is what a downloaded report is called: SLA月报-2026-11.pdf.
func reportFileName(month, format string) string { return "SLA月报-" + month + "." + format }

// attachment is a Content-Disposition with an ASCII fallback and the UTF-8
// name (RFC 6266), so browsers keep the Chinese file name.
func attachment(name string) string {
	return fmt.Sprintf(`attachment; filename="report.%s"; filename*=UTF-8''%s`,
		strings.TrimPrefix(path.Ext(name), "."), url.PathEscape(name))
}

func reportStatus(err error) int {
	switch {
	case errors.Is(err, ErrReportBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, errNotStarted):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}

func reportError(w http.ResponseWriter, code int, err error) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_reports_errors_total{code="%d"}`, code)).Inc()
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "30")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"status": "error", "error": err.Error()})
}

// cstMonth is the CST month of t, YYYY-MM.
func cstMonth(t time.Time) string { return t.In(cst.Location).Format("2006-01") }
