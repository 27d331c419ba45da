package vqd

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"
)

// Synthetic pictures for the unit tests, built in Go: a park-like scene (sky gradient, a textured
// band of trees, water, a path, a trunk and posts) and the faults as plain pixel operations.

// scene draws a w×h day scene; seed varies the layout only slightly and the sensor noise fully.
func scene(w, h int, noiseSeed uint64) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	tex := rand.New(rand.NewPCG(42, 1)) // the same texture for every noise seed: one scene
	coarse := make([]float64, (w/8+2)*(h/8+2))
	for i := range coarse {
		coarse[i] = tex.Float64()*2 - 1
	}
	fine := make([]float64, w*h)
	for i := range fine {
		fine[i] = tex.Float64()*2 - 1
	}
	noise := rand.New(rand.NewPCG(noiseSeed, 9))
	cw := w/8 + 2
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			c := bilinear(coarse, cw, float64(x)/8, float64(y)/8)
			f := fine[y*w+x]
			var r, g, b float64
			tree := 0.3 + 0.05*math.Sin(fx*9) + 0.05*c
			switch {
			case fy < tree: // sky
				r, g, b = 120+70*fy/tree, 160+50*fy/tree, 215+25*fy/tree
			case fy < 0.45: // trees
				t := 40*c + 25*f
				r, g, b = 45+0.6*t, 80+t, 40+0.5*t
			case fy < 0.72: // water
				rip := 12 * math.Sin(float64(y)*0.6+6*c)
				r, g, b = 70+rip, 100+rip, 128+rip
			case fy < 0.8: // path
				r, g, b = 178+25*f, 162+25*f, 132+20*f
			default: // grass
				t := 35*c + 25*f
				r, g, b = 80+0.5*t, 128+t, 52+0.4*t
			}
			if math.Abs(fx-0.15) < 0.012 && fy > 0.5 || math.Mod(fx+0.3*math.Sin(fx*3), 0.11) < 0.006 && fy > 0.66 && fy < 0.72 {
				r, g, b = 70, 50, 35 // trunk and railing posts
			}
			n := noise.NormFloat64() * 2.5
			img.SetRGBA(x, y, color.RGBA{u8(r + n), u8(g + n), u8(b + n), 255})
		}
	}
	return img
}

func bilinear(v []float64, stride int, x, y float64) float64 {
	x0, y0 := int(x), int(y)
	ax, ay := x-float64(x0), y-float64(y0)
	at := func(i, j int) float64 { return v[j*stride+i] }
	return (1-ay)*((1-ax)*at(x0, y0)+ax*at(x0+1, y0)) + ay*((1-ax)*at(x0, y0+1)+ax*at(x0+1, y0+1))
}

func u8(v float64) uint8 { return uint8(math.Max(0, math.Min(255, math.Round(v)))) }

// mapRGB returns a copy with f applied to every pixel.
func mapRGB(src *image.RGBA, f func(x, y int, r, g, b float64) (float64, float64, float64)) *image.RGBA {
	out := image.NewRGBA(src.Rect)
	for y := src.Rect.Min.Y; y < src.Rect.Max.Y; y++ {
		for x := src.Rect.Min.X; x < src.Rect.Max.X; x++ {
			c := src.RGBAAt(x, y)
			r, g, b := f(x, y, float64(c.R), float64(c.G), float64(c.B))
			out.SetRGBA(x, y, color.RGBA{u8(r), u8(g), u8(b), 255})
		}
	}
	return out
}

func gain(src *image.RGBA, k, off float64) *image.RGBA {
	return mapRGB(src, func(_, _ int, r, g, b float64) (float64, float64, float64) {
		return r*k + off, g*k + off, b*k + off
	})
}

func fog(src *image.RGBA, c, to float64) *image.RGBA {
	return mapRGB(src, func(_, _ int, r, g, b float64) (float64, float64, float64) {
		return r*c + (1-c)*to, g*c + (1-c)*to, b*c + (1-c)*to
	})
}

func tint(src *image.RGBA, kr, kg, kb float64) *image.RGBA {
	return mapRGB(src, func(_, _ int, r, g, b float64) (float64, float64, float64) { return r * kr, g * kg, b * kb })
}

func grey(src *image.RGBA) *image.RGBA {
	return mapRGB(src, func(_, _ int, r, g, b float64) (float64, float64, float64) {
		y := 0.299*r + 0.587*g + 0.114*b
		return y, y, y
	})
}

func addNoise(src *image.RGBA, sigma float64, seed uint64) *image.RGBA {
	rn := rand.New(rand.NewPCG(seed, 3))
	return mapRGB(src, func(_, _ int, r, g, b float64) (float64, float64, float64) {
		n := rn.NormFloat64() * sigma
		return r + n, g + n, b + n
	})
}

func stripes(src *image.RGBA, amp, period float64) *image.RGBA {
	return mapRGB(src, func(x, y int, r, g, b float64) (float64, float64, float64) {
		s := amp * math.Sin(2*math.Pi*(float64(y)/period+0.3*float64(x)/float64(src.Rect.Dx())))
		return r + s, g + s, b + s
	})
}

func cover(src *image.RGBA, rect image.Rectangle, c color.RGBA) *image.RGBA {
	return mapRGB(src, func(x, y int, r, g, b float64) (float64, float64, float64) {
		if image.Pt(x, y).In(rect) {
			return float64(c.R), float64(c.G), float64(c.B)
		}
		return r, g, b
	})
}

// boxBlur blurs with a (2k+1)² box, k passes of it.
func boxBlur(src *image.RGBA, k, passes int) *image.RGBA {
	cur := src
	for range passes {
		next := image.NewRGBA(cur.Rect)
		w, h := cur.Rect.Dx(), cur.Rect.Dy()
		for y := range h {
			for x := range w {
				var s [3]int
				n := 0
				for dy := -k; dy <= k; dy++ {
					for dx := -k; dx <= k; dx++ {
						xx, yy := min(max(x+dx, 0), w-1), min(max(y+dy, 0), h-1)
						c := cur.RGBAAt(xx, yy)
						s[0] += int(c.R)
						s[1] += int(c.G)
						s[2] += int(c.B)
						n++
					}
				}
				next.SetRGBA(x, y, color.RGBA{uint8(s[0] / n), uint8(s[1] / n), uint8(s[2] / n), 255})
			}
		}
		cur = next
	}
	return cur
}

// shifted is the scene seen dx, dy pixels further on (edges repeated).
func shifted(src *image.RGBA, dx, dy int) *image.RGBA {
	out := image.NewRGBA(src.Rect)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := range h {
		for x := range w {
			out.SetRGBA(x, y, src.RGBAAt(min(max(x+dx, 0), w-1), min(max(y+dy, 0), h-1)))
		}
	}
	return out
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, 255
	}
	return img
}
