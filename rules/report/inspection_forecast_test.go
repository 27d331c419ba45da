package report

import (
	"encoding/binary"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// nov is a day of November 2026 at the given hour, Asia/Shanghai.
func nov(day, hour int) time.Time { return time.Date(2026, 11, day, hour, 0, 0, 0, cst.Location) }

// daily makes one point per day from November first, at noon.
func daily(first int, vs ...float64) []Point {
	out := make([]Point, len(vs))
	for i, v := range vs {
		out[i] = Point{Day: nov(first+i, 12), Value: v}
	}
	return out
}

// The expected figures are worked out by hand in each case's comment.
func TestForecast(t *testing.T) {
	nan := math.NaN()
	cases := []struct {
		name      string
		points    []Point
		threshold float64
		status    TrendStatus
		slope     float64
		daysLeft  int
		forecast  time.Time
	}{
		// y = 0.50 + 0.02x reaches 0.90 at x = 20: Nov 1 + 20 = Nov 21; latest x = 2.
		{"three rising days", daily(1, 0.50, 0.52, 0.54), 0.90, TrendRising, 0.02, 18, nov(21, 0)},
		// the same line seen for five days: latest x = 4, 16 days left.
		{"five rising days", daily(1, 0.50, 0.52, 0.54, 0.56, 0.58), 0.90, TrendRising, 0.02, 16, nov(21, 0)},
		// y = 0.60 + 0.03x reaches 0.80 at x = 6.67: the first day at or above is x = 7, Nov 8.
		{"crossing inside a day", daily(1, 0.60, 0.63, 0.66), 0.80, TrendRising, 0.03, 5, nov(8, 0)},
		// x̄ = 1.5, ȳ = 0.43, Sxx = 5, Sxy = 0.08: slope 0.016; 1.5 + 0.47/0.016 = 30.875 → x = 31, Dec 2.
		{"noisy", daily(1, 0.40, 0.44, 0.42, 0.46), 0.90, TrendRising, 0.016, 28, time.Date(2026, 12, 2, 0, 0, 0, 0, cst.Location)},
		// x̄ = 1.5, ȳ = 0.8675, Sxy = 0.135: slope 0.027, the line crosses 0.90 at x = 2.70,
		// before the latest day: 0 days left although 0.89 is still under.
		{"line already there", daily(1, 0.80, 0.89, 0.89, 0.89), 0.90, TrendRising, 0.027, 0, nov(4, 0)},
		{"latest at threshold", daily(1, 0.85, 0.88, 0.90), 0.90, TrendPast, 0.025, 0, time.Time{}},
		{"falling", daily(1, 0.70, 0.65, 0.60), 0.90, TrendFlat, -0.05, 0, time.Time{}},
		{"flat", daily(1, 0.40, 0.40, 0.40, 0.40), 0.90, TrendFlat, 0, 0, time.Time{}},
		// 0.30 + 1e-6·x needs 600,000 days.
		{"too slow", daily(1, 0.30, 0.300001, 0.300002), 0.90, TrendSlow, 1e-6, 0, time.Time{}},
		{"two points", daily(1, 0.50, 0.60), 0.90, TrendFewPoints, 0, 0, time.Time{}},
		{"no points", nil, 0.90, TrendFewPoints, 0, 0, time.Time{}},
		{"one day only", []Point{{nov(1, 1), 0.5}, {nov(1, 9), 0.6}, {nov(1, 20), 0.7}}, 0.90, TrendFewPoints, 0, 0, time.Time{}},
		{"NaN threshold", daily(1, 0.50, 0.52, 0.54), nan, TrendInvalid, 0, 0, time.Time{}},
		{"Inf threshold", daily(1, 0.50, 0.52, 0.54), math.Inf(1), TrendInvalid, 0, 0, time.Time{}},
		// the NaN day is left out: the line is fitted to x = 1, 2, 3 and still 0.02 a day.
		{"NaN point left out", daily(1, nan, 0.52, 0.54, 0.56), 0.90, TrendRising, 0.02, 17, nov(21, 0)},
		{"unsorted", []Point{{nov(3, 12), 0.54}, {nov(1, 12), 0.50}, {nov(2, 12), 0.52}}, 0.90, TrendRising, 0.02, 18, nov(21, 0)},
		// 00:30 CST on Nov 2 is Nov 1 in UTC: counted as Nov 2, the line is exact.
		{"CST day, not UTC", []Point{{nov(1, 12), 0.50}, {nov(2, 0).Add(30 * time.Minute).UTC(), 0.52}, {nov(3, 12), 0.54}}, 0.90, TrendRising, 0.02, 18, nov(21, 0)},
		// a missing day: x = 0, 1, 3 with the values of the same line.
		{"gap day", []Point{{nov(1, 12), 0.50}, {nov(2, 12), 0.52}, {nov(4, 12), 0.56}}, 0.90, TrendRising, 0.02, 17, nov(21, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, ok := Forecast(c.points, c.threshold)
			assert.Equal(t, c.status, tr.Status)
			assert.Equal(t, c.status == TrendRising, ok)
			assert.InDelta(t, c.slope, tr.Slope, 1e-9)
			assert.Equal(t, c.daysLeft, tr.DaysLeft)
			assert.True(t, c.forecast.Equal(tr.Forecast), "forecast %s, want %s", tr.Forecast, c.forecast)
		})
	}
}

func TestForecastCurrentAndLatest(t *testing.T) {
	tr, ok := Forecast([]Point{{nov(3, 23), 0.54}, {nov(1, 12), 0.50}, {nov(2, 12), 0.52}}, 0.90)
	require.True(t, ok)
	assert.InDelta(t, 0.54, tr.Current, 0)
	assert.True(t, nov(3, 0).Equal(tr.Latest))
	assert.Equal(t, 3, tr.Points)
	assert.True(t, tr.Latest.AddDate(0, 0, tr.DaysLeft).Equal(tr.Forecast))
}

// FuzzForecast feeds arbitrary days and values (10 bytes a point: a day
// offset and the bits of a float64, so NaN, Inf and huge values occur).
func FuzzForecast(f *testing.F) {
	f.Add([]byte{}, 0.9)
	f.Add(fuzzPoints(0.5, 0.52, 0.54), 0.9)
	f.Add(fuzzPoints(1e308, -1e308, 1e308), 1e308)
	f.Add(fuzzPoints(math.NaN(), math.Inf(1), 0.5), math.Inf(-1))
	f.Fuzz(func(t *testing.T, data []byte, threshold float64) {
		var pts []Point
		for ; len(data) >= 10; data = data[10:] {
			day := int16(binary.LittleEndian.Uint16(data))
			v := math.Float64frombits(binary.LittleEndian.Uint64(data[2:]))
			pts = append(pts, Point{Day: nov(1, 12).AddDate(0, 0, int(day)), Value: v})
		}
		tr, ok := Forecast(pts, threshold)
		for _, v := range []float64{tr.Current, tr.Threshold, tr.Slope} {
			require.False(t, math.IsNaN(v) || math.IsInf(v, 0), "%+v", tr)
		}
		require.Equal(t, tr.Status == TrendRising, ok)
		require.LessOrEqual(t, tr.Points, len(pts))
		require.GreaterOrEqual(t, tr.DaysLeft, 0)
		require.LessOrEqual(t, tr.DaysLeft, maxForecastDays)
		if ok {
			require.True(t, tr.Latest.AddDate(0, 0, tr.DaysLeft).Equal(tr.Forecast), "%+v", tr)
		}
	})
}

func fuzzPoints(vs ...float64) []byte {
	var b []byte
	for i, v := range vs {
		b = binary.LittleEndian.AppendUint16(b, uint16(i))
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	}
	return b
}
