package vqd

import "math"

// blockSide is the side of the analysis blocks occlusion is judged on (32×18 blocks on 320×180).
const blockSide = 10

// blocks are per-block luma means and standard deviations, and the noise of the analysis image.
type blocks struct {
	nx, ny    int
	mean, std []float32
	// noise is the sensor noise sigma at the analysis size, from Immerkær's operator averaged per
	// block and taken at the low quartile of the blocks (the smooth ones): what is left of the
	// camera's noise after the downscale, which depends on how much the downscale averaged.
	noise float64
}

func blockStats(f *frame) blocks {
	b := blocks{nx: f.w / blockSide, ny: f.h / blockSide}
	n := b.nx * b.ny
	b.mean, b.std = make([]float32, n), make([]float32, n)
	fine := make([]float64, n)
	w := f.w
	for by := range b.ny {
		for bx := range b.nx {
			var s, s2, l float64
			nl := 0
			for y := by * blockSide; y < (by+1)*blockSide; y++ {
				row := f.y[y*w+bx*blockSide : y*w+(bx+1)*blockSide]
				for _, v := range row {
					s += float64(v)
					s2 += float64(v) * float64(v)
				}
				if y == 0 || y == f.h-1 {
					continue
				}
				for x := max(1, bx*blockSide); x < min(w-1, (bx+1)*blockSide); x++ {
					i := y*w + x
					p := f.y
					v := 4*p[i] - 2*(p[i-1]+p[i+1]+p[i-w]+p[i+w]) + p[i-w-1] + p[i-w+1] + p[i+w-1] + p[i+w+1]
					l += math.Abs(float64(v))
					nl++
				}
			}
			const k = blockSide * blockSide
			m := s / k
			i := by*b.nx + bx
			b.mean[i] = float32(m)
			b.std[i] = float32(math.Sqrt(max(0, s2/k-m*m)))
			if nl > 0 {
				fine[i] = l / float64(nl)
			}
		}
	}
	if n > 0 {
		b.noise = nth(fine, n/4) * math.Sqrt(math.Pi/2) / 6
	}
	return b
}

// flat is the block standard deviation below which a block of these blocks is flat: a covered lens
// still shows the sensor's noise.
func (b *blocks) flat() float32 { return float32(1.5 + 2.5*b.noise) }

// occlusion is the largest covered region and the brightness of the blocks outside it.
type occlusion struct {
	region      []bool // the covered blocks of the region, nx×ny
	nx          int
	share       float64 // of the frame, 0–1
	restBlocks  int     // blocks outside the region
	restMean    float64 // their mean luma
	restRefMean float64 // the same blocks' mean in the reference, 0 without one
}

// occlusionOf finds the largest 4-connected region of covered blocks.
//
// Without a reference a covered block is flat (std below blocks.flat) and dark (mean below dark): the share
// is the region's part of the frame.
//
// With a reference, a block is covered when it is flat now and either was textured in the reference
// and its brightness moved by more than 20 grey levels, or it turned dark; a blur (flat, same
// brightness) never counts. A block that was dark in the reference (night sky, water at night) cannot
// show a dark cover at all: the region may run through such blocks, and the share is the covered
// blocks of the region over the blocks that can show a cover.
func occlusionOf(cur blocks, ref *blocks, dark float32) occlusion {
	n := cur.nx * cur.ny
	if n == 0 {
		return occlusion{}
	}
	if ref != nil && (ref.nx != cur.nx || ref.ny != cur.ny) {
		ref = nil
	}
	covered := make([]bool, n)
	blind := make([]bool, n) // cannot show a cover: dark in the reference
	flat := cur.flat()
	var refFlat float32
	if ref != nil {
		refFlat = ref.flat()
	}
	for i := range n {
		isFlat, isDark := cur.std[i] < flat, cur.mean[i] < dark
		if ref == nil {
			covered[i] = isFlat && isDark
			continue
		}
		moved := abs32(cur.mean[i]-ref.mean[i]) > 20
		wasFlat, wasDark := ref.std[i] < refFlat, ref.mean[i] < dark
		covered[i] = isFlat && ((moved && !wasFlat) || (isDark && !wasDark))
		blind[i] = wasDark && !covered[i]
	}
	region := largestRegion(covered, blind, cur.nx, cur.ny)
	visible := n - countTrue(blind)
	if visible == 0 {
		return occlusion{nx: cur.nx, region: region}
	}
	o := occlusion{region: region, nx: cur.nx, share: float64(countTrue(region)) / float64(visible)}
	var sum, refSum float64
	for i := range n {
		if region[i] || blind[i] {
			continue
		}
		o.restBlocks++
		sum += float64(cur.mean[i])
		if ref != nil {
			refSum += float64(ref.mean[i])
		}
	}
	if o.restBlocks > 0 {
		o.restMean = sum / float64(o.restBlocks)
		o.restRefMean = refSum / float64(o.restBlocks)
	}
	return o
}

func countTrue(v []bool) int {
	n := 0
	for _, b := range v {
		if b {
			n++
		}
	}
	return n
}

// largestRegion marks the cells of the 4-connected region, grown from cells and through pass cells,
// that holds the most true cells; only its true cells are marked.
func largestRegion(cells, pass []bool, nx, ny int) []bool {
	label := make([]int, len(cells)) // 0 unvisited, else region number
	stack := make([]int, 0, 64)
	best, bestSize, next := 0, 0, 0
	for start, c := range cells {
		if !c || label[start] != 0 {
			continue
		}
		next++
		size := 0
		label[start] = next
		stack = append(stack[:0], start)
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if cells[i] {
				size++
			}
			x := i % nx
			for _, j := range [4]int{i - 1, i + 1, i - nx, i + nx} {
				if (j == i-1 && x == 0) || (j == i+1 && x == nx-1) || j < 0 || j >= nx*ny {
					continue
				}
				if (cells[j] || pass[j]) && label[j] == 0 {
					label[j] = next
					stack = append(stack, j)
				}
			}
		}
		if size > bestSize {
			best, bestSize = next, size
		}
	}
	out := make([]bool, len(cells))
	for i, l := range label {
		out[i] = best != 0 && l == best && cells[i]
	}
	return out
}

// covers says whether the analysis pixel (x, y) lies in a covered block.
func (o occlusion) covers(x, y int) bool {
	if o.nx == 0 {
		return false
	}
	bx, by := x/blockSide, y/blockSide
	i := by*o.nx + bx
	return bx < o.nx && i < len(o.region) && o.region[i]
}
