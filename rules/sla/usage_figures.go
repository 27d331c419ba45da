package sla

import (
	"slices"
	"time"
)

// figures are one usage's values per 5-minute interval of the day; ok[k] is
// false for an interval without a figure (no data).
type figures struct {
	val [usageIntervals]float64
	ok  [usageIntervals]bool
}

func (f *figures) set(k int, v float64) { f.val[k], f.ok[k] = v, true }

// sums accumulate a mean per interval.
type sums struct {
	sum [usageIntervals]float64
	n   [usageIntervals]int
}

func (s *sums) add(k int, v float64) { s.sum[k] += v; s.n[k]++ }

// cpu is the busy ratio per interval: 1 − Δidle ÷ Δ(all modes), the
// increases summed over the CPUs (or over the per-mode sums the agent
// collector stores by default). An increase is taken between consecutive
// samples of one series that both lie in the interval; a decrease is a
// counter reset, whose increase counts from 0, as increase() does. Since
// every increase is ≥ 0 and idle is one of the modes, the ratio is in [0, 1].
// An interval with no pair of idle samples, or no increase at all, has no
// figure.
func (vm *vmDay) cpu() *figures {
	var c cpuIncreases
	for i := range vm.series {
		if s := &vm.series[i]; s.class == classCPU {
			c.add(vm, s)
		}
	}
	f := &figures{}
	for k := range c.all {
		if c.idlePair[k] && c.all[k] > 0 {
			f.set(k, 1-c.idle[k]/c.all[k])
		}
	}
	return f
}

// cpuIncreases are the CPU seconds counted per interval: idle, all modes,
// and whether idle had a pair of samples in it.
type cpuIncreases struct {
	idle, all [usageIntervals]float64
	idlePair  [usageIntervals]bool
}

// add counts one series' increases between consecutive samples that lie in
// the same interval; a decrease is a reset, counted from 0.
func (c *cpuIncreases) add(vm *vmDay, s *usageSeries) {
	isIdle := s.lset.Get("mode") == "idle"
	for j := 1; j < len(s.pts); j++ {
		a, b := s.pts[j-1], s.pts[j]
		k := vm.interval(b.t)
		if vm.interval(a.t) != k {
			continue
		}
		inc := b.v - a.v
		if b.v < a.v {
			inc = b.v
		}
		c.all[k] += inc
		if isIdle {
			c.idle[k] += inc
			c.idlePair[k] = true
		}
	}
}

// memory is the used ratio 1 − MemAvailable ÷ MemTotal, the mean of the
// interval's samples (the two families of one scrape share its timestamp).
func (vm *vmDay) memory() *figures {
	var s sums
	for _, p := range vm.pairs(metricMemAvail, metricMemTotal) {
		vm.zip(p[0], p[1], s.add)
	}
	f := &figures{}
	for k := range s.n {
		if s.n[k] > 0 {
			f.set(k, s.sum[k]/float64(s.n[k]))
		}
	}
	return f
}

// disk is, per interval, the used ratio 1 − avail ÷ size of the fullest
// real filesystem: each filesystem's mean over the interval's samples, the
// largest of those means. Pseudo filesystems (pseudoFS) do not count.
func (vm *vmDay) disk() *figures {
	f := &figures{}
	for _, p := range vm.pairs(metricFSAvail, metricFSSize) {
		var s sums
		vm.zip(p[0], p[1], s.add)
		for k, n := range s.n {
			if m := s.sum[k] / float64(max(n, 1)); n > 0 && (!f.ok[k] || m > f.val[k]) {
				f.set(k, m)
			}
		}
	}
	return f
}

// pairs matches each series named part with the series named whole of the
// same labels (MemAvailable with MemTotal, a filesystem's avail with its
// size), in the order of the part series.
func (vm *vmDay) pairs(part, whole string) [][2]*usageSeries {
	wholes := map[string]*usageSeries{}
	for i := range vm.series {
		if s := &vm.series[i]; s.name == whole {
			wholes[pairKey(s.lset)] = s
		}
	}
	var out [][2]*usageSeries
	for i := range vm.series {
		p := &vm.series[i]
		if w := wholes[pairKey(p.lset)]; p.name == part && w != nil {
			out = append(out, [2]*usageSeries{p, w})
		}
	}
	return out
}

// zip calls fn with the interval and 1 − part ÷ whole at each timestamp
// where both series have a sample. A whole of 0 or a part above the whole is
// refused and counted.
func (vm *vmDay) zip(p, w *usageSeries, fn func(k int, r float64)) {
	for i, j := 0, 0; i < len(p.pts) && j < len(w.pts); {
		a, b := p.pts[i], w.pts[j]
		switch {
		case a.t < b.t:
			i++
		case a.t > b.t:
			j++
		default:
			if b.v > 0 && a.v <= b.v {
				fn(vm.interval(a.t), 1-a.v/b.v)
			} else {
				usageInvalid(p.class.String())
			}
			i, j = i+1, j+1
		}
	}
}

// stats summarise the intervals with a figure; ok is false when none has.
// P95 is the nearest-rank 95th percentile: the ⌈0.95·n⌉-th smallest.
func (f *figures) stats() (Stats, bool) {
	var st Stats
	vals := make([]float64, 0, usageIntervals)
	sum := 0.0
	for k, ok := range f.ok {
		if !ok {
			continue
		}
		v := f.val[k]
		if len(vals) == 0 || v > st.Max {
			st.Max = v
		}
		vals = append(vals, v)
		sum += v
		st.Last = v
	}
	n := len(vals)
	if n == 0 {
		return Stats{}, false
	}
	slices.Sort(vals)
	st.Mean, st.P95, st.Intervals = sum/float64(n), vals[(95*n+99)/100-1], int64(n)
	return st, true
}

// tally counts the seconds of the lifetime inside intervals with a figure
// as Good, the rest of the lifetime as Unknown.
func (f *figures) tally(life Span, from time.Time) Tally {
	if !life.Start.Before(life.End) {
		return Tally{}
	}
	var good int64
	for k, ok := range f.ok {
		ws := from.Add(time.Duration(k) * UsageInterval)
		if c := clip(Span{ws, ws.Add(UsageInterval)}, life.Start, life.End); ok && c.Start.Before(c.End) {
			good += seconds(c.Start, c.End)
		}
	}
	return Tally{GoodS: good, UnknownS: seconds(life.Start, life.End) - good}
}
