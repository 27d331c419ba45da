package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Every morning at reports.inspection.at (CST) the inspection report is
// built, kept in <storage.path>/reports (HTML and PDF) and sent to the
// reports receiver; GET /api/v1/reports/inspection/{date} serves a kept one,
// or today's built on the spot.

var inspectionFormats = map[string]func(io.Writer, *report.Inspection) error{
	"html": report.RenderInspectionHTML, "pdf": report.RenderInspectionPDF,
}

func inspectionFileName(date, format string) string { return "巡检报告-" + date + "." + format }

// buildInspection builds the inspection report as at at.
func (s *system) buildInspection(ctx context.Context, at time.Time) (*report.Inspection, error) {
	in, err := inspectionInput(ctx, s.query.Instant, s.incidents, at)
	if err != nil {
		return nil, err
	}
	cfg := s.reportsConfig()
	in.Issuer, in.HorizonDays = cfg.Issuer, cfg.Inspection.HorizonDays
	return report.BuildInspection(in)
}

// runInspections issues the inspection report every day at the configured
// time until ctx ends.
func (s *system) runInspections(ctx context.Context) error {
	return runDaily(ctx, func() (time.Duration, bool) {
		at, on, _ := config.InspectionTime(s.reportsConfig().Inspection.At) // validated at load
		return at, on
	}, func(now time.Time) { s.issueInspection(ctx, now) })
}

// runDaily calls fn every day at the offset into the CST day that when
// gives (read again each day, so a reload applies; off: look again in an
// hour), until ctx ends.
func runDaily(ctx context.Context, when func() (time.Duration, bool), fn func(now time.Time)) error {
	for {
		offset, on := when()
		wait := time.Hour
		if on {
			wait = time.Until(nextDaily(time.Now(), offset))
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if on {
			fn(time.Now())
		}
	}
}

// nextDaily is the next instant after now at offset into a CST day.
func nextDaily(now time.Time, offset time.Duration) time.Time {
	next := cst.StartOfDay(now).Add(offset)
	if !next.After(now) {
		next = cst.StartOfDay(now.Add(24 * time.Hour)).Add(offset)
	}
	return next
}

// issueInspection builds, keeps and sends the report; failures are logged
// and counted, and tomorrow's run is not affected.
func (s *system) issueInspection(ctx context.Context, at time.Time) {
	if err := s.issueInspectionErr(ctx, at); err != nil {
		metrics.GetOrCreateCounter(`swanwatch_reports_issue_failures_total{report="inspection"}`).Inc()
		s.logger.Error("issue the inspection report", "err", err)
	}
}

func (s *system) issueInspectionErr(ctx context.Context, at time.Time) error {
	ins, err := s.buildInspection(ctx, at)
	if err != nil {
		return err
	}
	dir := reportsDir(s.config().Storage.Path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	for format, render := range inspectionFormats {
		name := filepath.Join(dir, inspectionFileName(ins.Date, format))
		if err := writeFileAtomic(name, func(f *os.File) error { return render(f, ins) }); err != nil {
			return fmt.Errorf("write the %s inspection report: %w", format, err)
		}
	}
	s.logger.Info("inspection report issued", "date", ins.Date)
	if receiver := s.reportsConfig().Receiver; receiver != "" {
		s.enqueueAll(ctx, receiver, "report-inspection-"+ins.Date, alerting.Notification{
			Severity: alerting.Warning, CreatedAt: time.Now(),
			Title: "【巡检报告】" + ins.Date + " 日常巡检报告", Text: inspectionText(ins),
			URL: strings.TrimRight(s.config().Server.ExternalURL, "/") + "/api/v1/reports/inspection/" + ins.Date + "?format=html"})
	}
	return nil
}

// inspectionDownload serves GET /api/v1/reports/inspection/{date}: the kept
// report of that date, or today's built now.
func (s *system) inspectionDownload(w http.ResponseWriter, r *http.Request) {
	date, format := r.PathValue("date"), r.URL.Query().Get("format")
	if format == "" {
		format = "html"
	}
	render, ok := inspectionFormats[format]
	if _, err := sla.ParseDate(date); err != nil || !ok {
		reportError(w, http.StatusBadRequest, fmt.Errorf("want a date YYYY-MM-DD and format html or pdf"))
		return
	}
	b, err := os.ReadFile(filepath.Join(reportsDir(s.config().Storage.Path), inspectionFileName(date, format)))
	if errors.Is(err, os.ErrNotExist) && date == sla.DateOf(time.Now()) {
		var buf bytes.Buffer
		var ins *report.Inspection
		if ins, err = s.buildInspection(r.Context(), time.Now()); err == nil {
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
	w.Header().Set("Content-Type", contentTypes[format])
	w.Header().Set("Content-Disposition", attachment(inspectionFileName(date, format)))
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b)
}
