package vqd

import "math"

// stripeScore finds periodic interference (条纹干扰: rolling bars, herringbone, slanted lines): a pure
// tone in the picture is a sharp pair of peaks in its 2-D spectrum, where a natural scene's spectrum
// falls off smoothly with frequency. The score is the largest ratio of a peak's energy (3×3 bins) to
// the mean energy around it (the 9×9 ring outside that), over frequencies above the scene's low band.
// A Hann window keeps the frame's borders from drawing lines on the axes.
func stripeScore(f *frame) float64 {
	w, h := pow2Below(f.w), pow2Below(f.h)
	w, h = min(w, 256), min(h, 256)
	if w < 32 || h < 32 {
		return 0
	}
	x0, y0 := (f.w-w)/2, (f.h-h)/2
	re := make([]float64, w*h)
	im := make([]float64, w*h)
	var m float64
	for y := range h {
		for x := range w {
			m += float64(f.y[(y0+y)*f.w+x0+x])
		}
	}
	m /= float64(w * h)
	wx, wy := hann(w), hann(h)
	for y := range h {
		for x := range w {
			re[y*w+x] = (float64(f.y[(y0+y)*f.w+x0+x]) - m) * wx[x] * wy[y]
		}
	}
	fw, fh := newFFT(w), newFFT(h)
	for y := range h {
		fw.transform(re[y*w:(y+1)*w], im[y*w:(y+1)*w])
	}
	colRe, colIm := make([]float64, h), make([]float64, h)
	p := make([]float64, w*h) // power, only the half-plane u in [0, w/2] is needed
	for x := 0; x <= w/2; x++ {
		for y := range h {
			colRe[y], colIm[y] = re[y*w+x], im[y*w+x]
		}
		fh.transform(colRe, colIm)
		for y := range h {
			p[y*w+x] = colRe[y]*colRe[y] + colIm[y]*colIm[y]
		}
	}
	return peakProminence(p, w, h)
}

// peakProminence scans the half-plane spectrum (u ≥ 0, v signed) outside a low-frequency disc of
// radius min(w,h)/16.
func peakProminence(p []float64, w, h int) float64 {
	at := func(u, v int) float64 { // u may be negative: the spectrum of a real image is symmetric
		if u < 0 {
			u, v = -u, -v
		}
		v = ((v % h) + h) % h
		if u > w/2 {
			return 0
		}
		return p[v*w+u]
	}
	r0 := float64(min(w, h)) / 16
	best := 0.0
	for v := -h/2 + 5; v < h/2-5; v++ {
		for u := 0; u < w/2-5; u++ {
			// normalised radius: frequencies on both axes in cycles per analysis pixel
			fu, fv := float64(u)*float64(min(w, h))/float64(w), float64(v)*float64(min(w, h))/float64(h)
			if math.Hypot(fu, fv) < r0 {
				continue
			}
			var peak, ring float64
			for dv := -4; dv <= 4; dv++ {
				for du := -4; du <= 4; du++ {
					e := at(u+du, v+dv)
					if du >= -1 && du <= 1 && dv >= -1 && dv <= 1 {
						peak += e
					} else {
						ring += e
					}
				}
			}
			ring /= 72
			if ring > 0 {
				best = max(best, peak/9/ring)
			}
		}
	}
	return best
}

func hann(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 0.5 - 0.5*math.Cos(2*math.Pi*(float64(i)+0.5)/float64(n))
	}
	return out
}

func pow2Below(n int) int {
	p := 1
	for p*2 <= n {
		p *= 2
	}
	return p
}
