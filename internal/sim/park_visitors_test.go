package sim

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParkDayShape(t *testing.T) {
	assert.Zero(t, arrived(7*3600))
	assert.Zero(t, departed(7*3600))
	assert.Equal(t, 1.0, arrived(parkLastIn))
	assert.Equal(t, 1.0, departed(parkClose))
	var a0, d0 float64
	for s := 0.0; s <= day; s += 60 {
		a, d := arrived(s), departed(s)
		require.GreaterOrEqual(t, a, a0-1e-12, "arrivals go back at %v", s)
		require.GreaterOrEqual(t, d, d0-1e-12, "departures go back at %v", s)
		require.LessOrEqual(t, d, a+1e-12, "more out than in at %v", s)
		a0, d0 = a, d
	}
	// the morning peak: more arrive 09:30–10:30 than 14:30–15:30
	assert.Greater(t, arrived(10.5*3600)-arrived(9.5*3600), arrived(15.5*3600)-arrived(14.5*3600))
}

// minute steps through one week of a crowd: counters never go back, nobody
// is inside at night, the park is busiest around midday and on the weekend.
func TestParkVisitorsWeek(t *testing.T) {
	v := newVisitors(11)
	from := mustTime(t, "2026-11-23 00:00:00") // a Monday
	var in0, out0 float64
	peak := map[int]float64{}     // weekday → most inside
	peakHour := map[int]float64{} // weekday → hour of it
	totals := map[int]float64{}   // weekday → visitors that day
	for m := 0; m < 7*24*60; m++ {
		at := from.Add(time.Duration(m) * time.Minute)
		x := timeSec(at)
		in, out := v.in(x), v.out(x)
		require.GreaterOrEqual(t, in, in0, "entries go back at %v", at)
		require.GreaterOrEqual(t, out, out0, "exits go back at %v", at)
		require.LessOrEqual(t, out, in+1e-6, "more out than in at %v", at)
		in0, out0 = in, out
		wd, h := m/(24*60), float64(m%(24*60))/60
		if h < 7 || h > 18.5 {
			require.InDelta(t, 0, v.inside(x), 1e-6, "people inside at %v", at)
		}
		if ins := v.inside(x); ins > peak[wd] {
			peak[wd], peakHour[wd] = ins, h
		}
		d, _ := cstDay(x)
		totals[wd] = v.dayTotal(d)
	}
	for wd := range 7 {
		assert.True(t, peakHour[wd] >= 10 && peakHour[wd] <= 15, "day %d peaks at %.1f h", wd, peakHour[wd])
		assert.Greater(t, peak[wd], 0.2*totals[wd], "day %d: too few inside at the peak", wd)
	}
	assert.Greater(t, totals[5], 1.8*totals[2], "Saturday is not busier than Wednesday")
	// the swan season: a January Wednesday beats a July one
	jan, jul := timeSec(mustTime(t, "2027-01-13 12:00:00")), timeSec(mustTime(t, "2027-07-14 12:00:00"))
	dj, _ := cstDay(jan)
	dl, _ := cstDay(jul)
	assert.Greater(t, v.dayTotal(dj), 1.2*v.dayTotal(dl))
	// the same seed, the same crowd; before the counters began, nothing
	assert.Equal(t, v.in(jan), newVisitors(11).in(jan))
	assert.Zero(t, v.in(timeSec(mustTime(t, "2023-06-01 12:00:00"))))
}

func TestParkGateJam(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-28 09:00:00"))
	s, err := New(Options{VMs: 2, Seed: 4, Now: clk.Now, Park: &ParkOptions{SecretsDir: t.TempDir()}})
	require.NoError(t, err)
	p := s.park
	g, other := &parkGates[3], &parkGates[1]
	require.Equal(t, s.DemoGate(), g.Name)
	first, firstOther := p.gate(g, clk.float()), p.gate(other, clk.float())
	var last, lastOther gateState
	var jamIn int64
	for m := 0; m <= 10*60; m++ { // 09:00–19:00
		switch m {
		case 180: // 12:00
			require.NoError(t, s.JamGate(g.Name))
		case 240: // 13:00
			require.NoError(t, s.FreeGate(g.Name))
		}
		x := clk.float()
		st, so := p.gate(g, x), p.gate(other, x)
		require.GreaterOrEqual(t, st.In, last.In, "minute %d", m)
		require.GreaterOrEqual(t, st.Out, last.Out, "minute %d", m)
		if m == 180 {
			jamIn = st.In
		}
		if m >= 180 && m < 240 {
			assert.False(t, st.OK, "minute %d", m)
			assert.Equal(t, gateFaultJam, st.Fault)
			assert.Equal(t, jamIn, st.In, "a jammed gate counted at minute %d", m)
		} else {
			assert.True(t, st.OK, "minute %d", m)
		}
		if m == 241 {
			assert.Less(t, st.In-last.In, int64(20), "the gate caught up the jam's passages at once")
		}
		last, lastOther = st, so
		clk.Add(time.Minute)
	}
	// per share of the crowd, the gate that was jammed for an hour counted less today
	assert.Less(t, float64(last.In-first.In)/g.Share, 0.95*float64(lastOther.In-firstOther.In)/other.Share)
	assert.Greater(t, last.Out, int64(0))
}

func TestParkLotsAndScreens(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-28 05:00:00")) // a Saturday
	s, err := New(Options{VMs: 2, Seed: 4, Now: clk.Now, Park: &ParkOptions{SecretsDir: t.TempDir()}})
	require.NoError(t, err)
	p := s.park
	at := func(hm string) float64 { return timeSec(mustTime(t, "2026-11-28 "+hm+":00")) }
	for i := range parkLots {
		l := &parkLots[i]
		dawn, noon := p.lot(l, at("05:00")), p.lot(l, at("12:30"))
		assert.Equal(t, l.Capacity-l.Base, dawn.Free, l.Name)
		assert.Less(t, noon.Free, dawn.Free-50, "%s: a Saturday midday fills the lot", l.Name)
		assert.GreaterOrEqual(t, noon.Free, 0)
	}
	for i := range parkLEDs {
		night, morning, noon := p.led(i, at("23:30")), p.led(i, at("08:00")), p.led(i, at("12:30"))
		assert.False(t, night.On)
		assert.True(t, noon.On && morning.On)
		assert.Greater(t, noon.Brightness, morning.Brightness)
		assert.Greater(t, noon.Power, 0.0)
		assert.False(t, math.IsNaN(noon.Temperature))
		assert.Less(t, noon.Temperature, 60.0, "an LED screen too hot on a November noon")
	}
}
