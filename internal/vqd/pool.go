package vqd

import "sync"

// Scratch buffers are pooled: a diagnosis needs a few megabytes of planes and spectra, and 500
// cameras every few minutes should not keep the garbage collector busy with them.
var (
	f32Pool sync.Pool // *[]float32
	f64Pool sync.Pool // *[]float64
)

// getF32 returns a zeroed slice of length n from the pool.
func getF32(n int) []float32 {
	if p, ok := f32Pool.Get().(*[]float32); ok && cap(*p) >= n {
		s := (*p)[:n]
		clear(s)
		return s
	}
	return make([]float32, n)
}

func putF32(s []float32) {
	if cap(s) > 0 {
		f32Pool.Put(&s)
	}
}

// getF64 returns a zeroed slice of length n from the pool.
func getF64(n int) []float64 {
	if p, ok := f64Pool.Get().(*[]float64); ok && cap(*p) >= n {
		s := (*p)[:n]
		clear(s)
		return s
	}
	return make([]float64, n)
}

func putF64(s []float64) {
	if cap(s) > 0 {
		f64Pool.Put(&s)
	}
}
