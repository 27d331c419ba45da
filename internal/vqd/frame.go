package vqd

import (
	"image"
	"image/color"
)

// AnalysisWidth is the size every frame is scaled to (the longer side) before the checks, so that one
// set of thresholds fits every camera resolution.
const AnalysisWidth = 320

// lumaSamples bounds the source pixels read per analysis pixel and axis for luma: a 1920×1080 frame
// is read on a 2×2 lattice inside each 6×6 box, which averages aliasing away while keeping the
// downscale near a millisecond. Chroma, smooth by nature and already averaged by the 4:2:0 encoder,
// takes one sample.
const (
	lumaSamples   = 2
	chromaSamples = 1
)

// frame is the analysis image: luma and RGB planes (0–255) at a fixed size.
type frame struct {
	w, h    int
	y       []float32
	r, g, b []float32
	buf     []float32 // the pooled backing of the planes
}

func newFrame(w, h int) *frame {
	n := w * h
	buf := getF32(4 * n)
	return &frame{w: w, h: h, y: buf[:n:n], r: buf[n : 2*n : 2*n], g: buf[2*n : 3*n : 3*n], b: buf[3*n:], buf: buf}
}

// release returns the planes to the pool; the frame must not be used after.
func (f *frame) release() {
	putF32(f.buf)
	*f = frame{}
}

// analysisSize keeps the aspect ratio, fits the longer side in AnalysisWidth and never upscales.
func analysisSize(w, h int) (int, int) {
	long := max(w, h)
	if long <= AnalysisWidth {
		return w, h
	}
	ow := max(1, (w*AnalysisWidth+long/2)/long)
	oh := max(1, (h*AnalysisWidth+long/2)/long)
	return ow, oh
}

// downscale box-averages img onto the analysis grid; nil for an empty image.
func downscale(img image.Image) *frame {
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 {
		return nil
	}
	ow, oh := analysisSize(b.Dx(), b.Dy())
	f := newFrame(ow, oh)
	switch m := img.(type) {
	case *image.YCbCr:
		downscaleYCbCr(m, f)
	case *image.RGBA:
		downscaleInterleaved(m.Pix, m.Stride, 4, b, m.Rect, f)
	case *image.NRGBA: // alpha ignored: cameras send opaque frames
		downscaleInterleaved(m.Pix, m.Stride, 4, b, m.Rect, f)
	case *image.Gray:
		boxPlane(m.Pix, m.Stride, 1, 0, b.Dx(), b.Dy(), ow, oh, lumaSamples, f.y)
		copy(f.r, f.y)
		copy(f.g, f.y)
		copy(f.b, f.y)
	default:
		downscaleGeneric(img, f)
	}
	return f
}

// span is, for each of n output cells over a source length src, the sample positions: first, step
// and count.
type span struct{ first, step, count []int }

func axis(src, n, maxSamples int) span {
	s := span{first: make([]int, n), step: make([]int, n), count: make([]int, n)}
	for i := range n {
		lo, hi := i*src/n, (i+1)*src/n
		if hi <= lo {
			hi = lo + 1
		}
		st := max(1, (hi-lo+maxSamples-1)/maxSamples)
		s.first[i], s.step[i] = min(lo+st/2, src-1), st
		s.count[i] = max(1, (hi-s.first[i]+st-1)/st)
		if s.first[i]+(s.count[i]-1)*st >= src {
			s.count[i] = (src-1-s.first[i])/st + 1
		}
	}
	return s
}

// boxPlane box-averages one channel (every pixStride-th byte from offset off) of a pw×ph plane onto
// ow×oh: each output pixel averages a lattice of at most samples×samples source pixels spread over
// its box.
func boxPlane(pix []uint8, rowStride, pixStride, off, pw, ph, ow, oh, samples int, out []float32) {
	xs, ys := axis(pw, ow, samples), axis(ph, oh, samples)
	acc := make([]int, ow)
	for oy := range oh {
		clear(acc)
		for k, y := 0, ys.first[oy]; k < ys.count[oy]; k, y = k+1, y+ys.step[oy] {
			row := pix[y*rowStride+off:]
			for ox := range ow {
				p := xs.first[ox] * pixStride
				switch xs.count[ox] {
				case 1:
					acc[ox] += int(row[p])
				case 2:
					acc[ox] += int(row[p]) + int(row[p+xs.step[ox]*pixStride])
				default:
					st, sum := xs.step[ox]*pixStride, 0
					for range xs.count[ox] {
						sum += int(row[p])
						p += st
					}
					acc[ox] += sum
				}
			}
		}
		for ox := range ow {
			out[oy*ow+ox] = float32(acc[ox]) / float32(ys.count[oy]*xs.count[ox])
		}
	}
}

func downscaleYCbCr(m *image.YCbCr, f *frame) {
	b := m.Rect
	yoff := m.YOffset(b.Min.X, b.Min.Y)
	boxPlane(m.Y[yoff:], m.YStride, 1, 0, b.Dx(), b.Dy(), f.w, f.h, lumaSamples, f.y)
	// The chroma planes have their own geometry; averaging is linear, so converting the averaged
	// Y'CbCr to RGB equals averaging the converted pixels.
	cw, ch := chromaSize(m.SubsampleRatio, b)
	coff := m.COffset(b.Min.X, b.Min.Y)
	n := f.w * f.h
	cb, cr := getF32(n), getF32(n)
	defer putF32(cb)
	defer putF32(cr)
	boxPlane(m.Cb[coff:], m.CStride, 1, 0, cw, ch, f.w, f.h, chromaSamples, cb)
	boxPlane(m.Cr[coff:], m.CStride, 1, 0, cw, ch, f.w, f.h, chromaSamples, cr)
	for i := range n {
		yy, u, v := f.y[i], cb[i]-128, cr[i]-128
		f.r[i] = clamp255(yy + 1.402*v)
		f.g[i] = clamp255(yy - 0.344136*u - 0.714136*v)
		f.b[i] = clamp255(yy + 1.772*u)
	}
}

// chromaSize is the size of the chroma planes for the rectangle b.
func chromaSize(r image.YCbCrSubsampleRatio, b image.Rectangle) (int, int) {
	x0, y0, x1, y1 := b.Min.X, b.Min.Y, b.Max.X, b.Max.Y
	switch r {
	case image.YCbCrSubsampleRatio422:
		return (x1+1)/2 - x0/2, y1 - y0
	case image.YCbCrSubsampleRatio420:
		return (x1+1)/2 - x0/2, (y1+1)/2 - y0/2
	case image.YCbCrSubsampleRatio440:
		return x1 - x0, (y1+1)/2 - y0/2
	case image.YCbCrSubsampleRatio411:
		return (x1+3)/4 - x0/4, y1 - y0
	case image.YCbCrSubsampleRatio410:
		return (x1+3)/4 - x0/4, (y1+1)/2 - y0/2
	}
	return x1 - x0, y1 - y0
}

func downscaleInterleaved(pix []uint8, stride, ps int, b, rect image.Rectangle, f *frame) {
	start := (b.Min.Y-rect.Min.Y)*stride + (b.Min.X-rect.Min.X)*ps
	boxPlane(pix[start:], stride, ps, 0, b.Dx(), b.Dy(), f.w, f.h, lumaSamples, f.r)
	boxPlane(pix[start:], stride, ps, 1, b.Dx(), b.Dy(), f.w, f.h, lumaSamples, f.g)
	boxPlane(pix[start:], stride, ps, 2, b.Dx(), b.Dy(), f.w, f.h, lumaSamples, f.b)
	for i := range f.y {
		f.y[i] = luma(f.r[i], f.g[i], f.b[i])
	}
}

// downscaleGeneric reads any image.Image through At (slow, for the odd formats only).
func downscaleGeneric(img image.Image, f *frame) {
	b := img.Bounds()
	xs, ys := axis(b.Dx(), f.w, lumaSamples), axis(b.Dy(), f.h, lumaSamples)
	for oy := range f.h {
		for ox := range f.w {
			var r, g, bl float32
			for ky := range ys.count[oy] {
				y := b.Min.Y + ys.first[oy] + ky*ys.step[oy]
				for kx := range xs.count[ox] {
					x := b.Min.X + xs.first[ox] + kx*xs.step[ox]
					c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
					r += float32(c.R)
					g += float32(c.G)
					bl += float32(c.B)
				}
			}
			n := float32(ys.count[oy] * xs.count[ox])
			i := oy*f.w + ox
			f.r[i], f.g[i], f.b[i] = r/n, g/n, bl/n
			f.y[i] = luma(f.r[i], f.g[i], f.b[i])
		}
	}
}

func luma(r, g, b float32) float32 { return 0.299*r + 0.587*g + 0.114*b }

func clamp255(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 255 {
		return 255
	}
	return v
}

// lumaSampler reads the luma of single source pixels at the camera's own resolution (for noise and
// freeze, which averaging would hide).
type lumaSampler struct {
	b  image.Rectangle
	at func(x, y int) float32
	// y8 and stride give direct access to an 8-bit luma plane (YCbCr, Gray), indexed from b.Min.
	y8     []uint8
	stride int
}

func newLumaSampler(img image.Image) lumaSampler {
	b := img.Bounds()
	s := lumaSampler{b: b}
	switch m := img.(type) {
	case *image.YCbCr:
		s.at = func(x, y int) float32 { return float32(m.Y[m.YOffset(x, y)]) }
		s.y8, s.stride = m.Y[m.YOffset(b.Min.X, b.Min.Y):], m.YStride
	case *image.Gray:
		s.at = func(x, y int) float32 { return float32(m.Pix[m.PixOffset(x, y)]) }
		s.y8, s.stride = m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], m.Stride
	case *image.RGBA:
		s.at = func(x, y int) float32 {
			p := m.Pix[m.PixOffset(x, y):]
			return luma(float32(p[0]), float32(p[1]), float32(p[2]))
		}
	case *image.NRGBA:
		s.at = func(x, y int) float32 {
			p := m.Pix[m.PixOffset(x, y):]
			return luma(float32(p[0]), float32(p[1]), float32(p[2]))
		}
	default:
		s.at = func(x, y int) float32 {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			return luma(float32(c.R), float32(c.G), float32(c.B))
		}
	}
	return s
}
