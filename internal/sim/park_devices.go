package sim

import (
	"math"
	"sync"
)

// What the park's gates, car parks and LED screens show, as pure functions of
// (seed, time) and the jams the story forced. The devices' HTTP faces are the
// vendor fakes' (park_http.go); these are the figures behind them.

// jamSpans are the stretches a gate was jammed: [start, end), the last open
// (end +Inf) while it still is.
type jamSpans struct {
	mu    sync.Mutex
	spans []episode
}

func (j *jamSpans) jam(t float64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if n := len(j.spans); n == 0 || !math.IsInf(j.spans[n-1].end, 1) {
		j.spans = append(j.spans, episode{start: t, end: math.Inf(1), down: true})
	}
}

func (j *jamSpans) free(t float64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if n := len(j.spans); n > 0 && math.IsInf(j.spans[n-1].end, 1) {
		j.spans[n-1].end = math.Max(t, j.spans[n-1].start)
	}
}

// jammed tells whether the gate is jammed at t.
func (j *jamSpans) jammed(t float64) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, s := range j.spans {
		if s.start <= t && t < s.end {
			return true
		}
	}
	return false
}

// lost is what f gained during the jams before t: the passages a jammed gate
// did not count.
func (j *jamSpans) lost(t float64, f func(float64) float64) float64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	sum := 0.0
	for _, s := range j.spans {
		if s.start < t {
			sum += f(math.Min(t, s.end)) - f(s.start)
		}
	}
	return sum
}

// gateState is what a gate reports at t.
type gateState struct {
	In, Out int64 // passages since the counters began
	OK      bool
	Fault   int // vendor fault code, 0 when OK: 3 is "gate blocked" (闸门受阻)
}

const gateFaultJam = 3

// gate is gate g's state at t: its share of the park's entries and exits,
// less what passed while it was jammed.
func (p *park) gate(g *parkGate, t float64) gateState {
	j := p.gates[g.Name]
	in := g.Share * (p.crowd.in(t) - j.lost(t, p.crowd.in))
	out := g.Share * (p.crowd.out(t) - j.lost(t, p.crowd.out))
	st := gateState{In: int64(in), Out: int64(out), OK: !j.jammed(t)}
	if !st.OK {
		st.Fault = gateFaultJam
	}
	return st
}

// lotState is a car park at t.
type lotState struct {
	Capacity, Free int
	In, Out        int64 // cars through its barrier since the counters began
}

// carsIn and carsOut are lot l's cars by t (fractional; the plate cameras
// push one read per whole car).
func (p *park) carsIn(l *parkLot, t float64) float64 {
	return p.crowd.in(t) * carsPerVisitor * l.Share
}

func (p *park) carsOut(l *parkLot, t float64) float64 {
	return p.crowd.out(t) * carsPerVisitor * l.Share
}

func (p *park) lot(l *parkLot, t float64) lotState {
	in, out := math.Floor(p.carsIn(l, t)), math.Floor(p.carsOut(l, t))
	parked := min(l.Capacity, max(0, l.Base+int(in-out)))
	return lotState{Capacity: l.Capacity, Free: l.Capacity - parked, In: int64(in), Out: int64(out)}
}

// ledState is an LED screen at t.
type ledState struct {
	On           bool
	Brightness   float64 // percent
	Temperature  float64 // °C inside the cabinet
	Power        float64 // W
	ModuleFaults int
	Program      string
}

// Screens are on 07:00–22:00 CST; brightness follows daylight (light sensor).
const (
	ledOn  = 7 * 3600
	ledOff = 22 * 3600
)

func (p *park) led(i int, t float64) ledState {
	l := &parkLEDs[i]
	d, s := cstDay(t)
	st := ledState{Program: l.Program}
	if l.Name == "led-visitor" {
		st.ModuleFaults = 1 // one dead module since installation: a minor fault on the wall
	}
	sun := math.Max(0, math.Sin(math.Pi*(s-6*3600)/(13*3600)))                          // 06:00–19:00
	season := math.Cos(2 * math.Pi * (math.Mod(float64(d), 365.2425) - 200) / 365.2425) // 1 in mid-July
	ambient := 14 + 13*season + 6*sun + 1.5*signedUnit(hash3(uint64(p.seed), uint64(i), uint64(t/600)))
	if s < ledOn || s >= ledOff {
		st.Temperature = ambient + 3
		return st
	}
	st.On = true
	st.Brightness = math.Round(35 + 65*sun)
	st.Power = math.Round(l.Watts * (0.15 + 0.85*st.Brightness/100))
	st.Temperature = math.Round((ambient+8+14*st.Brightness/100)*10) / 10
	return st
}
