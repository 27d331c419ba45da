package sim

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/internal/sim/rtspsrv"
)

// A camera shows, by default, its view by day and the same view in infrared
// at night (switching near dusk and dawn, a few minutes apart per camera), or
// its fault clip if it has one; the stalling camera's stream stops for
// parkStallFor of every parkStallEvery. The story forces the rest (camForce).
// What a camera should show is a pure function of (seed, camera, force,
// time); reconcile makes the RTSP server show it, within reconcileEvery plus
// one GOP, since a clip switch waits for a keyframe.

// camForce is what the story or /control set on a camera.
type camForce int32

const (
	camAuto    camForce = iota // its timetable
	camFixed                   // repaired: its clean view, no stalls
	camKnocked                 // turned aside: the moved view
	camStalled                 // the stream stalls until fixed
	camOffline                 // nothing answers
)

var camForceNames = map[camForce]string{camAuto: "auto", camFixed: "fixed", camKnocked: "knocked", camStalled: "stalled", camOffline: "offline"}

const (
	parkStallEvery = 600.0 // seconds
	parkStallFor   = 90.0
	reconcileEvery = 2 * time.Second
)

// parkCam is a camera at run time.
type parkCam struct {
	*parkCamera
	path   string // RTSP path
	realm  string // the snapshot endpoint's digest realm
	guard  *rtspsrv.Guard
	stallT float64 // phase of its stall timetable
	force  atomic.Int32

	mu      sync.Mutex // serialises reconcile
	applied camWant
}

// camWant is what a camera shows: a clip and a stream fault.
type camWant struct {
	clip  string
	fault rtspsrv.Fault
}

func (p *park) buildCameras() error {
	t := timeSec(p.now())
	layout := layoutCameras(p.seed)
	for _, lc := range layout {
		h := hash3(uint64(p.seed), 0x63616d, uint64(len(p.cams))) // "cam"
		c := &parkCam{parkCamera: lc, path: lc.Name + "/Streaming/Channels/101",
			realm: fmt.Sprintf("IP Camera(E%08d)", h%1e8), stallT: unit(mix(h)) * parkStallEvery}
		c.guard = rtspsrv.NewGuard(c.realm, p.now)
		w := p.want(c, t)
		pc := p.clips[w.clip]
		if pc == nil {
			return fmt.Errorf("park camera %s: no clip %s", c.Name, w.clip)
		}
		if p.clips[c.clipFor(camKnocked, t)] == nil && c.View == demoView {
			return fmt.Errorf("park camera %s: no moved clip for %s", c.Name, c.View)
		}
		method := rtspsrv.AuthDigest
		if c.Auth == "basic" {
			method = rtspsrv.AuthBasic
		}
		if err := p.rtsp.AddPath(rtspsrv.PathConfig{Name: c.path, Clip: pc.rtsp, Phase: int64(h % 1000),
			Auth: rtspsrv.Auth{Method: method, Username: "admin", Password: c.Password}}); err != nil {
			return err
		}
		if err := p.rtsp.SetFault(c.path, w.fault); err != nil {
			return err
		}
		c.applied = w
		p.cams = append(p.cams, c)
		p.camByName[c.Name] = c
	}
	p.demo = p.cams[demoIndex(layout)]
	return nil
}

// timeSec is t in Unix seconds.
func timeSec(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

// want is what camera c should show at t.
func (p *park) want(c *parkCam, t float64) camWant {
	f := camForce(c.force.Load())
	w := camWant{clip: c.clipFor(f, t)}
	switch {
	case f == camOffline:
		w.fault = rtspsrv.FaultClose
	case f == camStalled, f == camAuto && c.Stalls && math.Mod(t+c.stallT, parkStallEvery) < parkStallFor:
		w.fault = rtspsrv.FaultStall
	}
	return w
}

// clipFor is the clip of camera c under force f at t.
func (c *parkCam) clipFor(f camForce, t float64) string {
	scene, seed := c.View[:len(c.View)-2], c.View[len(c.View)-1:]
	switch {
	case f == camKnocked && parkNight(t, c.NightShift):
		return scene + "-night-" + seed + movedSuffix
	case f == camKnocked:
		return scene + "-day-" + seed + movedSuffix
	case f != camFixed && c.FaultClip != "":
		return c.FaultClip
	case parkNight(t, c.NightShift):
		return scene + "-night-" + seed
	}
	return scene + "-day-" + seed
}

// parkNight tells whether a camera's infrared is on at t: from 20 minutes
// after sunset to 20 minutes before sunrise (Sanmenxia, 34.8° N: sunrise
// 05:15–07:15 and sunset 17:35–19:55 CST over the year), shifted per camera.
func parkNight(t, shift float64) bool {
	d, s := cstDay(t)
	doy := math.Mod(float64(d), 365.2425)
	c := math.Cos(2 * math.Pi * (doy - 172) / 365.2425) // 1 at the summer solstice
	sunrise, sunset := (6.25-1.0*c)*3600, (18.75+1.2*c)*3600
	return s < sunrise-1200+shift || s > sunset+1200+shift
}

// reconcile makes camera c's stream (and its recording) show what it should.
func (p *park) reconcile(c *parkCam) {
	w := p.want(c, timeSec(p.now()))
	c.mu.Lock()
	defer c.mu.Unlock()
	if w.clip != c.applied.clip {
		if err := p.rtsp.SetClip(c.path, p.clips[w.clip].rtsp); err != nil {
			p.log.Error("park camera clip", "camera", c.Name, "err", err)
			return
		}
	}
	if w.fault != c.applied.fault {
		if err := p.rtsp.SetFault(c.path, w.fault); err != nil {
			p.log.Error("park camera fault", "camera", c.Name, "err", err)
			return
		}
		p.recording(c, w.fault == rtspsrv.FaultNone)
	}
	c.applied = w
}

func (p *park) reconcileLoop(done <-chan struct{}) {
	tk := time.NewTicker(reconcileEvery)
	defer tk.Stop()
	for {
		select {
		case <-done:
			return
		case <-tk.C:
			for _, c := range p.cams {
				p.reconcile(c)
			}
		}
	}
}

// serveSnapshot answers a Hikvision-style picture request with the JPEG of
// the second the camera's stream shows now (digest, as the cameras ask).
func (p *park) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	c := p.camByName[r.PathValue("name")]
	if c == nil {
		http.NotFound(w, r)
		return
	}
	if camForce(c.force.Load()) == camOffline {
		hangUp(w)
		return
	}
	a := rtspsrv.Auth{Method: rtspsrv.AuthDigest, Username: "admin", Password: c.Password}
	if ok, stale := c.guard.Check(a, r.Method, r.Header.Get("Authorization")); !ok {
		parkSnapUnauthorized.Inc()
		w.Header().Set("WWW-Authenticate", c.guard.Challenge(a, stale, true))
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
		return
	}
	clip, i, err := p.rtsp.Showing(c.path, p.now())
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	at := p.now()
	if frozenClip(clip.Name) {
		at = p.started // the encoder hung when the picture did
	}
	b, err := withClock(p.clips[clip.Name].snapshot(i), at.Truncate(time.Second))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	parkSnapshots.Inc()
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}
