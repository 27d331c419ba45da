package vqd

import "math"

// noiseSigma estimates the sensor noise (grey levels) at the camera's own resolution, where averaging
// has not hidden it yet. Immerkær's (1996) operator — the difference of two Laplacians,
// [1 −2 1; −2 4 −2; 1 −2 1], blind to planes and linear ramps — is applied to small patches spread
// over the frame; each patch's mean absolute response times √(π/2)/6 (Immerkær's estimator)
// estimates noise plus that patch's texture. Noise is the same everywhere and texture is not, so the
// low quartile of the patch estimates is the noise: the sky, the water and the paths set it, the
// trees do not.
func noiseSigma(s lumaSampler) float64 {
	const grid, side = 12, 12 // 144 patches of 12×12 pixels
	b := s.b
	if b.Dx() < side+2 || b.Dy() < side+2 {
		return 0
	}
	var est []float64
	const n = side + 2
	var patch [n * n]float32
	for gy := range grid {
		for gx := range grid {
			x0 := b.Min.X + gx*(b.Dx()-n)/(grid-1)
			y0 := b.Min.Y + gy*(b.Dy()-n)/(grid-1)
			for y := range n {
				if s.y8 != nil { // an 8-bit plane: read it directly
					line := s.y8[(y0+y-b.Min.Y)*s.stride+x0-b.Min.X:]
					for x := range n {
						patch[y*n+x] = float32(line[x])
					}
					continue
				}
				for x := range n {
					patch[y*n+x] = s.at(x0+x, y0+y)
				}
			}
			var sum float64
			for y := 1; y <= side; y++ {
				for x := 1; x <= side; x++ {
					i := y*n + x
					v := 4*patch[i] - 2*(patch[i-1]+patch[i+1]+patch[i-n]+patch[i+n]) +
						patch[i-n-1] + patch[i-n+1] + patch[i+n-1] + patch[i+n+1]
					sum += math.Abs(float64(v))
				}
			}
			est = append(est, sum/(side*side)*math.Sqrt(math.Pi/2)/6)
		}
	}
	return nth(est, len(est)/4)
}

// nth returns the k-th smallest value of v (reordering v): Hoare's quickselect.
func nth(v []float64, k int) float64 {
	lo, hi := 0, len(v)-1
	for lo < hi {
		p := v[(lo+hi)/2]
		i, j := lo, hi
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return v[k]
		}
	}
	return v[k]
}
