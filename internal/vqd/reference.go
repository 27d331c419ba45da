package vqd

import (
	"image"
	"math"
)

// cellSide is the side of the cells of the structure map the scene check compares (40×22 cells on a
// 320×180 frame).
const cellSide = 8

// Reference is an operator-confirmed reference snapshot (基准画面) with its features precomputed, so
// that each diagnosis compares against it cheaply. Keep one per camera and profile (day, night) and
// per PTZ preset; a Reference is read-only and safe to share between goroutines.
type Reference struct {
	w, h         int
	brightness   float64
	noise        float64
	castA, castB float64
	blocks       blocks
	structure    structure
	energy       float64
}

// NewReference precomputes the features of a reference snapshot. It returns nil for a nil or empty
// image (Analyze then treats it as no reference).
func NewReference(img image.Image) *Reference {
	if img == nil {
		return nil
	}
	f := downscale(img)
	if f == nil {
		return nil
	}
	defer f.release()
	r := newReference(f)
	if f.w >= minDetail && f.h >= minDetail {
		r.noise = noiseSigma(newLumaSampler(img))
	}
	return r
}

func newReference(f *frame) *Reference {
	gx, gy := gradients(f)
	defer putF32(gx)
	defer putF32(gy)
	st := globalStats(f, 0)
	c := colourCast(f)
	return &Reference{
		w: f.w, h: f.h,
		brightness: st.mean,
		castA:      c.meanA, castB: c.meanB,
		blocks:    blockStats(f),
		structure: structureMap(gx, gy, f.w, f.h),
		energy:    gradientEnergy(gx, gy, f),
	}
}

// gradients are the Sobel derivatives of the analysis luma (zero on the border).
func gradients(f *frame) (gx, gy []float32) {
	w, h := f.w, f.h
	gx, gy = getF32(w*h), getF32(w*h)
	for y := 1; y < h-1; y++ {
		for x := 1; x < w-1; x++ {
			i := y*w + x
			p := f.y
			gx[i] = (p[i-w+1] + 2*p[i+1] + p[i+w+1]) - (p[i-w-1] + 2*p[i-1] + p[i+w-1])
			gy[i] = (p[i+w-1] + 2*p[i+w] + p[i+w+1]) - (p[i-w-1] + 2*p[i-w] + p[i-w+1])
		}
	}
	return gx, gy
}

// gradientEnergy is the mean gradient magnitude over the luma standard deviation: how much fine
// detail there is for the amount of contrast, which a defocus lowers and a change of light does not.
func gradientEnergy(gx, gy []float32, f *frame) float64 {
	var s, m, m2 float64
	for i := range gx {
		s += math.Sqrt(float64(gx[i]*gx[i] + gy[i]*gy[i]))
		v := float64(f.y[i])
		m += v
		m2 += v * v
	}
	n := float64(len(gx))
	m /= n
	sd := math.Sqrt(max(0, m2/n-m*m))
	if sd < 1 {
		return 0
	}
	return s / n / sd
}

// structure is, per cell, the dominant edge orientation as a doubled-angle vector weighted by how
// strongly and consistently the cell's edges point that way (the structure tensor: Jxx−Jyy, 2Jxy).
type structure struct {
	nx, ny int
	ox, oy []float64
}

func structureMap(gx, gy []float32, w, h int) structure {
	s := structure{nx: w / cellSide, ny: h / cellSide}
	n := s.nx * s.ny
	s.ox, s.oy = make([]float64, n), make([]float64, n)
	for cy := range s.ny {
		for cx := range s.nx {
			var jxx, jyy, jxy float64
			for y := cy * cellSide; y < (cy+1)*cellSide; y++ {
				for x := cx * cellSide; x < (cx+1)*cellSide; x++ {
					a, b := float64(gx[y*w+x]), float64(gy[y*w+x])
					jxx += a * a
					jyy += b * b
					jxy += a * b
				}
			}
			i := cy*s.nx + cx
			s.ox[i], s.oy[i] = jxx-jyy, 2*jxy
		}
	}
	return s
}

// similarity compares two structure maps: the correlation of the orientation fields, each cell's
// vector normalised by the root of its own energy so that a few strong edges do not drown the rest.
// Lighting and contrast scale out; a turned camera moves every edge to other cells.
func (s structure) similarity(o structure) float64 { return s.similarityOutside(o, nil) }

// similarityOutside is similarity over the cells whose centre skip does not claim (nil: all).
func (s structure) similarityOutside(o structure, skip func(x, y int) bool) float64 {
	if s.nx != o.nx || s.ny != o.ny || len(s.ox) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range s.ox {
		if skip != nil && skip(i%s.nx*cellSide+cellSide/2, i/s.nx*cellSide+cellSide/2) {
			continue
		}
		ax, ay := s.ox[i], s.oy[i]
		bx, by := o.ox[i], o.oy[i]
		ra := math.Sqrt(math.Hypot(ax, ay)) + 1e-9
		rb := math.Sqrt(math.Hypot(bx, by)) + 1e-9
		ax, ay, bx, by = ax/ra, ay/ra, bx/rb, by/rb
		dot += ax*bx + ay*by
		na += ax*ax + ay*ay
		nb += bx*bx + by*by
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

func ncc(a, b []float64) float64 {
	ma, mb := mean(a), mean(b)
	var sab, saa, sbb float64
	for i := range a {
		x, y := a[i]-ma, b[i]-mb
		sab += x * y
		saa += x * x
		sbb += y * y
	}
	if saa == 0 || sbb == 0 {
		return 0
	}
	return sab / math.Sqrt(saa*sbb)
}
