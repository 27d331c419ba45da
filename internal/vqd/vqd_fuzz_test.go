package vqd

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// FuzzAnalyze feeds Analyze frames decoded from arbitrary JPEG bytes, or built from the bytes when
// they are no JPEG, with and without a previous frame and a reference. Analyze must never panic and
// every measure must be a finite number (they become Prometheus samples).
func FuzzAnalyze(f *testing.F) {
	var buf bytes.Buffer
	_ = jpeg.Encode(&buf, scene(48, 32, 1), nil)
	f.Add(buf.Bytes())
	buf.Reset()
	_ = jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 1, 1)), nil)
	f.Add(buf.Bytes())
	f.Add([]byte{0, 0})
	f.Add([]byte{63, 1, 255, 0, 255, 0, 10, 200})
	f.Add(bytes.Repeat([]byte{7, 200, 3}, 700))
	cfg := DefaultConfig()
	f.Fuzz(func(t *testing.T, data []byte) {
		img := fromBytes(data)
		if img == nil {
			return
		}
		prev := fromBytes(append([]byte{data[len(data)-1]}, data...))
		ref := NewReference(prev)
		for _, in := range []Input{
			{Frame: img},
			{Frame: img, Previous: prev, Reference: ref, Mode: ModeNight},
			{Frame: img, Previous: img, Reference: NewReference(img), Mode: ModeDay},
		} {
			checkFinite(t, "fuzz", Analyze(in, cfg))
		}
	})
}

// fromBytes decodes data as a JPEG, or else reads it as a small picture: width and height from the
// first two bytes, the kind from the third, pixels from the rest.
func fromBytes(data []byte) image.Image {
	if c, err := jpeg.DecodeConfig(bytes.NewReader(data)); err == nil {
		if c.Width*c.Height > 1<<20 {
			return nil // a header may claim a huge size; decoding that is jpeg's business, not ours
		}
		if img, err := jpeg.Decode(bytes.NewReader(data)); err == nil {
			return img
		}
	}
	if len(data) < 3 {
		return nil
	}
	w, h := 1+int(data[0])%97, 1+int(data[1])%61
	px := data[3:]
	at := func(i int) uint8 {
		if len(px) == 0 {
			return 0
		}
		return px[i%len(px)]
	}
	r := image.Rect(0, 0, w, h)
	switch data[2] % 4 {
	case 0:
		img := image.NewRGBA(r)
		for i := range img.Pix {
			img.Pix[i] = at(i)
		}
		return img
	case 1:
		img := image.NewGray(r)
		for i := range img.Pix {
			img.Pix[i] = at(i)
		}
		return img
	case 2:
		img := image.NewYCbCr(r, image.YCbCrSubsampleRatio420)
		for i := range img.Y {
			img.Y[i] = at(i)
		}
		for i := range img.Cb {
			img.Cb[i], img.Cr[i] = at(i+7), at(i+13)
		}
		return img
	default:
		img := image.NewPaletted(r, color.Palette{color.Black, color.White, color.RGBA{0, 0, 255, 255}})
		for i := range img.Pix {
			img.Pix[i] = at(i) % 3
		}
		return img
	}
}

// FuzzOverride: per-camera overrides come from the inventory; any key and value must give a config
// or a clear error, never a panic, and an accepted value is a finite number ≥ 0.
func FuzzOverride(f *testing.F) {
	f.Add("day.blur", "0.3")
	f.Add("night.too_dark", "12")
	f.Add("vqd.noise", "1e3")
	f.Add("dusk.blur", "x")
	f.Add("...", "-0")
	f.Fuzz(func(t *testing.T, k, v string) {
		c, err := DefaultConfig().Override(map[string]string{k: v})
		if err != nil {
			if err.Error() == "" {
				t.Error("empty error")
			}
			return
		}
		for _, p := range []Thresholds{c.Day, c.Night} {
			for name, x := range p.keys() {
				if *x < 0 || *x != *x {
					t.Errorf("%s=%q left %s = %v", k, v, name, *x)
				}
			}
		}
	})
}
