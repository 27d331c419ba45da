package sim

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// A real camera burns its clock into the picture (the OSD), so two pictures
// of a quiet scene minutes apart are never the same bytes. The clips loop
// every few seconds: without the clock, snapshots a whole number of loops
// apart (a round of 60 s, a diagnosis every 5 minutes) would be identical
// and every camera would look frozen. A frozen camera's encoder repeats its
// last picture, clock included, so its clock stops.

// osdFrames keeps each clip picture decoded once.
type osdFrames struct {
	mu      sync.Mutex
	decoded map[*byte]image.Image // by the JPEG's first byte's address: one entry per picture
}

var osdCache = osdFrames{decoded: map[*byte]image.Image{}}

func (o *osdFrames) image(jpg []byte) (image.Image, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if im := o.decoded[&jpg[0]]; im != nil {
		return im, nil
	}
	im, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		return nil, err
	}
	o.decoded[&jpg[0]] = im
	return im, nil
}

// withClock returns the picture with at written at its top left as a camera
// writes it (white, with a dark shadow to read on snow and sky).
func withClock(jpg []byte, at time.Time) ([]byte, error) {
	src, err := osdCache.image(jpg)
	if err != nil {
		return nil, err
	}
	b := src.Bounds()
	dst := image.NewRGBA(b)
	draw.Draw(dst, b, src, b.Min, draw.Src)
	sensorNoise(dst, at.Unix())
	text := at.In(cst.Location).Format("2006-01-02 15:04:05")
	for _, l := range []struct {
		dx, dy int
		c      color.Color
	}{{1, 1, color.Black}, {0, 0, color.White}} {
		d := font.Drawer{Dst: dst, Src: image.NewUniform(l.c), Face: basicfont.Face7x13,
			Dot: fixed.P(b.Min.X+4+l.dx, b.Min.Y+14+l.dy)}
		d.DrawString(text)
	}
	var out bytes.Buffer
	// Near-lossless: encoding the clip's JPEG again at a usual 85–90 adds
	// block artefacts that the noise check reads as 雪花噪声 (+1.2 grey levels).
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 97}); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// sensorNoise adds what a real sensor adds to every picture: a little
// noise (±2 grey levels, the same on the three channels), different each
// second. The clips loop every four seconds; without it two snapshots a
// whole loop apart differ only by the clock, and the freeze check, which
// looks for a repeated picture, would call a live camera 画面冻结. It is far
// below the noise the 雪花噪声 check looks for.
func sensorNoise(img *image.RGBA, seed int64) {
	x := uint64(seed)*0x9e3779b97f4a7c15 | 1
	for i := 0; i+3 < len(img.Pix); i += 4 {
		x ^= x << 13 // xorshift64: cheap, and the same picture for the same second
		x ^= x >> 7
		x ^= x << 17
		d := int(x%5) - 2
		for c := range 3 {
			img.Pix[i+c] = uint8(min(255, max(0, int(img.Pix[i+c])+d)))
		}
	}
}

// frozenClip reports whether a clip shows a frozen encoder (its clock stops).
func frozenClip(name string) bool { return strings.HasSuffix(name, "-frozen") }
