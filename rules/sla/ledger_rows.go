package sla

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"
	"unicode/utf8"
)

// Bounds of one closed day: anything larger is a bug upstream, not data.
const (
	maxKeyLen     = 256  // bytes of an SLI name, an entity, a label name or value
	maxLabels     = 32   // labels per day
	maxOutagesDay = 1440 // one per minute at most
	maxIntervals  = 288  // 5-minute intervals in a day
)

// dayRow is one validated, normalised Day with its stored encodings.
type dayRow struct {
	day     Day
	labels  string // JSON
	outages string // JSON
	stats   string // JSON, "" without Stats
	sum     string // SHA-256 of the canonical JSON
}

// prepareDays checks days against date, normalises them (times in UTC at the
// precision the database keeps, empty outages as nil) so what is stored is
// what is read back, and sorts them by (SLI, entity).
func prepareDays(date string, start time.Time, days []Day, now time.Time) ([]dayRow, error) {
	seen := make(map[[2]string]bool, len(days))
	rows := make([]dayRow, 0, len(days))
	for i, d := range days {
		if err := checkDay(d, date, start); err != nil {
			return nil, fmt.Errorf("%w: day %d (%.64q/%.64q): %w", ErrInvalidDay, i, d.SLI, d.Entity, err)
		}
		k := [2]string{d.SLI, d.Entity}
		if seen[k] {
			return nil, fmt.Errorf("%w: day %d: %.64q/%.64q closed twice", ErrInvalidDay, i, d.SLI, d.Entity)
		}
		seen[k] = true
		r, err := newDayRow(normalizeDay(d, now))
		if err != nil {
			return nil, fmt.Errorf("%w: day %d: %w", ErrInvalidDay, i, err)
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b dayRow) int { return compareDays(a.day, b.day) })
	return rows, nil
}

// checkDay is the ledger's own sanity check of a Day of date.
func checkDay(d Day, date string, start time.Time) error {
	switch {
	case d.SLI == "" || d.Entity == "":
		return fmt.Errorf("empty sli or entity")
	case len(d.SLI) > maxKeyLen || len(d.Entity) > maxKeyLen:
		return fmt.Errorf("sli or entity longer than %d bytes", maxKeyLen)
	case !utf8.ValidString(d.SLI) || !utf8.ValidString(d.Entity):
		return fmt.Errorf("sli or entity is not UTF-8")
	case d.Date != date:
		return fmt.Errorf("date %.16q is not %s", d.Date, date)
	}
	if err := checkTally(d.Tally); err != nil {
		return err
	}
	if err := checkLabels(d.Labels); err != nil {
		return err
	}
	if err := checkStats(d.Stats); err != nil {
		return err
	}
	return checkOutages(d.Outages, start, start.AddDate(0, 0, 1))
}

func checkTally(t Tally) error {
	if t.GoodS < 0 || t.BadS < 0 || t.UnknownS < 0 || t.ExcludedS < 0 {
		return fmt.Errorf("negative tally %+v", t)
	}
	if n := t.GoodS + t.BadS + t.UnknownS + t.ExcludedS; n > secondsPerDay {
		return fmt.Errorf("tally of %d s exceeds a day", n)
	}
	return nil
}

// checkStats refuses figures a usage day cannot have: they are ratios of
// one day's 5-minute intervals.
func checkStats(s *Stats) error {
	if s == nil {
		return nil
	}
	for _, v := range []float64{s.Mean, s.P95, s.Max, s.Last} {
		if math.IsNaN(v) || v < 0 || v > 1 {
			return fmt.Errorf("stats %+v: mean, p95, max and last must be ratios in [0, 1]", *s)
		}
	}
	if s.Intervals < 0 || s.Intervals > maxIntervals {
		return fmt.Errorf("stats: %d intervals, want 0 to %d", s.Intervals, maxIntervals)
	}
	if s.Count < 0 || s.Count > maxDayCount {
		return fmt.Errorf("stats: count %d, want 0 to %d", s.Count, maxDayCount)
	}
	return nil
}

func checkLabels(labels map[string]string) error {
	if len(labels) > maxLabels {
		return fmt.Errorf("%d labels, at most %d", len(labels), maxLabels)
	}
	for k, v := range labels {
		if k == "" || len(k) > maxKeyLen || len(v) > maxKeyLen || !utf8.ValidString(k+v) {
			return fmt.Errorf("label %.64q: empty, longer than %d bytes or not UTF-8", k, maxKeyLen)
		}
	}
	return nil
}

func checkOutages(spans []Span, from, to time.Time) error {
	if len(spans) > maxOutagesDay {
		return fmt.Errorf("%d outages, at most %d", len(spans), maxOutagesDay)
	}
	for i, s := range spans {
		if !s.Start.Before(s.End) || s.Start.Before(from) || s.End.After(to) {
			return fmt.Errorf("outage %d [%s, %s) is empty or outside the day", i,
				s.Start.Format(time.RFC3339), s.End.Format(time.RFC3339))
		}
	}
	return nil
}

// normalizeDay copies d with times in UTC, ClosedAt at millisecond precision
// (now when unset) and no empty containers, so the stored form round-trips.
func normalizeDay(d Day, now time.Time) Day {
	if d.ClosedAt.IsZero() {
		d.ClosedAt = now
	}
	d.ClosedAt = time.UnixMilli(d.ClosedAt.UnixMilli()).UTC()
	if len(d.Labels) == 0 {
		d.Labels = nil
	} else {
		d.Labels = maps.Clone(d.Labels)
	}
	var spans []Span
	for _, s := range d.Outages {
		spans = append(spans, Span{Start: s.Start.UTC(), End: s.End.UTC()})
	}
	d.Outages = spans
	if d.Stats != nil {
		s := *d.Stats
		d.Stats = &s
	}
	return d
}

func newDayRow(d Day) (dayRow, error) {
	labels, err := json.Marshal(d.Labels)
	if err != nil {
		return dayRow{}, fmt.Errorf("encode labels: %w", err)
	}
	outages, err := json.Marshal(d.Outages)
	if err != nil {
		return dayRow{}, fmt.Errorf("encode outages: %w", err)
	}
	var stats []byte
	if d.Stats != nil {
		if stats, err = json.Marshal(d.Stats); err != nil {
			return dayRow{}, fmt.Errorf("encode stats: %w", err)
		}
	}
	sum, err := canonicalSum([]Day{d})
	if err != nil {
		return dayRow{}, err
	}
	return dayRow{day: d, labels: string(labels), outages: string(outages), stats: string(stats), sum: sum}, nil
}

// compareDays orders days by (SLI, entity, date): the canonical order.
func compareDays(a, b Day) int {
	return cmp.Or(cmp.Compare(a.SLI, b.SLI), cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Date, b.Date))
}

// canonicalSum is the SHA-256 of the canonical JSON of days: in canonical
// order, times in UTC, ClosedAt left out. The checksum covers the figures,
// not when they were computed, so closing the same figures again (another
// run, a restart) gives the same checksum and any changed figure another.
func canonicalSum(days []Day) (string, error) {
	c := make([]Day, len(days))
	for i, d := range days {
		c[i] = normalizeDay(d, time.Time{})
		c[i].ClosedAt = time.Time{}
	}
	slices.SortFunc(c, compareDays)
	b, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("encode days: %w", err)
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// checksumRows is the checksum of a date's rows (already canonical order).
func checksumRows(rows []dayRow) string {
	days := make([]Day, len(rows))
	for i, r := range rows {
		days[i] = r.day
	}
	sum, _ := canonicalSum(days) // rows were encoded once already: no error
	return sum
}
