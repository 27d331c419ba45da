package report

import (
	"math"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// TrendStatus says what Forecast could conclude about a series.
type TrendStatus string

// The outcomes of Forecast. Only TrendRising carries a forecast date.
const (
	TrendRising    TrendStatus = "rising"     // reaches the threshold in DaysLeft days
	TrendPast      TrendStatus = "past"       // the latest value is already at or above the threshold
	TrendFlat      TrendStatus = "flat"       // the line is flat or falling: no date
	TrendSlow      TrendStatus = "slow"       // rising, but more than maxForecastDays away: no date
	TrendFewPoints TrendStatus = "few_points" // fewer than minForecastPoints usable points, or all on one day
	TrendInvalid   TrendStatus = "invalid"    // the threshold is not a number, or the figures overflow
)

const (
	minForecastPoints = 3
	// A line that needs more than ten years is not a forecast anyone acts on,
	// and keeps the date arithmetic far from overflow.
	maxForecastDays = 3650
)

// Trend is the water level (水位) of one entity and metric.
type Trend struct {
	Entity, District, System string // filled by BuildInspection
	Metric                   string // MetricDisk or MetricBandwidth
	Status                   TrendStatus
	Points                   int       // usable points the line was fitted to
	Latest                   time.Time // 00:00 CST of the latest point's day
	Current                  float64   // the latest observed value
	Threshold                float64
	Slope                    float64   // fitted change per day
	DaysLeft                 int       // from Latest to Forecast; 0 when past
	Forecast                 time.Time // 00:00 CST of the first day the line is at or above the threshold
}

// Forecast fits a least-squares line through (day, value), days counted in
// Asia/Shanghai calendar days from the first point, and says when the line
// first reaches threshold: the first whole day whose fitted value is at or
// above it. Points that are not finite numbers are left out. It returns
// true only when there is such a date (TrendRising); Status says why not.
func Forecast(points []Point, threshold float64) (Trend, bool) {
	tr := Trend{Threshold: threshold, Status: TrendInvalid}
	if math.IsNaN(threshold) || math.IsInf(threshold, 0) {
		tr.Threshold = 0
		return tr, false
	}
	pts := usablePoints(points)
	tr.Points = len(pts)
	if len(pts) == 0 {
		tr.Status = TrendFewPoints
		return tr, false
	}
	last := pts[len(pts)-1]
	tr.Latest, tr.Current = cst.StartOfDay(last.Day), last.Value
	first := cst.StartOfDay(pts[0].Day)
	xs := dayIndexes(pts, first)
	slope, mx, my, ok := leastSquares(xs, pts)
	switch {
	case len(pts) < minForecastPoints || !ok && slope == 0:
		tr.Status = TrendFewPoints
		return tr, false
	case !ok:
		return tr, false // the sums overflowed: invalid
	}
	tr.Slope = slope
	return crossing(tr, first, xs[len(xs)-1], mx+(threshold-my)/slope)
}

// crossing fills the status and date from the line's crossing at day index
// at (from the first point's day); xl is the latest point's index.
func crossing(tr Trend, first time.Time, xl, at float64) (Trend, bool) {
	switch {
	case tr.Current >= tr.Threshold:
		tr.Status = TrendPast
		return tr, false
	case tr.Slope <= 0:
		tr.Status = TrendFlat
		return tr, false
	}
	// Rounded first so that binary noise (16.000000000000004) cannot push the
	// date a day later.
	day := math.Ceil(math.Round(at*1e6) / 1e6)
	if math.IsNaN(day) || day-xl > maxForecastDays {
		tr.Status = TrendSlow
		return tr, false
	}
	day = math.Max(day, xl) // the line is there already, the latest value not yet
	tr.Status, tr.DaysLeft = TrendRising, int(day-xl)
	tr.Forecast = first.AddDate(0, 0, int(day))
	return tr, true
}

// usablePoints is the finite points sorted by day.
func usablePoints(points []Point) []Point {
	pts := make([]Point, 0, len(points))
	for _, p := range points {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			pts = append(pts, p)
		}
	}
	slices.SortStableFunc(pts, func(a, b Point) int { return a.Day.Compare(b.Day) })
	return pts
}

// dayIndexes counts calendar days from first (Unix seconds, which unlike a
// Duration cannot saturate; CST has no DST, so a day is 86,400 s).
func dayIndexes(pts []Point, first time.Time) []float64 {
	xs := make([]float64, len(pts))
	for i, p := range pts {
		xs[i] = float64((cst.StartOfDay(p.Day).Unix() - first.Unix()) / 86400)
	}
	return xs
}

// leastSquares fits y = my + slope·(x − mx) with centred sums, which keep
// the precision of values such as 0.5 + 0.02·x. ok is false with slope 0
// when all x are equal, and with a non-zero slope when the sums overflow.
func leastSquares(xs []float64, pts []Point) (slope, mx, my float64, ok bool) {
	n := float64(len(xs))
	for i, x := range xs {
		mx += x / n
		my += pts[i].Value / n
	}
	var sxx, sxy float64
	for i, x := range xs {
		sxx += (x - mx) * (x - mx)
		sxy += (x - mx) * (pts[i].Value - my)
	}
	if sxx == 0 {
		return 0, mx, my, false
	}
	slope = sxy / sxx
	for _, v := range []float64{slope, mx, my} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return 1, mx, my, false
		}
	}
	return slope, mx, my, true
}
