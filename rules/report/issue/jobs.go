package issue

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// Once the ledger has closed the month's last day (on the 1st, after the
// settle delay) the month's report is issued as a draft (初稿: every day
// closed, late data still possible); when the ledger freezes the month after
// its grace period (the 4th by default) the final report is issued. Each is
// generated once in every format, kept in Settings.Dir, and announced to the
// reports receiver with the summary lines and the download link.

// draftSuffix marks the draft's files and title.
const draftSuffix = "初稿"

// DayClosed issues the draft of a month once the ledger has closed its last
// day: the Closer's WithOnClosed hook, so the draft follows the close, a
// retried one included. A month whose grace period is already over (the
// server was down on the 1st) gets no draft: the Closer freezes it in the
// same pass and the final report follows.
func (s *Service) DayClosed(ctx context.Context, date string) {
	day, err := sla.ParseDate(date)
	if err != nil || day.AddDate(0, 0, 1).Day() != 1 {
		return
	}
	start := day.AddDate(0, 0, 1-day.Day())
	if !s.o.Now().Before(s.o.Ledger.GraceEnd(start)) {
		return
	}
	s.issueMonth(ctx, sla.MonthOf(day), draftSuffix)
}

// MonthFrozen issues the frozen month's final report: the Closer's
// WithOnFreeze hook. Failures are logged and counted: the month stays
// frozen and its report can be downloaded anyway.
func (s *Service) MonthFrozen(ctx context.Context, month string) { s.issueMonth(ctx, month, "") }

func (s *Service) issueMonth(ctx context.Context, month, suffix string) {
	r, err := s.issueReport(ctx, month, suffix)
	if err != nil {
		metrics.GetOrCreateCounter(`swanwatch_reports_issue_failures_total{report="sla"}`).Inc()
		s.o.Logger.Error("issue the monthly report", "month", month, "err", err)
		return
	}
	s.announceMonth(ctx, month, suffix, r)
}

// issueReport builds the month's report and writes its three files.
func (s *Service) issueReport(ctx context.Context, month, suffix string) (*report.Report, error) {
	s.busy <- struct{}{} // a download in progress finishes first
	defer func() { <-s.busy }()
	r, err := s.build(ctx, month)
	if err != nil {
		return nil, err
	}
	dir := s.o.Settings().Dir
	for format, render := range monthFormats {
		if err := keep(dir, issuedName(month, suffix, format), func(f *os.File) error { return render(f, *r) }); err != nil {
			return nil, fmt.Errorf("write the %s report: %w", format, err)
		}
	}
	s.o.Logger.Info("monthly report issued", "month", month, "dir", dir)
	return r, nil
}

// keep writes name in dir through a temporary file and a rename, so a
// crash never leaves half a report where the issued one should be.
func keep(dir, name string, write func(*os.File) error) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(0o640); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}

// monthFileName is what a monthly report is called: SLA月报-2026-11.pdf.
func monthFileName(month, format string) string { return "SLA月报-" + month + "." + format }

// issuedName is the kept file: SLA月报-2026-11.pdf, SLA月报-2026-11-初稿.pdf.
func issuedName(month, suffix, format string) string {
	if suffix != "" {
		month += "-" + suffix
	}
	return monthFileName(month, format)
}

// announceMonth tells the configured receiver that the report is out.
func (s *Service) announceMonth(ctx context.Context, month, suffix string, r *report.Report) {
	title := fmt.Sprintf("【月度报告】%s SLA服务报告已生成", monthTitle(month))
	id := "report-sla-" + month
	if suffix != "" {
		title = fmt.Sprintf("【月度报告】%s SLA服务报告（%s，封账后发正式版）", monthTitle(month), suffix)
		id += "-draft"
	}
	s.announce(ctx, id, alerting.Notification{Title: title, Text: summaryText(r)},
		"/api/v1/reports/sla/"+month+"?format=pdf")
}

// announce sends n, with its download link at path, to the reports receiver.
func (s *Service) announce(ctx context.Context, id string, n alerting.Notification, path string) {
	set := s.o.Settings()
	if set.Receiver == "" || s.o.Announce == nil {
		return
	}
	n.Severity, n.CreatedAt = alerting.Warning, s.o.Now()
	n.URL = strings.TrimRight(set.ExternalURL, "/") + path
	s.o.Announce(ctx, set.Receiver, id, n)
}

// monthTitle is 2026年11月.
func monthTitle(month string) string {
	t, err := sla.ParseMonth(month)
	if err != nil {
		return month
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}
