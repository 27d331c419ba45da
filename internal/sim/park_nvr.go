package sim

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
	"github.com/swanwatch/swanwatch/internal/sim/rtspsrv"
)

// The park's two recorders in the visitor centre's machine room: a Hikvision
// NVR (ISAPI) for the first twelve cameras and a Dahua NVR (CGI) for the
// rest, served by collectors/nvr/nvrfake on their own listeners (a recorder
// is a host:port; the collector asks for /ISAPI/... and /cgi-bin/... at its
// root). Each keeps more than the required 30 days; one channel has a gap of
// two and a half hours the night before the simulator started, and a camera
// whose stream stalls or dies stops being recorded until it is back.

// parkNVRSpec is one recorder.
type parkNVRSpec struct {
	Name    string
	Profile nvrfake.Profile
	Keep    time.Duration // footage kept (overwrite)
	Disks   int
	DiskTB  float64
	FreeDay float64 // days of recording the free space holds
}

var parkNVRSpecs = []parkNVRSpec{
	{"nvr-visitor-1", nvrfake.Hikvision, 35 * 24 * time.Hour, 4, 6, 41},
	{"nvr-visitor-2", nvrfake.Dahua, 32 * 24 * time.Hour, 4, 4, 19},
}

const (
	parkNVRSite      = "游客中心"
	parkRetention    = 30              // days the bureau requires
	parkCameraRateBs = 2e6 / 8         // bytes per second a camera records (2 Mbit/s)
	parkGapStart     = 2*3600 + 10*60  // 02:10 CST the night before the start
	parkGapLen       = 2*3600 + 30*60  // to 04:40
	nvrShutdownWait  = 2 * time.Second // for held requests on stop
	nvrHeaderTimeout = 10 * time.Second
)

// parkNVR is a running recorder.
type parkNVR struct {
	parkNVRSpec
	password string
	fake     *nvrfake.NVR
	cams     []*parkCam
	srv      *http.Server

	mu sync.Mutex
	ln net.Listener
}

func (p *park) buildNVRs() error {
	g := rand.New(rand.NewPCG(uint64(p.seed), 0x4e5652)) // "NVR"
	start := p.now()
	gapCam := p.cams[g.IntN(len(p.cams))]
	for i, spec := range parkNVRSpecs {
		n := &parkNVR{parkNVRSpec: spec, password: parkPassword(g)}
		fake, err := nvrfake.New(nvrfake.Options{Profile: spec.Profile, Password: n.password, Now: p.now})
		if err != nil {
			return fmt.Errorf("park recorder %s: %w", spec.Name, err)
		}
		n.fake = fake
		for _, c := range p.cams {
			if c.NVR != i {
				continue
			}
			ch := nvrfake.Channel{Oldest: start.Add(-spec.Keep), KeepFor: spec.Keep, Segment: time.Hour}
			if c == gapCam {
				d, _ := cstDay(timeSec(start))
				from := time.Unix(int64((float64(d-1))*day-shanghaiOffset)+parkGapStart, 0)
				ch.Gaps = []nvrfake.Span{{Start: from, End: from.Add(parkGapLen * time.Second)}}
			}
			fake.SetChannel(c.Channel, ch)
			if c.applied.fault != rtspsrv.FaultNone { // stalled at the start: not recording
				fake.StopRecording(c.Channel, start)
			}
			n.cams = append(n.cams, c)
		}
		rate := float64(len(n.cams)) * parkCameraRateBs
		var disks []nvrfake.Disk
		for k := range spec.Disks {
			capB := int64(spec.DiskTB * 1e12)
			disks = append(disks, nvrfake.Disk{Name: fmt.Sprintf("hdd%d", k+1), Status: "ok", Capacity: capB,
				Free: int64(spec.FreeDay * 86400 * rate / float64(spec.Disks)), FillRate: rate / float64(spec.Disks)})
		}
		fake.SetDisks(disks...)
		n.srv = &http.Server{Handler: fake, ReadHeaderTimeout: nvrHeaderTimeout}
		p.nvrs = append(p.nvrs, n)
	}
	return nil
}

func (n *parkNVR) listen() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("park recorder %s: %w", n.Name, err)
	}
	n.ln = ln
	return nil
}

func (n *parkNVR) unlisten() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ln != nil {
		_ = n.ln.Close()
		n.ln = nil
	}
}

// addr is the recorder's base URL, "" before listen.
func (n *parkNVR) addr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.ln == nil {
		return ""
	}
	return "http://" + n.ln.Addr().String()
}

// serve answers until done; held requests (the Hang fault) are released.
func (n *parkNVR) serve(done <-chan struct{}) {
	n.mu.Lock()
	ln := n.ln
	n.mu.Unlock()
	errc := make(chan error, 1)
	go func() { errc <- n.srv.Serve(ln) }()
	<-done
	n.fake.Close()
	ctx, cancel := context.WithTimeout(context.Background(), nvrShutdownWait)
	defer cancel()
	if err := n.srv.Shutdown(ctx); err != nil {
		_ = n.srv.Close()
	}
	<-errc // ErrServerClosed, or the listener closed under it: nothing to report on the way out
}

// recording starts or stops camera c's recording (its stream came back or
// went away).
func (p *park) recording(c *parkCam, on bool) {
	n := p.nvrs[c.NVR]
	if on {
		n.fake.ResumeRecording(c.Channel)
	} else {
		n.fake.StopRecording(c.Channel, time.Time{})
	}
}

// channels is the nvr target's channels param: 101=cam-north-01,….
func (n *parkNVR) channels() string {
	s := ""
	for i, c := range n.cams {
		if i > 0 {
			s += ","
		}
		s += c.Channel + "=" + c.Name
	}
	return s
}

// contextUntil is a context cancelled when done closes.
func contextUntil(done <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		select {
		case <-done:
		case <-ctx.Done():
		}
		cancel()
	}()
	return ctx, cancel
}
