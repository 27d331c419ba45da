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
	return max(blurRows(f.y, f.w, f.h, k), blurCols(f.y, f.w, f.h, k))
}

// blurRows is Crete's b_F along the rows (horizontal neighbours).
func blurRows(y []float32, w, h, k int) float64 {
	var sumF, sumV float64
	buf := make([]float32, w)
	for r := 0; r < h; r += 2 { // every second row is plenty for a ratio of sums
		line := y[r*w : (r+1)*w]
		var acc float32
		for i, v := range line { // running 1×k box, centred
			acc += v
			if i >= k {
				acc -= line[i-k]
			}
			if i >= k-1 {
				buf[i-k/2] = acc / float32(k)
			}
		}
		for i := k; i < w-k; i++ {
			df := abs32(line[i] - line[i-1])
			db := abs32(buf[i] - buf[i-1])
			sumF += float64(df)
			if df > db {
				sumV += float64(df - db)
			}
		}
	}
	return creteRatio(sumF, sumV)
}

// blurCols is Crete's b_F along the columns (every second one), row by row so that memory is read
// in order: acc holds the running vertical box sums; cur and prev the box means of the current and
// previous centre rows.
func blurCols(y []float32, w, h, k int) float64 {
	var sumF, sumV float64
	n := (w + 1) / 2
	acc := make([]float32, n)
	cur, prev := make([]float32, n), make([]float32, n)
	for r := range h {
		row := y[r*w : (r+1)*w]
		for x := range n {
			acc[x] += row[2*x]
		}
		if r >= k {
			old := y[(r-k)*w : (r-k+1)*w]
			for x := range n {
				acc[x] -= old[2*x]
			}
		}
		if r < k-1 {
			continue
		}
		c := r - k/2 // the centre row of the window
		cur, prev = prev, cur
		for x := range n {
			cur[x] = acc[x] / float32(k)
		}
		if c < k || c >= h-k { // the same interior as along the rows
			continue
		}
		line, up := y[c*w:(c+1)*w], y[(c-1)*w:c*w]
		for x := range n {
			df := abs32(line[2*x] - up[2*x])
			db := abs32(cur[x] - prev[x])
			sumF += float64(df)
			if df > db {
				sumV += float64(df - db)
			}
		}
	}
	return creteRatio(sumF, sumV)
}

func creteRatio(sumF, sumV float64) float64 {
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
