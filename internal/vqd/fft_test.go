package vqd

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// TestFFTMatchesDFT checks the radix-2 FFT and the two-rows-at-once real transform against a plain
// DFT.
func TestFFTMatchesDFT(t *testing.T) {
	const w, h = 16, 3
	r := rand.New(rand.NewPCG(1, 2))
	re := make([]float64, w*h)
	for i := range re {
		re[i] = r.Float64()*2 - 1
	}
	orig := append([]float64(nil), re...)
	im := make([]float64, w*h)
	rowPairs(newFFT(w), re, im, w, h)
	for y := range h {
		for k := range w {
			var want complex128
			for x := range w {
				want += complex(orig[y*w+x], 0) * cmplx.Exp(complex(0, -2*math.Pi*float64(k*x)/w))
			}
			got := complex(re[y*w+k], im[y*w+k])
			if cmplx.Abs(got-want) > 1e-9 {
				t.Fatalf("row %d bin %d: got %v, want %v", y, k, got, want)
			}
		}
	}
}
