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
	re, im := getF64(w*h), getF64(w*h)
	defer putF64(re)
	defer putF64(im)
	var m float64
	for y := range h {
		for x := range w {
			m += float64(f.y[(y0+y)*f.w+x0+x])
		}
	}
	m /= float64(w * h)
	fw, fh := fftOf(w), fftOf(h)
	wx, wy := fw.hann, fh.hann
	for y := range h {
		for x := range w {
			re[y*w+x] = (float64(f.y[(y0+y)*f.w+x0+x]) - m) * wx[x] * wy[y]
		}
	}
	rowPairs(fw, re, im, w, h)
	colRe, colIm := make([]float64, h), make([]float64, h)
	// The power spectrum, shifted so that frequency (0, 0) sits at (w/2, h/2).
	p := getF64(w * h)
	defer putF64(p)
	for x := 0; x <= w/2; x++ { // a real picture's spectrum is symmetric: P(−u,−v) = P(u,v)
		for y := range h {
			colRe[y], colIm[y] = re[y*w+x], im[y*w+x]
		}
		fh.transform(colRe, colIm)
		for y := range h {
			e := colRe[y]*colRe[y] + colIm[y]*colIm[y]
			p[((y+h/2)%h)*w+(x+w/2)%w] = e
			mx, my := (w-x)%w, (h-y)%h
			p[((my+h/2)%h)*w+(mx+w/2)%w] = e
		}
	}
	return peakProminence(p, w, h)
}

// rowPairs transforms the real rows of re in place (into re, im), two rows per complex FFT: with
// z = a + i·b, A[k] = (Z[k] + conj Z[−k])/2 and B[k] = (Z[k] − conj Z[−k])/(2i).
func rowPairs(f *fft, re, im []float64, w, h int) {
	zr, zi := make([]float64, w), make([]float64, w)
	for y := 0; y+1 < h; y += 2 {
		a, b := re[y*w:(y+1)*w], re[(y+1)*w:(y+2)*w]
		copy(zr, a)
		copy(zi, b)
		f.transform(zr, zi)
		ai, bi := im[y*w:(y+1)*w], im[(y+1)*w:(y+2)*w]
		for k := range w {
			m := (w - k) % w
			a[k], ai[k] = (zr[k]+zr[m])/2, (zi[k]-zi[m])/2
			b[k], bi[k] = (zi[k]+zi[m])/2, (zr[m]-zr[k])/2
		}
	}
	if h%2 == 1 {
		f.transform(re[(h-1)*w:], im[(h-1)*w:])
	}
}

// peakProminence scans the shifted spectrum outside a low-frequency disc of radius min(w,h)/16 and
// 4 bins in from the edges, with a summed-area table so each peak costs a few lookups.
func peakProminence(p []float64, w, h int) float64 {
	sat := getF64((w + 1) * (h + 1)) // sat[y*(w+1)+x] = sum of p over [0,x)×[0,y)
	defer putF64(sat)
	for y := range h {
		row := 0.0
		for x := range w {
			row += p[y*w+x]
			sat[(y+1)*(w+1)+x+1] = sat[y*(w+1)+x+1] + row
		}
	}
	box := func(x0, y0, x1, y1 int) float64 { // sum over [x0,x1)×[y0,y1)
		return sat[y1*(w+1)+x1] - sat[y0*(w+1)+x1] - sat[y1*(w+1)+x0] + sat[y0*(w+1)+x0]
	}
	r0 := float64(min(w, h)) / 16
	cx, cy := w/2, h/2
	best := 0.0
	for y := 4; y < h-4; y++ {
		// the spectrum of a real picture is symmetric: half of it is enough
		for x := cx; x < w-4; x++ {
			fu := float64(x-cx) * float64(min(w, h)) / float64(w)
			fv := float64(y-cy) * float64(min(w, h)) / float64(h)
			if fu*fu+fv*fv < r0*r0 {
				continue
			}
			peak := box(x-1, y-1, x+2, y+2)
			ring := (box(x-4, y-4, x+5, y+5) - peak) / 72
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
