package camera

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/vqd"
)

// Where the wall's screens fetch a camera's pictures (with the screen's
// cookie, not an operator's login). The server's route table serves
// ServeThumb and ServeReference at these paths.
const (
	WallThumbPath     = "/wall/cameras/thumb"
	WallReferencePath = "/wall/cameras/reference"
)

// Tiles is the camera wall's feed: every camera a round has seen, drawn as
// the wall's tile, its site named as the inventory names it (siteOf maps a
// camera to its site; a camera it does not know has none).
func (c *Collector) Tiles(siteOf map[string]string) []scene.CameraTile {
	st := c.Status()
	out := make([]scene.CameraTile, 0, len(st))
	for _, cs := range st {
		out = append(out, Tile(cs, siteOf[cs.Camera]))
	}
	return out
}

// Tile draws one camera's status as the wall's tile: offline is bad, a
// picture fault warn; a moved camera (画面偏移) carries its 基准画面 beside
// the thumbnail. The thumbnail's address changes with each round, so a
// screen reloads it at most once a round.
func Tile(cs CameraStatus, site string) scene.CameraTile {
	q := url.Values{"camera": {cs.Camera}}.Encode()
	t := scene.CameraTile{Name: cs.Camera, Title: strings.TrimSpace(site + " " + cs.Camera), Site: site, State: "ok"}
	if cs.ThumbAge != nil {
		t.Thumb = WallThumbPath + "?" + q + "&v=" + strconv.FormatInt(cs.LastRound.Unix(), 10)
	}
	switch {
	case !cs.Online:
		t.State, t.Faults = "bad", []string{"离线"}
	case len(cs.Faults) > 0:
		t.State = "warn"
	}
	for _, f := range cs.Faults {
		t.Faults = append(t.Faults, f.Name)
		if f.ID == vqd.SceneChange {
			t.Reference = WallReferencePath + "?" + q
		}
	}
	return t
}
