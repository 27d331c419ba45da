package sim

import (
	"math"
)

// Everything the simulator shows is a pure function of (seed, VM, time): no state
// is kept between scrapes, so that 3,000 agents cost no memory per scrape, two
// simulators with the same seed agree byte for byte, and counters stay monotonic
// across restarts of the simulator. Counters are exact integrals of the activity
// level, which is built only from pieces with a closed-form integral (a weekly
// piecewise-linear curve, sine waves and a zero-mean triangle jitter).

const (
	week = 7 * 24 * 3600.0
	// shanghaiOffset is Asia/Shanghai's UTC offset. China has had no daylight
	// saving since 1991, so a fixed offset is exact and needs no tzdata.
	shanghaiOffset = 8 * 3600.0
	// mondayShift moves the Unix epoch (a Thursday) to a Monday 00:00 local.
	mondayShift = 4*24*3600.0 - shanghaiOffset
	// jitterHalf is half of a jitter block. 23 s does not divide the usual 15/30/60 s
	// scrape intervals, so aligned scrapes still see the jitter.
	jitterHalf = 23.0
)

// curve is a weekly activity shape: 168 hourly knots (Monday 00:00 local first),
// linear between knots, with cumulative integrals for O(1) integration.
type curve struct {
	knots [168]float64
	cum   [169]float64 // cum[i] = integral from Monday 00:00 to hour i
}

func newCurve(weekday, weekend [24]float64) *curve {
	c := &curve{}
	for d := 0; d < 7; d++ {
		src := weekday
		if d >= 5 {
			src = weekend
		}
		copy(c.knots[d*24:], src[:])
	}
	for i := 0; i < 168; i++ {
		c.cum[i+1] = c.cum[i] + 3600*(c.knots[i]+c.knots[(i+1)%168])/2
	}
	return c
}

// split returns the week number, the hour of the week and the seconds into it.
func split(t float64) (float64, int, float64) {
	x := t - mondayShift
	w := math.Floor(x / week)
	pos := x - w*week
	h := int(pos / 3600)
	if h > 167 { // float rounding at the very end of a week
		h = 167
	}
	return w, h, pos - float64(h)*3600
}

// at returns the curve's level at Unix time t.
func (c *curve) at(t float64) float64 {
	_, h, s := split(t)
	a, b := c.knots[h], c.knots[(h+1)%168]
	return a + (b-a)*s/3600
}

// integral returns the integral of the curve from the Unix epoch to t.
func (c *curve) integral(t float64) float64 {
	w, h, s := split(t)
	a, b := c.knots[h], c.knots[(h+1)%168]
	return w*c.cum[168] + c.cum[h] + a*s + (b-a)*s*s/7200
}

// office is the working-day shape of a government office: morning and afternoon
// peaks, a lunch dip (12:00–14:00 is the Chinese office lunch break), quiet nights
// and weekends.
var office = newCurve(
	[24]float64{.10, .08, .07, .07, .07, .08, .12, .25, .60, .90, 1, .95, .55, .60, .90, 1, .95, .75, .40, .30, .28, .25, .18, .13},
	[24]float64{.08, .07, .06, .06, .06, .07, .09, .12, .18, .24, .28, .27, .22, .22, .25, .27, .26, .24, .20, .18, .17, .15, .12, .10},
)

// nightly is the shape of batch and data-exchange jobs that run after midnight.
var nightly = newCurve(
	[24]float64{.60, .95, 1, 1, .85, .40, .15, .10, .12, .15, .15, .15, .12, .12, .15, .15, .15, .12, .10, .10, .10, .12, .20, .35},
	[24]float64{.50, .80, .90, .90, .70, .30, .12, .08, .08, .10, .10, .10, .08, .08, .10, .10, .10, .08, .08, .08, .08, .10, .15, .30},
)

// wave is a sine with amplitude a, angular frequency w and phase p.
type wave struct{ a, w, p float64 }

// signal is an activity level in [0, 1]: base + amp·curve + waves + jitter.
// Its parameters keep it strictly positive, which makes its integral (and so
// every counter built from it) strictly increasing.
type signal struct {
	base, amp float64
	curve     *curve // nil means flat
	waves     [2]wave
	jitter    float64 // amplitude of the ±jitter blocks
	key       uint64
}

// value returns the level at t.
func (g *signal) value(t float64) float64 {
	v := g.smooth(t)
	j := math.Floor(t / (2 * jitterHalf))
	n := g.jitter * signedUnit(hash3(g.key, uint64(int64(j)), saltJitter))
	if t-j*2*jitterHalf >= jitterHalf {
		n = -n
	}
	return v + n
}

// smooth returns the level at t without the short-term jitter (load5, load15).
func (g *signal) smooth(t float64) float64 {
	v := g.base
	if g.curve != nil {
		v += g.amp * g.curve.at(t)
	}
	for _, w := range g.waves {
		v += w.a * math.Sin(w.w*t+w.p)
	}
	return v
}

// integral returns the integral of the level from the Unix epoch to t; only
// differences of it mean anything.
func (g *signal) integral(t float64) float64 {
	v := g.base * t
	if g.curve != nil {
		v += g.amp * g.curve.integral(t)
	}
	for _, w := range g.waves {
		v -= w.a / w.w * (math.Cos(w.w*t+w.p) - math.Cos(w.p))
	}
	// The jitter block is +n for jitterHalf then -n for jitterHalf, so every whole
	// block integrates to zero and only the current one contributes (a triangle).
	j := math.Floor(t / (2 * jitterHalf))
	x := t - j*2*jitterHalf
	if x > jitterHalf {
		x = 2*jitterHalf - x
	}
	return v + g.jitter*signedUnit(hash3(g.key, uint64(int64(j)), saltJitter))*x
}

// Hash salts keep the decisions drawn for one VM independent of each other.
const (
	saltJitter uint64 = iota + 1
	saltOutage
	saltLong
	saltGroup
	saltReboot
	saltFault
	saltParam
)

// mix is splitmix64's finaliser: cheap, stateless and well distributed.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func hash3(a, b, c uint64) uint64 { return mix(mix(mix(a)^b) ^ c) }

// unit maps a hash to [0, 1).
func unit(h uint64) float64 { return float64(h>>11) / (1 << 53) }

// signedUnit maps a hash to [-1, 1).
func signedUnit(h uint64) float64 { return 2*unit(h) - 1 }
