package vqd

import "math"

// freezeDiff compares two frames at the camera's own resolution on a lattice of single pixels (no
// averaging: a live sensor's noise must stay visible) and returns the mean absolute luma difference
// of the 90 % least changed points. Trimming the top 10 % keeps an OSD clock, a swan or a passer-by
// from making a frozen picture look live; a live camera differs everywhere by its noise.
func freezeDiff(a, b lumaSampler) float64 {
	const nx, ny = 160, 90
	const binsPerLevel = 4
	var hist [256*binsPerLevel + 1]int32
	var sums [256*binsPerLevel + 1]float64
	for j := range ny {
		for i := range nx {
			fx, fy := (float64(i)+0.5)/nx, (float64(j)+0.5)/ny
			d := math.Abs(float64(at(a, fx, fy) - at(b, fx, fy)))
			k := min(len(hist)-1, int(d*binsPerLevel))
			hist[k]++
			sums[k] += d
		}
	}
	keep := nx * ny * 9 / 10
	var total float64
	n := 0
	for k := range hist {
		if n >= keep {
			break
		}
		take := min(int(hist[k]), keep-n)
		if take == 0 {
			continue
		}
		total += sums[k] * float64(take) / float64(hist[k])
		n += take
	}
	return total / float64(keep)
}

// at reads the pixel at the relative position (fx, fy) in [0, 1).
func at(s lumaSampler, fx, fy float64) float32 {
	x := s.b.Min.X + min(s.b.Dx()-1, int(fx*float64(s.b.Dx())))
	y := s.b.Min.Y + min(s.b.Dy()-1, int(fy*float64(s.b.Dy())))
	return s.at(x, y)
}

// projectionShift estimates the translation between two frames from their grey projections (column
// and row means of a lattice of single pixels on the analysis grid, each projection normalised to
// zero mean and unit variance so that a change of light does not count): the shift with the best
// correlation, searched over ±24 analysis pixels. corr is the correlation at that shift, low when
// the pictures are unrelated.
func projectionShift(a, b lumaSampler, w, h int) (dx, dy int, corr float64) {
	ca, ra := projections(a, w, h)
	cb, rb := projections(b, w, h)
	dx, cx := bestShift(ca, cb)
	dy, cy := bestShift(ra, rb)
	return dx, dy, min(cx, cy)
}

// projections samples a w×h lattice of s (the analysis size: a reading of the previous frame that
// costs no downscale) and sums it along columns and rows.
func projections(s lumaSampler, w, h int) (cols, rows []float64) {
	cols, rows = make([]float64, w), make([]float64, h)
	xs := make([]int, w)
	for x := range w {
		xs[x] = s.b.Min.X + min(s.b.Dx()-1, (2*x+1)*s.b.Dx()/(2*w))
	}
	// A checkerboard of the lattice: every row and every column still gets half its points.
	for y := range h {
		sy := s.b.Min.Y + min(s.b.Dy()-1, (2*y+1)*s.b.Dy()/(2*h))
		var line []uint8
		if s.y8 != nil {
			line = s.y8[(sy-s.b.Min.Y)*s.stride:]
		}
		for x := y % 2; x < w; x += 2 {
			var v float64
			if line != nil {
				v = float64(line[xs[x]-s.b.Min.X])
			} else {
				v = float64(s.at(xs[x], sy))
			}
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
