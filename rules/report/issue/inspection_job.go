package issue

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
)

// Every morning at Settings.InspectionAt (CST) the inspection report is
// built, kept in Settings.Dir (HTML and PDF) and sent to the reports
// receiver.

var inspectionFormats = map[string]func(io.Writer, *report.Inspection) error{
	"html": report.RenderInspectionHTML, "pdf": report.RenderInspectionPDF,
}

func inspectionFileName(date, format string) string { return "巡检报告-" + date + "." + format }

// buildInspection builds the inspection report as at at.
func (s *Service) buildInspection(ctx context.Context, at time.Time) (*report.Inspection, error) {
	in, err := s.inspectionInput(ctx, at)
	if err != nil {
		return nil, err
	}
	set := s.o.Settings()
	in.Issuer, in.HorizonDays = set.Issuer, set.HorizonDays
	return report.BuildInspection(in)
}

// RunInspections issues the inspection report every day at the configured
// time until ctx ends; it returns nil then.
func (s *Service) RunInspections(ctx context.Context) error {
	daily := cst.Daily{Now: s.o.Now, At: func() (time.Duration, bool) {
		set := s.o.Settings()
		return set.InspectionAt, set.InspectionOn
	}}
	return daily.Run(ctx, func(ctx context.Context, now time.Time) error {
		s.IssueInspection(ctx, now)
		return nil // tomorrow's run is due anyway: no retry
	})
}

// IssueInspection builds, keeps and sends the report as at at; failures
// are logged and counted.
func (s *Service) IssueInspection(ctx context.Context, at time.Time) {
	if err := s.issueInspection(ctx, at); err != nil {
		metrics.GetOrCreateCounter(`swanwatch_reports_issue_failures_total{report="inspection"}`).Inc()
		s.o.Logger.Error("issue the inspection report", "err", err)
	}
}

func (s *Service) issueInspection(ctx context.Context, at time.Time) error {
	ins, err := s.buildInspection(ctx, at)
	if err != nil {
		return err
	}
	for format, render := range inspectionFormats {
		name := inspectionFileName(ins.Date, format)
		if err := keep(s.o.Settings().Dir, name, func(f *os.File) error { return render(f, ins) }); err != nil {
			return fmt.Errorf("write the %s inspection report: %w", format, err)
		}
	}
	s.o.Logger.Info("inspection report issued", "date", ins.Date)
	s.announce(ctx, "report-inspection-"+ins.Date, alerting.Notification{
		Title: "【巡检报告】" + ins.Date + " 日常巡检报告", Text: inspectionText(ins)},
		"/api/v1/reports/inspection/"+ins.Date+"?format=html")
	return nil
}
