package sim

import (
	"math"
	"sort"
	"time"
)

// What a BMC reads at an instant: the load-driven figures, and the faults.
// Everything but FailPSU is a pure function of (server, time since the
// simulator started), so that a restart replays the same story.

const (
	// The DIMM whose correctable errors rise: from 2 minutes after the
	// start, 8 or more a minute for an hour (far above the hardware pack's
	// 10 an hour), then flat; the DIMM is replaced (counts back to 0) every
	// eccCycle and the story starts again.
	eccDelay     = 2 * 60
	eccRise      = 3600
	eccCycle     = 6 * 3600
	eccPerMinute = 8
	eccWarnAt    = 100 // the BMC flags the DIMM Warning from this count (its logging limit)
	eccDIMM      = 2   // DIMM_A3
	// The drive that predicts its failure, 3 minutes after the start, for good.
	drivePredictDelay = 3 * 60
	// psuIdx is the supply FailPSU fails (the second).
	psuIdx = 1
)

// bmcReading is one server's state at an instant.
type bmcReading struct {
	load        float64
	inlet       float64
	psuDown     bool
	ecc         []float64 // lifetime correctable errors per DIMM
	dimmWarn    int       // DIMM flagged Warning, -1 none
	drivePred   int       // drive predicting its failure, -1 none
	psuWatts    [2]float64
	entries     []selEntry // the whole log, oldest first, ids assigned
	worstHealth string     // the rollup of every part
}

// selEntry is one event-log entry.
type selEntry struct {
	at                            float64
	severity, sensorType, message string
	messageID                     string
	id                            int
}

// reading computes the server's state at t.
func (s *bmcServer) reading(t float64) bmcReading {
	f := s.fleet
	r := bmcReading{dimmWarn: -1, drivePred: -1}
	ph := 2 * math.Pi * (float64(s.seed%1000) / 1000)
	r.load = clamp01(0.45 + 0.25*math.Sin(2*math.Pi*t/86400+ph) + 0.05*signedUnit(hash3(s.seed, uint64(t/60), 0x6c6f6164)))
	r.inlet = 22.5 + 1.5*math.Sin(2*math.Pi*t/86400+ph/3) + 0.3*float64(s.idx%4)
	s.mu.Lock()
	r.psuDown = s.psuDown
	dynamic := append([]selEntry(nil), s.sel...)
	s.mu.Unlock()
	total := 240 + 260*r.load
	r.psuWatts = [2]float64{math.Round(total/2 + 6), math.Round(total/2 - 6)}
	if r.psuDown {
		r.psuWatts = [2]float64{math.Round(total), 0}
	}
	r.ecc = make([]float64, s.dimms)
	for i := range r.ecc {
		if unit(hash3(s.seed, uint64(i), 0x656363)) < 0.15 { // a few DIMMs have seen an error or two
			r.ecc[i] = float64(1 + int(unit(hash3(s.seed, uint64(i), 0x656364))*3))
		}
	}
	entries := s.history(f.start)
	if s == f.ecc {
		if n, crossed, ok := eccCount(t - f.start); ok {
			r.ecc[eccDIMM] = n
			if crossed >= 0 {
				r.dimmWarn = eccDIMM
				entries = append(entries, selEntry{at: f.start + crossed, severity: "Warning", sensorType: "Memory",
					messageID: "0x0C6F05", message: s.dimmName(eccDIMM) + " Correctable ECC logging limit reached - Asserted"})
			}
		}
	}
	if s == f.drive && t-f.start >= drivePredictDelay {
		r.drivePred = s.drives - 1
		entries = append(entries, selEntry{at: f.start + drivePredictDelay, severity: "Warning", sensorType: "Drive Slot/Bay",
			messageID: "0x0D6F02", message: driveName(r.drivePred) + " Predictive Failure - Asserted"})
	}
	entries = append(entries, dynamic...)
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].at < entries[b].at })
	for i := range entries {
		entries[i].id = i + 1
	}
	r.entries = entries
	r.worstHealth = "OK"
	if r.dimmWarn >= 0 || r.drivePred >= 0 {
		r.worstHealth = "Warning"
	}
	if r.psuDown {
		r.worstHealth = "Critical"
	}
	return r
}

// eccCount is the rising DIMM's count at elapsed seconds since the start,
// and when in the cycle it reached eccWarnAt (-1 not yet); ok is false
// before the story begins.
func eccCount(elapsed float64) (n, crossed float64, ok bool) {
	e := elapsed - eccDelay
	if e < 0 {
		return 0, -1, false
	}
	cycle := math.Floor(e / eccCycle)
	m := math.Floor(math.Min(e-cycle*eccCycle, eccRise) / 60)
	count := func(k float64) float64 {
		return eccPerMinute*k + math.Floor(3*unit(hash3(uint64(cycle), uint64(k), 0x726973)))
	}
	n, crossed = count(m), -1
	for k := 0.0; k <= m; k++ { // counts only grow: the first minute at the limit
		if count(k) >= eccWarnAt {
			crossed = eccDelay + cycle*eccCycle + k*60
			break
		}
	}
	return n, crossed, true
}

// history is the log the server came with: cleared when it was installed,
// booted, its supplies seen.
func (s *bmcServer) history(start float64) []selEntry {
	installed := start - 86400*float64(30+s.seed%300)
	booted := start - 86400*float64(3+s.seed%25) - float64(s.seed%3600)
	return []selEntry{
		{at: installed, severity: "OK", sensorType: "Event Logging Disabled", messageID: "0x106F02", message: "Log area reset/cleared - Asserted"},
		{at: booted, severity: "OK", sensorType: "SystemBoot/Restart", messageID: "0x1D6F01", message: "System Restart: Initiated by power up - Asserted"},
		{at: booted + 1, severity: "OK", sensorType: "Power Supply / Converter", messageID: "0x086F00", message: "PSU1 Presence detected - Asserted"},
		{at: booted + 1, severity: "OK", sensorType: "Power Supply / Converter", messageID: "0x086F00", message: "PSU2 Presence detected - Asserted"},
	}
}

// setPSU fails or repairs the second supply, logging it as the BMC does.
func (s *bmcServer) setPSU(down bool, t float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.psuDown == down {
		return
	}
	s.psuDown = down
	e := selEntry{at: t, severity: "Critical", sensorType: "Power Supply / Converter", messageID: "0x086F03",
		message: "PSU2 Power Supply input lost (AC/DC) - Asserted"}
	if !down {
		e.severity, e.message = "OK", "PSU2 Power Supply input lost (AC/DC) - Deasserted"
	}
	s.sel = append(s.sel, e)
	if len(s.sel) > 500 { // a BMC's log wraps
		s.sel = s.sel[len(s.sel)-500:]
	}
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// redfishTime writes t as a BMC in Asia/Shanghai does.
func redfishTime(t float64) string {
	return time.Unix(int64(t), 0).In(shanghai).Format(time.RFC3339)
}
