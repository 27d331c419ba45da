package rtspsrv

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is what a path does wrong, set at run time with SetFault.
type Fault int

const (
	FaultNone  Fault = iota
	FaultStall       // RTP stops; the connection and RTSP answers go on
	FaultClose       // sessions are dropped, new requests for the path cut off
)

func (f Fault) String() string {
	switch f {
	case FaultStall:
		return "stall"
	case FaultClose:
		return "close"
	}
	return "none"
}

// PathConfig is one camera stream.
type PathConfig struct {
	Name  string // URL path without the leading /, e.g. cam-north-01/Streaming/Channels/101
	Clip  *Clip
	Auth  Auth
	Phase int64 // pictures added to the timeline, so cameras showing one clip differ
}

// trackControl is the control attribute of the single media, appended to the
// path for SETUP (rtsp://host/path/trackID=0).
const trackControl = "trackID=0"

// path is a served stream. Its state is replaced as a whole (copy on write)
// so that sessions and snapshots read it without a lock.
type path struct {
	name  string
	auth  Auth
	phase int64
	fps   int
	mu    sync.Mutex // serialises changes
	st    atomic.Pointer[pathState]
}

// pathState is one version of a path: the clip shown before and from the
// picture switchAt (a pending or done switch), the fault and the channel
// closed to drop the sessions (FaultClose).
type pathState struct {
	from, to *Clip
	switchAt int64
	fault    Fault
	kick     chan struct{}
}

func (st *pathState) clipAt(n int64) *Clip {
	if n >= st.switchAt {
		return st.to
	}
	return st.from
}

func validPathName(n string) error {
	switch {
	case n == "" || len(n) > 200:
		return errors.New("a path name must be 1..200 bytes")
	case strings.HasPrefix(n, "/") || strings.HasSuffix(n, "/") || strings.Contains(n, "//"):
		return fmt.Errorf("path %q: no leading, trailing or double slash", n)
	case n == trackControl || strings.HasSuffix(n, "/"+trackControl):
		return fmt.Errorf("path %q ends with the track control %s", n, trackControl)
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; c <= ' ' || c >= 0x7f || strings.IndexByte(`"%?#\`, c) >= 0 {
			return fmt.Errorf("path %q: only printable ASCII without quote, %%, ?, # or \\", n)
		}
	}
	return nil
}

// AddPath serves a stream; paths cannot be removed (a camera that goes away
// is a fault, see SetFault).
func (s *Server) AddPath(pc PathConfig) error {
	if err := validPathName(pc.Name); err != nil {
		return err
	}
	if pc.Clip == nil {
		return fmt.Errorf("path %s: no clip", pc.Name)
	}
	if pc.Auth.Method != AuthNone && pc.Auth.Username == "" {
		return fmt.Errorf("path %s: authentication without a user name", pc.Name)
	}
	p := &path{name: pc.Name, auth: pc.Auth, phase: pc.Phase, fps: pc.Clip.FPS}
	p.st.Store(&pathState{from: pc.Clip, to: pc.Clip, kick: make(chan struct{})})
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.paths[pc.Name]; dup {
		return fmt.Errorf("path %s is already served", pc.Name)
	}
	s.paths[pc.Name] = p
	return nil
}

// lookup finds the path of a request path, which may end with the track
// control or a slash (the Content-Base vdk and ffmpeg use for PLAY).
func (s *Server) lookup(name string) *path {
	name = strings.TrimSuffix(name, "/")
	name = strings.TrimSuffix(name, "/"+trackControl)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.paths[name]
}

func (s *Server) path(name string) (*path, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.paths[name]; p != nil {
		return p, nil
	}
	return nil, fmt.Errorf("rtsp path %s is not served", clip(name, 80))
}

// frameAt is the timeline: the absolute picture number shown at t.
func (p *path) frameAt(t time.Time) int64 {
	ns := t.UnixNano()
	sec, rem := ns/1e9, ns%1e9
	return sec*int64(p.fps) + rem*int64(p.fps)/1e9 + p.phase
}

// timeOf is when picture n starts showing (the first instant frameAt gives n).
func (p *path) timeOf(n int64) time.Time {
	k := n - p.phase
	sec, rem := k/int64(p.fps), k%int64(p.fps)
	if rem < 0 {
		sec, rem = sec-1, rem+int64(p.fps)
	}
	return time.Unix(sec, (rem*1e9+int64(p.fps)-1)/int64(p.fps))
}

// index is picture n's place in clip c.
func index(c *Clip, n int64) int {
	l := int64(len(c.frames))
	return int(((n % l) + l) % l)
}

// SetClip makes a path show clip c from c's next keyframe on (within one GOP),
// so a decoder never sees a picture that refers to the other clip. c must
// have the path's frame rate.
func (s *Server) SetClip(name string, c *Clip) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	if c == nil || c.FPS != p.fps {
		return fmt.Errorf("path %s: the new clip must have the path's %d pictures per second", name, p.fps)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.st.Load()
	n := p.frameAt(s.opts.Now())
	next := *old
	next.from, next.to = old.clipAt(n), c
	next.switchAt = n + 1
	for i := 0; i < len(c.frames) && !c.Key(index(c, next.switchAt)); i++ {
		next.switchAt++
	}
	p.st.Store(&next)
	return nil
}

// SetFault sets a path's fault; FaultNone clears it.
func (s *Server) SetFault(name string, f Fault) error {
	p, err := s.path(name)
	if err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	old := p.st.Load()
	next := *old
	next.fault = f
	if f == FaultClose && old.fault != FaultClose {
		close(old.kick) // drops the sessions playing now
		next.kick = make(chan struct{})
	}
	p.st.Store(&next)
	return nil
}

// Showing tells which clip and picture (0-based, within the clip) path name
// shows at t: what a snapshot of the camera at t should be.
func (s *Server) Showing(name string, t time.Time) (*Clip, int, error) {
	p, err := s.path(name)
	if err != nil {
		return nil, 0, err
	}
	n := p.frameAt(t)
	c := p.st.Load().clipAt(n)
	return c, index(c, n), nil
}

// PathFault returns a path's fault now.
func (s *Server) PathFault(name string) (Fault, error) {
	p, err := s.path(name)
	if err != nil {
		return FaultNone, err
	}
	return p.st.Load().fault, nil
}
