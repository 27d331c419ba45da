package vqd

import (
	"math"
	"math/bits"
	"sync"
)

// fft is an in-place radix-2 complex FFT of a power-of-two length (the stripe check needs only
// this; pulling in gonum for it is not worth a dependency).
type fft struct {
	n    int
	cos  []float64
	sin  []float64
	rev  []int
	hann []float64 // the Hann window of length n
}

// plans caches the FFT tables and Hann windows per length (the analysis size fixes a handful).
var plans sync.Map // int -> *fft

// fftOf returns the cached plan for length n (a power of two).
func fftOf(n int) *fft {
	if p, ok := plans.Load(n); ok {
		return p.(*fft)
	}
	p, _ := plans.LoadOrStore(n, newFFT(n))
	return p.(*fft)
}

func newFFT(n int) *fft {
	f := &fft{n: n, cos: make([]float64, n/2), sin: make([]float64, n/2), rev: make([]int, n)}
	for i := range n / 2 {
		a := -2 * math.Pi * float64(i) / float64(n)
		f.cos[i], f.sin[i] = math.Cos(a), math.Sin(a)
	}
	f.hann = hann(n)
	shift := bits.UintSize - bits.Len(uint(n-1))
	for i := range n {
		f.rev[i] = int(bits.Reverse(uint(i)) >> shift)
	}
	return f
}

// transform re and im (length n) in place.
func (f *fft) transform(re, im []float64) {
	n := f.n
	for i, j := range f.rev {
		if i < j {
			re[i], re[j] = re[j], re[i]
			im[i], im[j] = im[j], im[i]
		}
	}
	for size := 2; size <= n; size <<= 1 {
		half, step := size/2, n/size
		for start := 0; start < n; start += size {
			for k := range half {
				c, s := f.cos[k*step], f.sin[k*step]
				a, b := start+k, start+k+half
				tr := re[b]*c - im[b]*s
				ti := re[b]*s + im[b]*c
				re[b], im[b] = re[a]-tr, im[a]-ti
				re[a] += tr
				im[a] += ti
			}
		}
	}
}
