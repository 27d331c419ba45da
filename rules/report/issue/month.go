package issue

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/report"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// The monthly SLA report of a month is built from its frozen snapshot once
// the month is frozen, so a re-issued report is identical; before that
// provisionally (临时报告) from the days closed so far plus the days not
// closed yet, accounted from the raw samples on the spot and not stored.

// ErrBusy is returned when another report is being generated.
var ErrBusy = errors.New("another report is being generated")

// ErrNotStarted is a month that has not begun yet.
var ErrNotStarted = errors.New("the month has not begun")

// monthFormats are the formats of a monthly report.
var monthFormats = map[string]func(io.Writer, report.Report) error{
	"pdf": report.RenderPDF, "xlsx": report.RenderXLSX, "html": report.RenderHTML,
}

// Render builds month's report and writes it in format (pdf, xlsx or html)
// to w; ErrBusy while another report is being generated.
func (s *Service) Render(ctx context.Context, month, format string, w io.Writer) error {
	render, ok := monthFormats[format]
	if !ok {
		return fmt.Errorf("format %q: want pdf, xlsx or html", format)
	}
	select {
	case s.busy <- struct{}{}:
		defer func() { <-s.busy }()
	default:
		return ErrBusy
	}
	r, err := s.build(ctx, month)
	if err != nil {
		return err
	}
	return render(w, *r)
}

func (s *Service) build(ctx context.Context, month string) (*report.Report, error) {
	in, err := s.input(ctx, month)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	r, err := report.Build(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("build the report of %s: %w", month, err)
	}
	if err := s.followUp(ctx, r); err != nil {
		return nil, err
	}
	s.o.Logger.Info("sla report built", "month", month, "frozen", !in.Info.FrozenAt.IsZero(),
		"took", time.Since(t0).Round(time.Millisecond))
	return r, nil
}

// input is what report.Build needs for month: frozen or provisional.
func (s *Service) input(ctx context.Context, month string) (report.Input, error) {
	start, err := sla.ParseMonth(month)
	if err != nil {
		return report.Input{}, err
	}
	now := s.o.Now()
	if now.Before(start) {
		return report.Input{}, fmt.Errorf("report of %s: %w", month, ErrNotStarted)
	}
	set := s.o.Settings()
	in := report.Input{SLIs: s.o.Accounting.SLIs(), Findings: set.Findings, Targets: set.Targets,
		Addressee: set.Addressee, Issuer: set.Issuer, GeneratedAt: now}
	if in.Cloud, err = s.cloudInput(ctx, month, set.Sources); err != nil {
		return report.Input{}, err
	}
	if in.Security, err = s.securityInput(ctx, month); err != nil {
		return report.Input{}, err
	}
	hdr, err := s.o.Ledger.Header(ctx, month)
	switch {
	case err == nil:
		in.Info = hdr
		in.Days = func(fn func(sla.Day) error) error { _, err := s.o.Ledger.Scan(ctx, month, fn); return err }
		return in, nil
	case !errors.Is(err, sla.ErrNotFrozen):
		return report.Input{}, err
	}
	return s.provisional(ctx, in, month, start, now)
}

// provisional streams the closed days of month merged with the days not
// closed yet (up to today), accounted now.
func (s *Service) provisional(ctx context.Context, in report.Input, month string, start, now time.Time) (report.Input, error) {
	incidents, err := s.o.Accounting.Incidents(ctx, month)
	if err != nil {
		return report.Input{}, err
	}
	in.Info = sla.Month{Month: month, Incidents: incidents}
	open, err := s.openDays(ctx, start, now)
	if err != nil {
		return report.Input{}, err
	}
	from, to := month+"-01", month+"-31"
	in.Days = func(fn func(sla.Day) error) error { return mergeDays(ctx, s.o.Ledger, from, to, open, fn) }
	return in, nil
}

// openDays accounts the dates of the month up to today that are not closed.
func (s *Service) openDays(ctx context.Context, start, now time.Time) ([]sla.Day, error) {
	last := cst.StartOfDay(now)
	var out []sla.Day
	for d := start; !d.After(last) && d.Before(start.AddDate(0, 1, 0)); d = d.AddDate(0, 0, 1) {
		date := sla.DateOf(d)
		closed, err := s.o.Ledger.Closed(ctx, date)
		if err != nil {
			return nil, err
		}
		if closed {
			continue
		}
		days, err := s.o.Accounting.DateUntil(ctx, date, now)
		if err != nil {
			return nil, err
		}
		out = append(out, days...)
	}
	slices.SortFunc(out, compareDay)
	return out, nil
}

// compareDay is the ledger's canonical order: (SLI, entity, date).
func compareDay(a, b sla.Day) int {
	return cmp.Or(cmp.Compare(a.SLI, b.SLI), cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Date, b.Date))
}

// mergeDays streams the closed days of [from, to] and open (sorted) in the
// canonical order.
func mergeDays(ctx context.Context, l *sla.Ledger, from, to string, open []sla.Day, fn func(sla.Day) error) error {
	err := l.ScanDays(ctx, from, to, func(d sla.Day) error {
		for len(open) > 0 && compareDay(open[0], d) < 0 {
			if err := fn(open[0]); err != nil {
				return err
			}
			open = open[1:]
		}
		return fn(d)
	})
	if err != nil {
		return err
	}
	for _, d := range open {
		if err := fn(d); err != nil {
			return err
		}
	}
	return nil
}
