// Package nvrfake serves HTTP fakes of the two network video recorders the
// scenic area runs: a Hikvision NVR speaking ISAPI ContentMgmt (storage and
// the recording search, XML) and a Dahua NVR speaking its CGI (storageDevice
// and mediaFileFind, key=value text). Both require HTTP Digest and follow the
// vendors' published formats as docs/swanlake.md's research notes record them.
//
// It is not a test package: the nvr collector's tests use it, and the demo's
// simulated park runs it. Everything is configurable while it serves —
// channels and their footage, disks and their fill, and faults (a channel
// that stopped recording, a failed disk, slow replies, replies that hang,
// garbage, HTTP errors) — so a story can break a recorder mid-demo.
package nvrfake

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Profile names the vendor dialect, as the nvr collector's `profile` param does.
type Profile string

// The two dialects.
const (
	Hikvision Profile = "hikvision-isapi"
	Dahua     Profile = "dahua-cgi"
)

// Options configure a fake recorder; zero fields take the defaults shown.
type Options struct {
	Profile  Profile // required
	Username string  // default "admin"
	Password string  // required: there is no recorder without one
	// Realm of the digest challenge; default a model name for Hikvision
	// ("DS-7616NI-K2") and "Login to <serial>" for Dahua.
	Realm string
	// Location is the zone of the recorder's clock. Both vendors put wall-clock
	// digits on the wire (Hikvision adds a "Z" it does not mean); default UTC+8.
	Location *time.Location
	// Now is the recorder's clock; default time.Now.
	Now func() time.Time
	// PageLimit caps the matches of one search page (Hikvision maxResults,
	// default 40 as the vendor's web client pages) or of one findNextFile
	// (Dahua count, default 100).
	PageLimit int
	// MaxFinders caps Dahua's open mediaFileFind objects (default 8); a client
	// that never destroys them is refused, as a real recorder refuses it.
	MaxFinders int
}

// Faults are the failures a recorder shows while serving.
type Faults struct {
	// Delay holds every reply back (a busy recorder); the client's deadline wins.
	Delay time.Duration
	// Hang accepts requests and never answers them.
	Hang bool
	// Status, when set, answers every authenticated request with this HTTP
	// status and the vendor's error body.
	Status int
	// Garbage answers with a body that is not the vendor's format: broken XML
	// for Hikvision, lines without key=value for Dahua. Only the endpoints in
	// GarbageOn, or all when it is empty.
	Garbage   bool
	GarbageOn []Endpoint
	// Unsupported lists request paths the firmware lacks, answered with the
	// vendor's refusal (ISAPI 403 notSupport, Dahua 400 Error), e.g.
	// "/ISAPI/ContentMgmt/Storage" on firmware that has only /Storage/hdd.
	Unsupported []string
}

// Endpoint is one kind of request, for targeted faults and the stats.
type Endpoint string

// Endpoints of both dialects.
const (
	EndpointStorage Endpoint = "storage" // ISAPI Storage(/hdd), Dahua getDeviceAllInfo
	EndpointSearch  Endpoint = "search"  // ISAPI ContentMgmt/search, Dahua mediaFileFind
)

// Stats count what the recorder served, for tests and the demo's display.
type Stats struct {
	Requests     int              // answered with credentials that checked out
	Unauthorized int              // answered 401
	ByEndpoint   map[Endpoint]int // authenticated requests per endpoint
	SearchPages  int              // ISAPI search POSTs, Dahua findNextFile calls
	OpenFinders  int              // Dahua finder objects not yet destroyed
}

// NVR is one fake recorder. It is an http.Handler and safe for concurrent use.
type NVR struct {
	opts Options
	auth *digestAuth
	done chan struct{}
	once sync.Once

	mu       sync.Mutex
	channels map[string]Channel
	disks    []diskState
	faults   Faults
	stats    Stats
	finders  map[string]*finder
	nextID   int
}

// New returns a recorder with no channels and no disks.
func New(opts Options) (*NVR, error) {
	if opts.Profile != Hikvision && opts.Profile != Dahua {
		return nil, fmt.Errorf("nvrfake: profile %q must be %s or %s", opts.Profile, Hikvision, Dahua)
	}
	if opts.Password == "" {
		return nil, errors.New("nvrfake: a password is required")
	}
	opts = withDefaults(opts)
	return &NVR{opts: opts, auth: newDigestAuth(opts.Realm, opts.Username, opts.Password),
		done: make(chan struct{}), channels: map[string]Channel{}, finders: map[string]*finder{},
		stats: Stats{ByEndpoint: map[Endpoint]int{}}}, nil
}

func withDefaults(o Options) Options {
	if o.Username == "" {
		o.Username = "admin"
	}
	if o.Realm == "" {
		o.Realm = map[Profile]string{Hikvision: "DS-7616NI-K2", Dahua: "Login to 6G0C1A2PAZ00001"}[o.Profile]
	}
	if o.Location == nil {
		o.Location = time.FixedZone("UTC+8", 8*3600)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PageLimit <= 0 {
		o.PageLimit = map[Profile]int{Hikvision: 40, Dahua: 100}[o.Profile]
	}
	if o.MaxFinders <= 0 {
		o.MaxFinders = 8
	}
	return o
}

// Profile returns the recorder's dialect.
func (n *NVR) Profile() Profile { return n.opts.Profile }

// Now returns the recorder's clock.
func (n *NVR) Now() time.Time { return n.opts.Now() }

// SetChannel adds or replaces a channel: a track id such as "101" for
// Hikvision, a channel number such as "1" for Dahua.
func (n *NVR) SetChannel(id string, c Channel) {
	c.Gaps = slices.Clone(c.Gaps)
	n.mu.Lock()
	n.channels[id] = c
	n.mu.Unlock()
}

// Channel returns a channel's current settings.
func (n *NVR) Channel(id string) (Channel, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	c, ok := n.channels[id]
	return c, ok
}

// RemoveChannel drops a channel and its footage.
func (n *NVR) RemoveChannel(id string) {
	n.mu.Lock()
	delete(n.channels, id)
	n.mu.Unlock()
}

// StopRecording ends a channel's footage at at (a camera that went dark, a
// recording that failed); zero means now.
func (n *NVR) StopRecording(id string, at time.Time) {
	if at.IsZero() {
		at = n.opts.Now()
	}
	n.update(id, func(c *Channel) { c.Stopped = at })
}

// ResumeRecording starts a stopped channel again; the time it was stopped
// stays a gap in its footage.
func (n *NVR) ResumeRecording(id string) {
	now := n.opts.Now()
	n.update(id, func(c *Channel) {
		if !c.Stopped.IsZero() && c.Stopped.Before(now) {
			c.Gaps = append(c.Gaps, Span{c.Stopped, now})
		}
		c.Stopped = time.Time{}
	})
}

func (n *NVR) update(id string, f func(*Channel)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if c, ok := n.channels[id]; ok {
		c.Gaps = slices.Clone(c.Gaps)
		f(&c)
		n.channels[id] = c
	}
}

// SetDisks replaces the disk list; free space counts down from now at each
// disk's FillRate.
func (n *NVR) SetDisks(disks ...Disk) {
	now := n.opts.Now()
	n.mu.Lock()
	defer n.mu.Unlock()
	n.disks = n.disks[:0]
	for i, d := range disks {
		if d.ID == 0 {
			d.ID = i + 1
		}
		n.disks = append(n.disks, diskState{Disk: d, since: now})
	}
}

// SetDiskStatus changes one disk's status word (e.g. "error" for a failed
// disk), keeping its space.
func (n *NVR) SetDiskStatus(id int, status string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := range n.disks {
		if n.disks[i].ID == id {
			n.disks[i].Status = status
		}
	}
}

// SetFaults replaces the current faults; Faults{} clears them.
func (n *NVR) SetFaults(f Faults) {
	f.GarbageOn, f.Unsupported = slices.Clone(f.GarbageOn), slices.Clone(f.Unsupported)
	n.mu.Lock()
	n.faults = f
	n.mu.Unlock()
}

// Stats returns a copy of the counters.
func (n *NVR) Stats() Stats {
	n.mu.Lock()
	defer n.mu.Unlock()
	s := n.stats
	s.ByEndpoint = maps.Clone(n.stats.ByEndpoint)
	s.OpenFinders = len(n.finders)
	return s
}

// Close releases requests held by the Hang fault and by Delay.
func (n *NVR) Close() { n.once.Do(func() { close(n.done) }) }

// Server is a recorder listening on a loopback port.
type Server struct {
	*NVR
	URL string // http://127.0.0.1:PORT
	srv *http.Server
}

// Start serves a new recorder on addr ("" means 127.0.0.1:0).
func Start(addr string, opts Options) (*Server, error) {
	n, err := New(opts)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("nvrfake: listen: %w", err)
	}
	s := &Server{NVR: n, URL: "http://" + l.Addr().String(),
		srv: &http.Server{Handler: n, ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.srv.Serve(l) }() // returns ErrServerClosed on Close
	return s, nil
}

// Close stops the listener and every connection, held requests included.
func (s *Server) Close() error {
	s.NVR.Close()
	return s.srv.Close()
}
