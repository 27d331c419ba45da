package issue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The reports API; the route table registers these handlers (viewer role,
// like every read):
//
//	GET /api/v1/reports/sla                      Months: closed days, frozen or not
//	GET /api/v1/reports/sla/{month}?format=pdf   MonthReport: pdf, xlsx or html
//	GET /api/v1/reports/inspection/{date}?format=html   Inspection: html or pdf
//
// A month not yet frozen gives a provisional report (临时报告).

var contentTypes = map[string]string{
	"pdf":  "application/pdf",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
	"html": "text/html; charset=utf-8",
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

// Months serves the months of the ledger, newest first, the current one
// always among them.
func (s *Service) Months(w http.ResponseWriter, r *http.Request) {
	states, err := s.o.Ledger.Months(r.Context())
	if err != nil {
		reportError(w, http.StatusInternalServerError, err)
		return
	}
	out := []monthView{}
	current := sla.MonthOf(s.o.Now())
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

// MonthReport serves the report of {month}, built now, as an attachment.
func (s *Service) MonthReport(w http.ResponseWriter, r *http.Request) {
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
	if err := s.Render(r.Context(), month, format, &buf); err != nil {
		reportError(w, reportStatus(err), err)
		return
	}
	metrics.GetOrCreateCounter(`swanwatch_reports_served_total{report="sla",format="` + format + `"}`).Inc()
	serve(w, monthFileName(month, format), format, buf.Bytes())
}

// Inspection serves the kept inspection report of {date}, or today's built
// now.
func (s *Service) Inspection(w http.ResponseWriter, r *http.Request) {
	date, format := r.PathValue("date"), r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	render, ok := inspectionFormats[format]
	if _, err := sla.ParseDate(date); err != nil || !ok {
		reportError(w, http.StatusBadRequest, fmt.Errorf("want a date YYYY-MM-DD and format html or pdf"))
		return
	}
	b, err := os.ReadFile(filepath.Join(s.o.Settings().Dir, inspectionFileName(date, format)))
	if now := s.o.Now(); errors.Is(err, os.ErrNotExist) && date == sla.DateOf(now) {
		var buf bytes.Buffer
		var ins *report.Inspection
		if ins, err = s.buildInspection(r.Context(), now); err == nil {
			err = render(&buf, ins)
		}
		b = buf.Bytes()
	}
	if err != nil {
		code := http.StatusInternalServerError
		if errors.Is(err, os.ErrNotExist) {
			code, err = http.StatusNotFound, fmt.Errorf("no inspection report for %s", date)
		}
		reportError(w, code, err)
		return
	}
	serve(w, inspectionFileName(date, format), format, b)
}

// serve writes a report as an attachment named name.
func serve(w http.ResponseWriter, name, format string, b []byte) {
	w.Header().Set("Content-Type", contentTypes[format])
	w.Header().Set("Content-Disposition", attachment(name))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}

// attachment is a Content-Disposition with an ASCII fallback and the UTF-8
// name (RFC 6266), so browsers keep the Chinese file name.
func attachment(name string) string {
	return fmt.Sprintf(`attachment; filename="report.%s"; filename*=UTF-8''%s`,
		strings.TrimPrefix(path.Ext(name), "."), url.PathEscape(name))
}

func reportStatus(err error) int {
	switch {
	case errors.Is(err, ErrBusy):
		return http.StatusServiceUnavailable
	case errors.Is(err, ErrNotStarted):
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
