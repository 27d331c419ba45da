package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// Input is what Build needs: a ledger month's header and its days as a
// stream, the SLI definitions, and the configurable rules for findings and
// response targets.
type Input struct {
	// Info is the month's header: Month, FrozenAt (zero: provisional, not
	// frozen yet), InputSHA256, Incidents, Corrections. Its Days are unused:
	// the days come through Days.
	Info sla.Month
	SLIs []sla.SLI
	// Days streams the month's days in canonical (SLI, entity, date) order.
	// Build keeps per-entity month accumulators, never the days.
	Days        func(fn func(sla.Day) error) error
	Findings    Thresholds
	Targets     ResponseTargets
	Addressee   string
	Issuer      string
	GeneratedAt time.Time
	// Cloud is what 七、政务云平台 reads besides the ledger (zero: nothing
	// connected, every part 未接入).
	Cloud CloudInput
	// Security is what 八、安全运营 reads besides the ledger (zero: nothing
	// connected, every part 未接入).
	Security SecurityInput
}

// ResponseTargets are the R-A4 summary lines' targets. The contract leaves
// the figures to the provider's SLA (docs/report.md says why these defaults).
type ResponseTargets struct {
	MTTA time.Duration `yaml:"mtta"` // mean time to acknowledge; default 15m
	MTTR time.Duration `yaml:"mttr"` // mean time to resolve; default 4h
}

// DefaultResponseTargets returns the documented defaults.
func DefaultResponseTargets() ResponseTargets {
	return ResponseTargets{MTTA: 15 * time.Minute, MTTR: 4 * time.Hour}
}

// ErrBadInput marks a month Build refuses: a day outside the month, a
// negative tally, a figure that is not a number, an incident acknowledged
// before it fired. A frozen month with such data is damaged; a report from
// it would not be exactly right.
var ErrBadInput = errors.New("bad report input")

// Build computes the monthly report from a ledger month, by the rules of
// docs/report.md. It streams the days once; the result depends only on the
// input, so a frozen month re-issued gives the same figures.
func Build(ctx context.Context, in Input) (*Report, error) {
	b, err := newBuilder(in)
	if err != nil {
		return nil, buildFailed("input", err)
	}
	if in.Days == nil {
		return nil, buildFailed("input", fmt.Errorf("%w: no days", ErrBadInput))
	}
	if err := in.Days(func(d sla.Day) error { return b.add(ctx, d) }); err != nil {
		kind := "read"
		if errors.Is(err, ErrBadInput) {
			kind = "day"
		}
		return nil, buildFailed(kind, fmt.Errorf("read days of %s: %w", in.Info.Month, err))
	}
	r, err := b.report()
	if err != nil {
		return nil, buildFailed("incident", err)
	}
	metrics.GetOrCreateCounter(`swanwatch_report_built_total`).Inc()
	return r, nil
}

// buildFailed counts a refused build by kind (input | day | read | incident).
func buildFailed(kind string, err error) error {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_report_build_errors_total{kind=%q}`, kind)).Inc()
	return err
}

// ctxEvery is how many days pass between checks of the context: a check per
// day would cost more than the day.
const ctxEvery = 4096

func (b *builder) add(ctx context.Context, d sla.Day) error {
	if b.seen++; b.seen%ctxEvery == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := b.check(d); err != nil {
		return err
	}
	if isUsage(d.SLI) {
		return b.addUsage(d)
	}
	if sla.IsFlow(d.SLI) {
		return b.addFlow(d)
	}
	sli, ok := b.slis[d.SLI]
	if !ok {
		b.ignored++
		metrics.GetOrCreateCounter(`swanwatch_report_ignored_days_total`).Inc()
		return nil
	}
	return b.addDay(sli, d)
}

// check refuses a day the month cannot contain.
func (b *builder) check(d sla.Day) error {
	from, _, err := sla.DayBounds(d.Date)
	if err != nil || from.Before(b.from) || !from.Before(b.to) {
		return fmt.Errorf("%w: %s %s: date %q is not in %s", ErrBadInput, d.SLI, d.Entity, d.Date, b.month)
	}
	t := d.Tally
	if t.GoodS < 0 || t.BadS < 0 || t.UnknownS < 0 || t.ExcludedS < 0 || t.GoodS+t.BadS+t.UnknownS+t.ExcludedS > 86400 {
		return fmt.Errorf("%w: %s %s %s: tally %+v is not a day's seconds", ErrBadInput, d.SLI, d.Entity, d.Date, t)
	}
	if s := d.Stats; s != nil && !(finite(s.Mean) && finite(s.P95) && finite(s.Max) && finite(s.Last) && s.Intervals >= 0) {
		return fmt.Errorf("%w: %s %s %s: stats %+v are not numbers", ErrBadInput, d.SLI, d.Entity, d.Date, *s)
	}
	if s := d.Stats; s != nil && s.Count < 0 {
		return fmt.Errorf("%w: %s %s %s: count %d is negative", ErrBadInput, d.SLI, d.Entity, d.Date, s.Count)
	}
	if s := d.Stats; s != nil && isUsage(d.SLI) && !(unitRange(s.Mean) && unitRange(s.P95) && unitRange(s.Max) && unitRange(s.Last)) {
		return fmt.Errorf("%w: %s %s %s: usage stats %+v outside 0…1", ErrBadInput, d.SLI, d.Entity, d.Date, *s)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func unitRange(v float64) bool { return v >= 0 && v <= 1 }

func isUsage(name string) bool {
	return name == sla.UsageCPU || name == sla.UsageMemory || name == sla.UsageDisk
}
