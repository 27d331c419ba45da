package scene

import (
	"io/fs"
	"testing"
	"testing/fstest"
	"time"

	"github.com/swanwatch/swanwatch/dashboards"
)

// FuzzLoad feeds arbitrary bytes as a scene file. Load must not
// panic, and whatever it accepts must hold what the evaluator and the page
// rely on: panels on the grid without overlap, a refresh of at least 1s,
// exactly one of query and source.
func FuzzLoad(f *testing.F) {
	names, _ := fs.Glob(dashboards.Screens, "screens/*.yaml")
	for _, n := range names {
		b, _ := fs.ReadFile(dashboards.Screens, n)
		f.Add(b)
	}
	f.Add([]byte(sceneTestYAML("    refresh: 0s\n", "")))
	f.Add([]byte("id: x\ntitle: y\npanels: [{id: a, title: b, type: kpi, grid: {x: 23, y: 11, w: 1, h: 1}, query: up}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		defs, err := Load(fstest.MapFS{"f.yaml": {Data: data}}, "*.yaml", nil)
		if err != nil {
			return
		}
		for _, d := range defs {
			var grid [GridRows][GridColumns]bool
			for _, p := range d.Panels {
				if p.Refresh < time.Second || (p.Query == "") == (p.Source == "") {
					t.Fatalf("accepted panel %+v", p)
				}
				g := p.Grid
				if g.X < 0 || g.Y < 0 || g.W < 1 || g.H < 1 || g.W > GridColumns-g.X || g.H > GridRows-g.Y {
					t.Fatalf("accepted grid %+v", g)
				}
				for y := g.Y; y < g.Y+g.H; y++ {
					for x := g.X; x < g.X+g.W; x++ {
						if grid[y][x] {
							t.Fatalf("accepted overlap at %d,%d", x, y)
						}
						grid[y][x] = true
					}
				}
			}
		}
	})
}
