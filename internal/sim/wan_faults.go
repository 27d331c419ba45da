package sim

import (
	"cmp"
	"math"
	"slices"
	"sync"
)

// WAN faults are pure functions of (seed, link or device, time), like the VMs':
// flaps and error bursts fall in weekly slots with a per-level chance, devices
// reboot for maintenance once a quarter at a random moment (and now and then
// unplanned), and Options.FaultEvery adds one fault per period on a timetable:
// a WAN link down, an error burst, a device reboot, in turn. Because every device
// reboots at least once a quarter, a counter never has to look back further than
// ~14 weekly slots, which keeps a counter's value cheap to compute exactly.

// Salts for the WAN's draws, apart from the VMs' (curve.go).
const (
	saltLink uint64 = 0x100 + iota
	saltFlap
	saltBurst
	saltBoot
	saltMaint
	saltInject
	saltBootGap
	saltBurstRate
)

const (
	maintEvery  = 13 * week
	rebootWeek  = 0.01 // unplanned reboots per device and week
	bootGapMin  = 90.0 // s the device is unreachable while it boots
	bootGapSpan = 150.0
	flapMin     = 120.0
	flapSpan    = 1080.0
	burstMin    = 300.0
	burstSpan   = 1500.0
)

// episode is a stretch of time a link is down or errored.
type episode struct {
	start, end float64
	down       bool
}

// faultPlan holds the Options.FaultEvery timetable. Which link or device a period
// hits is a pure function of (seed, period); the per-target lists are a cache of
// it, extended as time passes, so that a counter sums only its own faults.
type faultPlan struct {
	every, start float64 // period in seconds (0: none); faults begin at start
	nWAN         []int   // indexes of WAN links
	nDev         []int   // devices that may be rebooted (not the core)
	seed         uint64

	mu    sync.RWMutex
	upto  int64             // periods below upto are in the lists
	links map[int][]episode // injected episodes per link
	devs  map[int][]float64 // injected reboots per device
}

func (f *faultPlan) init(n *wanNet, every, start float64) {
	f.every, f.seed, f.links, f.devs = every, uint64(n.seed), map[int][]episode{}, map[int][]float64{}
	if every > 0 {
		f.start = math.Ceil(start/every) * every
		f.upto = int64(f.start / every)
	}
	for _, l := range n.links {
		if l.WAN && l.B.dev >= 0 {
			f.nWAN = append(f.nWAN, l.idx)
		}
	}
	for _, d := range n.devs {
		if d.Role != roleCore {
			f.nDev = append(f.nDev, d.idx)
		}
	}
}

// extend fills the lists up to the period containing t.
func (f *faultPlan) extend(t float64) {
	k := int64(math.Floor(t / f.every))
	f.mu.RLock()
	done := k < f.upto
	f.mu.RUnlock()
	if done {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for ; f.upto <= k; f.upto++ {
		j := f.upto
		h := hash3(f.seed, uint64(j), saltInject)
		start, dur := float64(j)*f.every, math.Min(f.every/2, 300)
		switch j % 3 {
		case 0, 1:
			l := f.nWAN[h%uint64(len(f.nWAN))]
			f.links[l] = append(f.links[l], episode{start, start + dur, j%3 == 0})
		default:
			d := f.nDev[h%uint64(len(f.nDev))]
			f.devs[d] = append(f.devs[d], start)
		}
	}
}

// linkEpisodes appends the injected episodes of link l that overlap [from, to].
func (f *faultPlan) linkEpisodes(l int, from, to float64, out []episode) []episode {
	if f.every <= 0 || to < f.start {
		return out
	}
	f.extend(to)
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, e := range f.links[l] {
		if e.end > from && e.start <= to {
			out = append(out, e)
		}
	}
	return out
}

// reboots appends the injected reboots of device d within [from, to].
func (f *faultPlan) reboots(d int, from, to float64, out []float64) []float64 {
	if f.every <= 0 || to < f.start {
		return out
	}
	f.extend(to)
	f.mu.RLock()
	defer f.mu.RUnlock()
	for _, r := range f.devs[d] {
		if r >= from && r <= to {
			out = append(out, r)
		}
	}
	return out
}

// boots appends every boot of d within [from, to]: quarterly maintenance,
// unplanned, injected.
func (n *wanNet) boots(d *wanDevice, from, to float64, out []float64) []float64 {
	for j := math.Floor(from / maintEvery); j*maintEvery <= to; j++ {
		r := math.Floor(j*maintEvery + unit(hash3(d.key, uint64(int64(j)), saltMaint))*maintEvery)
		if r >= from && r <= to {
			out = append(out, r)
		}
	}
	for j := math.Floor(from / week); j*week <= to; j++ {
		h := hash3(d.key, uint64(int64(j)), saltBoot)
		if unit(h) >= rebootWeek {
			continue
		}
		if r := math.Floor(j*week + unit(mix(h))*week); r >= from && r <= to {
			out = append(out, r)
		}
	}
	return n.faults.reboots(d.idx, from, to, out)
}

// lastBoot is the latest boot of d at or before t.
func (n *wanNet) lastBoot(d *wanDevice, t float64) float64 {
	var buf [8]float64
	// A maintenance reboot falls in every quarter, so the latest boot is at most
	// two quarters back.
	return slices.Max(n.boots(d, t-2*maintEvery, t, buf[:0]))
}

// bootGap is how long d is unreachable after booting at boot.
func (d *wanDevice) bootGap(boot float64) float64 {
	return bootGapMin + unit(hash3(d.key, uint64(int64(boot)), saltBootGap))*bootGapSpan
}

// booting reports whether d is still booting at t.
func (n *wanNet) booting(d *wanDevice, t float64) bool {
	b := n.lastBoot(d, t)
	return t < b+d.bootGap(b)
}

// slotEpisodes appends l's natural episodes of one kind overlapping [from, to].
func slotEpisodes(key, salt uint64, chance, minDur, span, from, to float64, down bool, out []episode) []episode {
	for j := math.Floor((from - minDur - span) / week); j*week <= to; j++ {
		h := hash3(key, uint64(int64(j)), salt)
		if unit(h) >= chance {
			continue
		}
		s := j*week + unit(mix(h))*week
		e := s + minDur + unit(mix(h^1))*span
		if e > from && s <= to {
			out = append(out, episode{s, e, down})
		}
	}
	return out
}

// episodes returns l's episodes overlapping [from, to], the down ones merged so
// that none overlaps another, sorted by start: flaps, bursts, injected faults,
// forced spans and the boots of both ends (a port is down while its device boots).
func (n *wanNet) episodes(l *wanLink, from, to float64, out []episode) []episode {
	out = slotEpisodes(l.key, saltFlap, l.downChance, flapMin, flapSpan, from, to, true, out)
	out = slotEpisodes(l.key, saltBurst, l.burstChance, burstMin, burstSpan, from, to, false, out)
	out = n.faults.linkEpisodes(l.idx, from, to, out)
	out = n.force.applyForced(l.idx, from, to, out)
	var buf [16]float64
	for _, e := range []linkEnd{l.A, l.B} {
		if e.dev < 0 {
			continue
		}
		d := n.devs[e.dev]
		for _, b := range n.boots(d, from-bootGapMin-bootGapSpan, to, buf[:0]) {
			if g := b + d.bootGap(b); g > from {
				out = append(out, episode{b, g, true})
			}
		}
	}
	slices.SortFunc(out, func(a, b episode) int {
		if a.down != b.down {
			if a.down {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.start, b.start)
	})
	return mergeDown(out)
}

// mergeDown merges overlapping down episodes, which come first and sorted.
func mergeDown(es []episode) []episode {
	w := 0
	for i, e := range es {
		if w > 0 && e.down && es[w-1].down && e.start <= es[w-1].end {
			es[w-1].end = math.Max(es[w-1].end, e.end)
			continue
		}
		es[w] = es[i]
		w++
	}
	return es[:w]
}

// burstRatio is the errored share of packets during l's error bursts.
func burstRatio(l *wanLink) float64 {
	return 1e-4 * math.Pow(50, unit(hash3(l.key, 0, saltBurstRate)))
}
