package vqd

// blurScore is the no-reference perceptual blur of Crete et al. (2007, "The blur effect: perception
// and estimation with a new no-reference perceptual blur metric"): the frame is blurred again with a
// 1×9 box, and the share of neighbour-to-neighbour variation that the re-blur removes says how sharp it
// was. A sharp frame loses much of its variation (score near 0.2–0.3 on natural scenes); a blurred one
// has little left to lose (towards 1). It does not depend on brightness or contrast, unlike the
// Laplacian variance, whose scale changes with the scene (docs/vqd.md).
func blurScore(f *frame) float64 {
	const k = 9
	if f.w < 2*k || f.h < 2*k {
		return 0
	}
	bv := directional(f.y, f.w, f.h, 1, f.w, k) // vertical: neighbours along a column
	bh := directional(f.y, f.w, f.h, f.w, 1, k) // horizontal: neighbours along a row
	return max(bv, bh)
}

// directional computes Crete's b_F along one axis: along is the index stride between neighbours on
// a line, across the stride between lines.
func directional(y []float32, w, h, across, along, k int) float64 {
	// Lines run along the axis; for the vertical direction a line is a column.
	lines, length := w, h
	if along == 1 {
		lines, length = h, w
	}
	var sumF, sumV float64
	buf := make([]float32, length)
	for l := range lines {
		base := l * across
		// running 1×k box blur along the line
		var acc float32
		for i := range length {
			acc += y[base+i*along]
			if i >= k {
				acc -= y[base+(i-k)*along]
			}
			if i >= k-1 {
				buf[i-k/2] = acc / float32(k)
			}
		}
		for i := k; i < length-k; i++ {
			df := abs32(y[base+i*along] - y[base+(i-1)*along])
			db := abs32(buf[i] - buf[i-1])
			sumF += float64(df)
			if df > db {
				sumV += float64(df - db)
			}
		}
	}
	if sumF == 0 {
		return 1 // nothing varies: as blurred as it gets
	}
	return (sumF - sumV) / sumF
}

// lapVar is the variance of the 4-neighbour Laplacian at the analysis size (kept as a measure: it is
// the figure practice quotes, docs/vqd.md).
func lapVar(f *frame) float64 {
	if f.w < 3 || f.h < 3 {
		return 0
	}
	var s, s2 float64
	n := 0
	for y := 1; y < f.h-1; y++ {
		for x := 1; x < f.w-1; x++ {
			i := y*f.w + x
			l := float64(f.y[i-1] + f.y[i+1] + f.y[i-f.w] + f.y[i+f.w] - 4*f.y[i])
			s += l
			s2 += l * l
			n++
		}
	}
	m := s / float64(n)
	return s2/float64(n) - m*m
}
