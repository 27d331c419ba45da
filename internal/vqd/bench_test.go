package vqd

import (
	"image"
	"image/color"
	"math/rand/v2"
	"testing"
)

// benchFrame is a 1920×1080 4:2:0 frame of textured noise (what a JPEG snapshot decodes to).
func benchFrame(seed uint64) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, 1920, 1080), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(seed, 7))
	for y := range 1080 {
		for x := range 1920 {
			img.Y[y*img.YStride+x] = uint8(96 + (x/40+y/30)%2*64 + r.IntN(16))
		}
	}
	for i := range img.Cb {
		img.Cb[i] = uint8(120 + r.IntN(16))
		img.Cr[i] = uint8(120 + r.IntN(16))
	}
	return img
}

// BenchmarkAnalyze is the per-frame cost of a full diagnosis (previous frame and reference given) of
// a 1920×1080 frame: the budget is 5 ms (500 cameras every 5 minutes on a fraction of one core).
func BenchmarkAnalyze(b *testing.B) {
	cur, prev := benchFrame(1), benchFrame(2)
	ref := NewReference(benchFrame(3))
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		Analyze(Input{Frame: cur, Previous: prev, Reference: ref}, cfg)
	}
}

// BenchmarkAnalyzeRGBA is the same on an RGBA frame (a PNG or a converted decoder output).
func BenchmarkAnalyzeRGBA(b *testing.B) {
	img := image.NewRGBA(image.Rect(0, 0, 1920, 1080))
	for y := range 1080 {
		for x := range 1920 {
			v := uint8(96 + (x/40+y/30)%2*64)
			img.SetRGBA(x, y, color.RGBA{v, v, v / 2, 255})
		}
	}
	cfg := DefaultConfig()
	b.ReportAllocs()
	for b.Loop() {
		Analyze(Input{Frame: img}, cfg)
	}
}
