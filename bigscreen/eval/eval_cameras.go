package eval

import (
	"context"
	"slices"
	"strings"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// defaultCameraTiles is how many thumbnails a camera wall shows when its
// scene gives no limit: a 4×3 mosaic stays readable across the room.
const defaultCameraTiles = 12

// cameras is a camera wall's data: the faulty and offline cameras first,
// because those are what the operator must look at, then the rest by name
// so that healthy tiles stay in place between refreshes.
func (r *evalRound) cameras(p *scene.Panel) (scene.CamerasData, error) {
	v, err := r.once("cameras", func(ctx context.Context) (any, error) {
		return r.e.opts.Cameras(ctx)
	})
	if err != nil {
		return scene.CamerasData{}, err
	}
	all := slices.Clone(v.([]scene.CameraTile)) // shared by the round: sort a copy
	out := scene.CamerasData{Total: len(all)}
	for _, t := range all {
		if t.State == "ok" || t.State == "warn" {
			out.Online++
		}
		if t.State == "warn" {
			out.Faulty++
		}
	}
	slices.SortStableFunc(all, compareTiles)
	limit := p.Limit
	if limit == 0 {
		limit = defaultCameraTiles
	}
	out.Tiles = all[:min(limit, len(all))]
	return out, nil
}

// tileRank orders states from the one to look at first.
var tileRank = map[string]int{"bad": 0, "warn": 1, "unknown": 2, "ok": 3}

func compareTiles(a, b scene.CameraTile) int {
	ra, oka := tileRank[a.State]
	rb, okb := tileRank[b.State]
	if !oka {
		ra = tileRank["unknown"]
	}
	if !okb {
		rb = tileRank["unknown"]
	}
	if ra != rb {
		return ra - rb
	}
	if ra < tileRank["unknown"] && !a.Since.Equal(b.Since) {
		return b.Since.Compare(a.Since) // the newest fault first
	}
	return strings.Compare(a.Title+a.Name, b.Title+b.Name)
}
