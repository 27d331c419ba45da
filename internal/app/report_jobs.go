package app

import (
	"context"
	"fmt"
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

// On the 1st, once the month's last day is closed (00:30 CST), its report is
// issued as a draft (初稿: every day closed, late data still possible); when
// the ledger freezes the month after its grace period (the 4th by default)
// the final report is issued. Each is generated once in every format, kept
// in <storage.path>/reports, and announced to the reports receiver with the
// summary lines and the download link.

func reportsDir(path string) string { return filepath.Join(path, "reports") }

// reportsConfig is the reports section as reloaded last.
func (s *system) reportsConfig() config.Reports {
	return s.config().Reports
}

func (s *system) openReports() {
	s.reports = &monthReports{ledger: s.ledger, q: s.store.Queryable(), incidents: s.incidents,
		rules: s.accountingRules, cfg: s.reportsConfig, now: time.Now,
		logger: s.logger.With("part", "report"), busy: make(chan struct{}, 1)}
}

// monthFrozen issues the frozen month's report; failures are logged and
// counted: the month stays frozen and the report can be downloaded anyway.
func (s *system) monthFrozen(ctx context.Context, month string) { s.issueMonth(ctx, month, "") }

// draftOffset is when the previous month's draft is issued on the 1st: after
// the ledger closed its last day (00:10) and with room for catching up.
const draftOffset = 30 * time.Minute

// runDrafts issues the previous month's draft report on every 1st.
func (s *system) runDrafts(ctx context.Context) error {
	return runDaily(ctx, func() (time.Duration, bool) { return draftOffset, true }, func(now time.Time) {
		if now.In(cst.Location).Day() == 1 {
			s.issueMonth(ctx, cstMonth(now.AddDate(0, 0, -1)), draftSuffix)
		}
	})
}

// draftSuffix marks the draft's files and title.
const draftSuffix = "初稿"

func (s *system) issueMonth(ctx context.Context, month, suffix string) {
	r, err := s.issueReport(ctx, month, suffix)
	if err != nil {
		metrics.GetOrCreateCounter(`swanwatch_reports_issue_failures_total{report="sla"}`).Inc()
		s.logger.Error("issue the monthly report", "month", month, "err", err)
		return
	}
	s.announceReport(ctx, month, suffix, r)
}

// issueReport builds the month's report and writes its three files.
func (s *system) issueReport(ctx context.Context, month, suffix string) (*report.Report, error) {
	s.reports.busy <- struct{}{} // a download in progress finishes first
	defer func() { <-s.reports.busy }()
	r, err := s.reports.build(ctx, month)
	if err != nil {
		return nil, err
	}
	dir := reportsDir(s.config().Storage.Path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	for format, render := range reportFormats {
		if err := writeFileAtomic(filepath.Join(dir, issuedName(month, suffix, format)), func(f *os.File) error {
			return render(f, *r)
		}); err != nil {
			return nil, fmt.Errorf("write the %s report: %w", format, err)
		}
	}
	s.logger.Info("monthly report issued", "month", month, "dir", dir)
	return r, nil
}

// writeFileAtomic writes name through a temporary file and a rename, so a
// crash never leaves half a report where the issued one should be.
func writeFileAtomic(name string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-*")
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
	return os.Rename(f.Name(), name)
}

// issuedName is the kept file: SLA月报-2026-11.pdf, SLA月报-2026-11-初稿.pdf.
func issuedName(month, suffix, format string) string {
	if suffix != "" {
		month += "-" + suffix
	}
	return reportFileName(month, format)
}

// announceReport tells the configured receiver that the report is out.
func (s *system) announceReport(ctx context.Context, month, suffix string, r *report.Report) {
	receiver := s.reportsConfig().Receiver
	if receiver == "" {
		return
	}
	title := fmt.Sprintf("【月度报告】%s SLA服务报告已生成", monthTitle(month))
	if suffix != "" {
		title = fmt.Sprintf("【月度报告】%s SLA服务报告（%s，封账后发正式版）", monthTitle(month), suffix)
	}
	n := alerting.Notification{Severity: alerting.Warning, CreatedAt: time.Now(), Title: title, Text: summaryText(r),
		URL: strings.TrimRight(s.config().Server.ExternalURL, "/") + "/api/v1/reports/sla/" + month + "?format=pdf"}
	id := "report-sla-" + month
	if suffix != "" {
		id += "-draft"
	}
	s.enqueueAll(ctx, receiver, id, n)
}

// enqueueAll puts n in the outbox of every channel of receiver, with an ID
// per channel so a restart neither loses nor repeats it.
func (s *system) enqueueAll(ctx context.Context, receiver, id string, n alerting.Notification) {
	for _, ch := range s.notify.channels.Receivers[receiver] {
		n.ID = id + "@" + ch
		if _, err := s.notify.outbox.Enqueue(ctx, ch, n); err != nil {
			s.logger.Error("queue a report notice", "channel", ch, "err", err)
		}
	}
}

// monthTitle is 2026年11月.
func monthTitle(month string) string {
	t, err := sla.ParseMonth(month)
	if err != nil {
		return month
	}
	return fmt.Sprintf("%d年%d月", t.Year(), int(t.Month()))
}
