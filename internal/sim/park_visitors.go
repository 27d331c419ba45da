package sim

import (
	"math"
	"sync"
)

// Visitors: the park opens 07:30–18:30 CST (ticket sales end 17:30). Each day
// has a number of visitors: a weekday or weekend base, raised in the swan
// season (the whooper swans winter on the lake from November to March, the
// park's high season) and varied per day by the seed. Within the day,
// arrivals follow a morning-peaked shape and departures follow arrivals about
// two and a half hours later, everyone out by closing. Counters are exact:
// entries by t are the sum of the days before plus today's total times the
// share of arrivals by t, so they never go back and two simulators with the
// same seed agree. Everything else that follows the crowd (cars, parking,
// WiFi clients) is derived from the same two curves.

const (
	day          = 24 * 3600.0
	parkOpen     = 7.5 * 3600  // seconds into the CST day
	parkLastIn   = 17.5 * 3600 // ticket sales end
	parkClose    = 18.5 * 3600
	parkStay     = 2.5 * 3600 // a visit
	visitorsFrom = 19723      // 2024-01-01 in days since the Unix epoch (CST): counters start at 0 there
)

// arrivalShape is the density of arrivals over the opening hours, at half-hour
// knots from 07:30 to 17:30 (linear between): a morning peak, a lunch dip, an
// afternoon shoulder.
var arrivalShape = [...]float64{0, .35, .8, 1, 1, .95, .85, .7, .55, .45, .45, .5, .5, .45, .38, .3, .22, .15, .09, .04, 0}

// arrivalCum[i] is the integral of arrivalShape up to knot i, in knot steps;
// the last one is the whole day.
var arrivalCum = func() [len(arrivalShape)]float64 {
	var c [len(arrivalShape)]float64
	for i := 1; i < len(c); i++ {
		c[i] = c[i-1] + (arrivalShape[i-1]+arrivalShape[i])/2
	}
	return c
}()

// arrived is the share of the day's visitors in by s seconds into the day.
func arrived(s float64) float64 {
	const step = 1800.0
	switch {
	case s <= parkOpen:
		return 0
	case s >= parkLastIn:
		return 1
	}
	x := (s - parkOpen) / step
	i := int(x)
	f := x - float64(i)
	a, b := arrivalShape[i], arrivalShape[i+1]
	return (arrivalCum[i] + a*f + (b-a)*f*f/2) / arrivalCum[len(arrivalCum)-1]
}

// departed is the share of the day's visitors out by s: arrivals a visit
// earlier until the late afternoon, then a steady stream that empties the
// park by closing; never more than have arrived.
func departed(s float64) float64 {
	const late = 16.5 * 3600
	g := arrived(s - parkStay)
	if s > late {
		g0 := arrived(late - parkStay)
		g = g0 + (1-g0)*math.Min(1, (s-late)/(parkClose-late))
	}
	return math.Min(g, arrived(s))
}

// visitors is the crowd model of one seed.
type visitors struct {
	seed uint64
	mu   sync.Mutex
	cum  []float64 // cum[i]: visitors of the days visitorsFrom … visitorsFrom+i-1
}

func newVisitors(seed int64) *visitors { return &visitors{seed: uint64(seed), cum: []float64{0}} }

// dayTotal is the number of visitors of CST day d (days since the epoch).
func (v *visitors) dayTotal(d int64) float64 {
	wd := (d + 3) % 7 // 1970-01-01 was a Thursday: 0 is Monday
	base := 2600.0
	switch wd {
	case 5:
		base = 7400
	case 6:
		base = 6500
	case 4:
		base = 3300
	}
	// the swan season: a bump centred on mid-January, highest in winter
	doy := math.Mod(float64(d), 365.2425) // day of the year, near enough
	season := 1 + 0.6*math.Max(0, math.Cos(2*math.Pi*(doy-14)/365.2425))
	noise := 0.85 + 0.3*unit(hash3(v.seed, 0x7669_7369_746f_7273, uint64(d))) // "visitors"
	return math.Round(base * season * noise)
}

// before is the number of visitors of all days before d.
func (v *visitors) before(d int64) float64 {
	i := d - visitorsFrom
	if i <= 0 {
		return 0
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	for int64(len(v.cum)) <= i {
		n := int64(len(v.cum)) - 1
		v.cum = append(v.cum, v.cum[n]+v.dayTotal(visitorsFrom+n))
	}
	return v.cum[i]
}

// cstDay splits Unix time t into the CST day and the seconds into it.
func cstDay(t float64) (int64, float64) {
	x := t + shanghaiOffset
	d := math.Floor(x / day)
	return int64(d), x - d*day
}

// in and out are the visitors through all gates by t, fractional: a gate
// counts floor(share × this).
func (v *visitors) in(t float64) float64 {
	d, s := cstDay(t)
	if d < visitorsFrom {
		return 0
	}
	return v.before(d) + v.dayTotal(d)*arrived(s)
}

func (v *visitors) out(t float64) float64 {
	d, s := cstDay(t)
	if d < visitorsFrom {
		return 0
	}
	return v.before(d) + v.dayTotal(d)*departed(s)
}

// inside is the number of visitors in the park at t.
func (v *visitors) inside(t float64) float64 { return math.Max(0, v.in(t)-v.out(t)) }

// Cars: 55 % of visitors come by car, 2.7 to a car.
const carsPerVisitor = 0.55 / 2.7
