package ha

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// MonthLayout is how a month is named: "2026-11", a CST month.
const MonthLayout = "2006-01"

// MonthFigures are a CST month's host failures for the monthly report.
// Downtime figures are over the VMs HA brought back (restarted or migrated),
// what R-A9 promises; VMs started again on their own host once it was back
// (InPlace) are counted apart: the platform did not move them, so they prove
// nothing about HA but are not a failure of it either.
type MonthFigures struct {
	Month        string `json:"month"`
	HostFailures int    `json:"host_failures"`
	VMsAffected  int    `json:"vms_affected"`
	// RestartedByHA counts the VMs HA restarted (or migrated) elsewhere.
	RestartedByHA int `json:"restarted_by_ha"`
	InPlace       int `json:"in_place"`
	// NotRecovered counts the VMs HA did not bring back: failover failed,
	// not back by the deadline, or started by hand; NotRecoveredVMs names them.
	NotRecovered    int     `json:"not_recovered"`
	NotRecoveredVMs []VMRef `json:"not_recovered_vms"`
	// StillDown counts the VMs not running at the time of the report.
	StillDown       int           `json:"still_down"`
	MedianDowntime  time.Duration `json:"median_downtime_ns"`
	LongestDowntime time.Duration `json:"longest_downtime_ns"`
	Failures        []Failure     `json:"failures"` // oldest first
}

// VMRef names a VM of a failure.
type VMRef struct {
	Instance string    `json:"instance"`
	Host     string    `json:"host"` // the failed host
	FailedAt time.Time `json:"failed_at"`
	VM
}

// Month returns the figures of a CST month ("2026-11") from the failures
// that began in it.
func (t *Tracker) Month(ctx context.Context, month string) (MonthFigures, error) {
	start, err := time.ParseInLocation(MonthLayout, month, cst.Location)
	if err != nil {
		return MonthFigures{}, fmt.Errorf("month %q: want YYYY-MM: %w", month, err)
	}
	fs, err := t.Failures(ctx, start, start.AddDate(0, 1, 0))
	if err != nil {
		return MonthFigures{}, err
	}
	return figures(month, fs), nil
}

func figures(month string, fs []Failure) MonthFigures {
	m := MonthFigures{Month: month, HostFailures: len(fs), Failures: fs, NotRecoveredVMs: []VMRef{}}
	var downs []time.Duration
	for _, f := range fs {
		m.VMsAffected += len(f.VMs)
		for _, v := range f.VMs {
			switch {
			case v.Outcome.ByHA():
				m.RestartedByHA++
				downs = append(downs, v.Downtime)
			case v.Outcome == InPlace:
				m.InPlace++
			case v.Outcome == Pending:
			default:
				m.NotRecovered++
				m.NotRecoveredVMs = append(m.NotRecoveredVMs, VMRef{Instance: f.Instance, Host: f.Host,
					FailedAt: f.FailedAt, VM: v})
			}
			if !v.Outcome.Back() {
				m.StillDown++
			}
		}
	}
	m.MedianDowntime, m.LongestDowntime = median(downs)
	return m
}

// median and longest of the downtimes; the median of an even count is the
// mean of the middle two.
func median(ds []time.Duration) (med, longest time.Duration) {
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	n := len(ds)
	med = ds[n/2]
	if n%2 == 0 {
		med = (ds[n/2-1] + ds[n/2]) / 2
	}
	return med, ds[n-1]
}

// Failures lists the failures that began in [from, to), oldest first, for
// the API: the stored records, with the open ones as the tracker holds them
// now (fresher than the last save when the database was briefly unwritable).
func (t *Tracker) Failures(ctx context.Context, from, to time.Time) ([]Failure, error) {
	var fs []Failure
	if t.db != nil {
		var err error
		if fs, err = t.between(ctx, from, to); err != nil {
			return nil, err
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	byID := map[int64]int{}
	for i, f := range fs {
		byID[f.ID] = i
	}
	for _, tr := range t.open {
		f := &tr.f
		if f.FailedAt.Before(from) || !f.FailedAt.Before(to) {
			continue
		}
		if i, ok := byID[f.ID]; ok && f.ID != 0 {
			fs[i] = f.clone()
		} else {
			fs = append(fs, f.clone()) // not saved yet
		}
	}
	slices.SortStableFunc(fs, func(a, b Failure) int { return a.FailedAt.Compare(b.FailedAt) })
	if fs == nil {
		fs = []Failure{}
	}
	return fs, nil
}
