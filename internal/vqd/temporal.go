package vqd

import (
	"math"
	"sort"
)

// freezeDiff compares two frames at the camera's own resolution on a lattice of single pixels (no
// averaging: a live sensor's noise must stay visible) and returns the mean absolute luma difference
// of the 90 % least changed points. Trimming the top 10 % keeps an OSD clock, a swan or a passer-by
// from making a frozen picture look live; a live camera differs everywhere by its noise.
func freezeDiff(a, b lumaSampler) float64 {
	const nx, ny = 160, 90
	d := make([]float64, 0, nx*ny)
	for j := range ny {
		for i := range nx {
			fx, fy := (float64(i)+0.5)/nx, (float64(j)+0.5)/ny
			d = append(d, math.Abs(float64(at(a, fx, fy)-at(b, fx, fy))))
		}
	}
	sort.Float64s(d)
	keep := d[:len(d)*9/10]
	return mean(keep)
}

// at reads the pixel at the relative position (fx, fy) in [0, 1).
func at(s lumaSampler, fx, fy float64) float32 {
	x := s.b.Min.X + min(s.b.Dx()-1, int(fx*float64(s.b.Dx())))
	y := s.b.Min.Y + min(s.b.Dy()-1, int(fy*float64(s.b.Dy())))
	return s.at(x, y)
}

// projectionShift estimates the translation between two analysis frames from their grey projections
// (row and column means, each normalised to zero mean and unit variance so a change of light does not
// count): the shift with the best correlation, searched over ±maxShift pixels. corr is the
// correlation at that shift, low when the pictures are unrelated.
func projectionShift(a, b *frame) (dx, dy int, corr float64) {
	if a.w != b.w || a.h != b.h {
		return 0, 0, 0
	}
	ca, ra := projections(a)
	cb, rb := projections(b)
	dx, cx := bestShift(ca, cb)
	dy, cy := bestShift(ra, rb)
	return dx, dy, min(cx, cy)
}

func projections(f *frame) (cols, rows []float64) {
	cols, rows = make([]float64, f.w), make([]float64, f.h)
	for y := range f.h {
		for x := range f.w {
			v := float64(f.y[y*f.w+x])
			cols[x] += v
			rows[y] += v
		}
	}
	return normalise(cols), normalise(rows)
}

// normalise removes the mean and the linear trend's scale: zero mean, unit variance.
func normalise(v []float64) []float64 {
	m := mean(v)
	var s2 float64
	for i := range v {
		v[i] -= m
		s2 += v[i] * v[i]
	}
	sd := math.Sqrt(s2 / float64(max(1, len(v))))
	if sd < 1e-9 {
		return v
	}
	for i := range v {
		v[i] /= sd
	}
	return v
}

// bestShift finds s in ±maxShift maximising the correlation of a[i] and b[i+s] over their overlap.
func bestShift(a, b []float64) (int, float64) {
	n := len(a)
	maxShift := min(24, n/4)
	best, bestC := 0, -2.0
	for s := -maxShift; s <= maxShift; s++ {
		var sab, saa, sbb float64
		for i := max(0, -s); i < min(n, n-s); i++ {
			sab += a[i] * b[i+s]
			saa += a[i] * a[i]
			sbb += b[i+s] * b[i+s]
		}
		if saa == 0 || sbb == 0 {
			continue
		}
		if c := sab / math.Sqrt(saa*sbb); c > bestC {
			best, bestC = s, c
		}
	}
	if bestC < -1 {
		return 0, 0
	}
	return best, bestC
}
