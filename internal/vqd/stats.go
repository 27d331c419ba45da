package vqd

import "math"

// stats are the global picture statistics every check starts from.
type stats struct {
	mean, std  float64 // luma
	p5, p95    float64 // luma percentiles
	clipped    float64 // share of pixels at luma ≥ 250
	saturation float64 // mean HSV saturation, 0–255
	blueShare  float64 // share of strongly saturated blue pixels (a recorder's blue page)
	domShare   float64 // share of pixels near the dominant colour
	domLuma    float64 // luma of the dominant colour
}

func globalStats(f *frame, tol float64) stats {
	var s stats
	var hist [256]int
	var sum, sum2 float64
	for _, y := range f.y {
		sum += float64(y)
		sum2 += float64(y) * float64(y)
		hist[int(y+0.5)&255]++
	}
	n := float64(len(f.y))
	s.mean = sum / n
	s.std = math.Sqrt(max(0, sum2/n-s.mean*s.mean))
	s.p5, s.p95 = percentile(&hist, len(f.y), 0.05), percentile(&hist, len(f.y), 0.95)
	clipped := 0
	for v := 250; v < 256; v++ {
		clipped += hist[v]
	}
	s.clipped = float64(clipped) / n
	// Saturation and the blue page on every second pixel of every second row: means over 14,400
	// points are as good as over all, for a quarter of the divisions.
	var sat float64
	blue, m := 0, 0
	for y := 0; y < f.h; y += 2 {
		for x := 0; x < f.w; x += 2 {
			i := y*f.w + x
			r, g, b := f.r[i], f.g[i], f.b[i]
			hi, lo := max(r, g, b), min(r, g, b)
			if hi > 0 {
				sat += float64((hi - lo) / hi * 255)
			}
			if isBlue(r, g, b, hi, lo) {
				blue++
			}
			m++
		}
	}
	s.saturation = sat / float64(m)
	s.blueShare = float64(blue) / float64(m)
	s.domShare, s.domLuma = dominant(f, tol)
	return s
}

// contrastRatio is 100·(P95−P5)/(P95+P5): exposure-independent contrast.
func (s stats) contrastRatio() float64 { return 100 * (s.p95 - s.p5) / (s.p95 + s.p5 + 1) }

// isBlue: hue 200–260°, saturation above 0.6, value above 0.3. A recorder's "no video" blue page is
// far more saturated than any sky.
func isBlue(r, g, b, hi, lo float32) bool {
	if hi != b || hi < 0.3*255 || (hi-lo) < 0.6*hi {
		return false
	}
	h := 240 + 60*(r-g)/(hi-lo) // hue in degrees when blue is the maximum
	return h >= 200 && h <= 260
}

// percentile of a 256-bin histogram of n values.
func percentile(h *[256]int, n int, q float64) float64 {
	want := int(q * float64(n))
	acc := 0
	for v, c := range h {
		acc += c
		if acc > want {
			return float64(v)
		}
	}
	return 255
}

// dominant finds the most common colour (the per-channel median is the mode of a uniform screen with a
// caption on it) and the share of pixels within tol of it on every channel, both on every second
// pixel of every second row (a page's share is the same on a quarter of its pixels).
func dominant(f *frame, tol float64) (share, lumaOf float64) {
	var hr, hg, hb [256]int
	n := 0
	for y := 0; y < f.h; y += 2 {
		for x := 0; x < f.w; x += 2 {
			i := y*f.w + x
			hr[int(f.r[i]+0.5)&255]++
			hg[int(f.g[i]+0.5)&255]++
			hb[int(f.b[i]+0.5)&255]++
			n++
		}
	}
	r := float32(percentile(&hr, n, 0.5))
	g := float32(percentile(&hg, n, 0.5))
	b := float32(percentile(&hb, n, 0.5))
	t := float32(tol)
	near := 0
	for y := 0; y < f.h; y += 2 {
		for x := 0; x < f.w; x += 2 {
			i := y*f.w + x
			if abs32(f.r[i]-r) <= t && abs32(f.g[i]-g) <= t && abs32(f.b[i]-b) <= t {
				near++
			}
		}
	}
	return float64(near) / float64(n), float64(luma(r, g, b))
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}

// cast is the CIELab equivalent-circle colour cast (徐晓昭 et al. 2008): D the distance of the mean
// chroma (a*, b*) from neutral, M the mean spread around it, K = D/M. meanA and meanB say which way.
type cast struct {
	k, d, m      float64
	meanA, meanB float64
}

// colourCast computes the cast on every second pixel of every second row (a quarter of the pixels is
// plenty for a mean and a mean deviation, and keeps the cube roots off the budget).
func colourCast(f *frame) cast {
	var as, bs []float64
	for y := 0; y < f.h; y += 2 {
		for x := 0; x < f.w; x += 2 {
			i := y*f.w + x
			a, b := labAB(f.r[i], f.g[i], f.b[i])
			as = append(as, a)
			bs = append(bs, b)
		}
	}
	var c cast
	c.meanA, c.meanB = mean(as), mean(bs)
	var ma, mb float64
	for i := range as {
		ma += math.Abs(as[i] - c.meanA)
		mb += math.Abs(bs[i] - c.meanB)
	}
	ma /= float64(len(as))
	mb /= float64(len(bs))
	c.d = math.Hypot(c.meanA, c.meanB)
	c.m = math.Hypot(ma, mb)
	if c.m > 1e-6 {
		c.k = c.d / c.m
	}
	return c
}

func mean(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(max(1, len(v)))
}

// srgbLinear maps an 8-bit sRGB value to linear light.
var srgbLinear = func() (t [256]float64) {
	for i := range t {
		c := float64(i) / 255
		if c <= 0.04045 {
			t[i] = c / 12.92
		} else {
			t[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return
}()

// labF is CIELab's f(t) tabulated on [0, 1.1] (t = Y/Yn never exceeds that for sRGB input).
const labSteps = 2048

var labF = func() (t [labSteps + 2]float64) {
	for i := range t {
		v := float64(i) / labSteps * 1.1
		if v > 216.0/24389 {
			t[i] = math.Cbrt(v)
		} else {
			t[i] = (24389.0/27*v + 16) / 116
		}
	}
	return
}()

func labf(v float64) float64 {
	p := min(max(v, 0), 1.1) / 1.1 * labSteps
	i := int(p)
	fr := p - float64(i)
	return labF[i]*(1-fr) + labF[i+1]*fr
}

// labAB converts sRGB (D65) to the a*, b* of CIELab.
func labAB(r, g, b float32) (float64, float64) {
	rl := srgbLinear[int(r+0.5)&255]
	gl := srgbLinear[int(g+0.5)&255]
	bl := srgbLinear[int(b+0.5)&255]
	x := (0.4124*rl + 0.3576*gl + 0.1805*bl) / 0.95047
	y := 0.2126*rl + 0.7152*gl + 0.0722*bl
	z := (0.0193*rl + 0.1192*gl + 0.9505*bl) / 1.08883
	fx, fy, fz := labf(x), labf(y), labf(z)
	return 500 * (fx - fy), 200 * (fy - fz)
}
