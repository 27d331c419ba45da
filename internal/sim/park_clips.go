package sim

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/swanwatch/swanwatch/internal/sim/rtspsrv"
)

// The park's camera clips, made once by testdata/swanlake/make-clips.sh and
// embedded so that `swanwatch demo` streams them from a binary alone. Each
// clip NAME.h264 has one JPEG per second, NAME-01.jpg onwards: the snapshot
// endpoint serves the one for the second the stream shows.
//
//go:embed testdata/swanlake/*.h264 testdata/swanlake/*.jpg
var parkClipFS embed.FS

const (
	parkClipDir = "testdata/swanlake"
	parkFPS     = 25
)

// parkClip is a loaded clip and its snapshots.
type parkClip struct {
	rtsp  *rtspsrv.Clip
	jpegs [][]byte // one per second of the clip
}

// snapshot returns the JPEG of picture i of the clip.
func (c *parkClip) snapshot(i int) []byte {
	k := i / c.rtsp.FPS
	if k >= len(c.jpegs) {
		k = len(c.jpegs) - 1
	}
	return c.jpegs[k]
}

// loadParkClips cuts every embedded clip once (18 clips, ~40 KB each: a few
// milliseconds) and pairs it with its snapshots.
func loadParkClips() (map[string]*parkClip, error) {
	names, err := fs.Glob(parkClipFS, parkClipDir+"/*.h264")
	if err != nil {
		return nil, err
	}
	out := make(map[string]*parkClip, len(names))
	for _, n := range names {
		b, err := parkClipFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		name := strings.TrimSuffix(path.Base(n), ".h264")
		c, err := rtspsrv.ParseClip(name, b, parkFPS)
		if err != nil {
			return nil, fmt.Errorf("park clip %s: %w", name, err)
		}
		pc := &parkClip{rtsp: c}
		jpegs, _ := fs.Glob(parkClipFS, parkClipDir+"/"+name+"-[0-9][0-9].jpg")
		sort.Strings(jpegs)
		for _, j := range jpegs {
			b, err := parkClipFS.ReadFile(j)
			if err != nil {
				return nil, err
			}
			pc.jpegs = append(pc.jpegs, b)
		}
		if len(pc.jpegs) == 0 {
			return nil, fmt.Errorf("park clip %s has no snapshots (%s-01.jpg…)", name, name)
		}
		out[name] = pc
	}
	return out, nil
}
