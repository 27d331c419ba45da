package camera

import (
	"maps"
	"math"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/vqd"
)

// camState is what the collector remembers of one camera between rounds: the last round for the
// status page, and the last diagnosis, which every round repeats until the next one.
type camState struct {
	name string

	mu         sync.Mutex
	roundAt    time.Time
	online     bool
	err        string
	errKind    FailureKind
	codec      string
	resolution string
	fps        float64

	vqdAt     time.Time // last attempt (success or not): the next is due VQDInterval later
	vqdReason string    // why the last attempt had no result ("" when it had one)
	vqdSource string    // snapshot or rtsp
	result    *vqd.Result
	resultAt  time.Time
	faultsOn  map[vqd.Fault]bool
	carried   map[vqd.Fault]bool // faults held over one diagnosis that could not judge them
	night     bool
	thumbAt   time.Time
	enabled   bool // a frame source exists (camera_vqd_enabled)
}

func (c *Collector) state(t collectors.Target) *camState {
	c.mu.Lock()
	defer c.mu.Unlock()
	st, ok := c.cams[t.Name]
	if !ok {
		st = &camState{name: t.Name, faultsOn: map[vqd.Fault]bool{}}
		c.cams[t.Name] = st
	}
	return st
}

// lookup returns the state of a camera seen by a round, nil if none.
func (c *Collector) lookup(name string) *camState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cams[name]
}

func (s *camState) roundFailed(err error, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roundAt, s.online, s.err, s.errKind = now, false, err.Error(), KindOf(err)
}

func (s *camState) streamOK(r *sessionResult, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.roundAt, s.online, s.err, s.errKind = now, true, "", ""
	s.codec, s.resolution, s.fps = r.codec, r.resolution(), r.fps
}

func (s *camState) vqdDue(now time.Time, every time.Duration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.vqdAt.IsZero() || now.Sub(s.vqdAt) >= every
}

// vqdFailed records an attempt without a result; the last result stays until it is too old.
func (s *camState) vqdFailed(reason string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.vqdAt, s.vqdReason = at, reason
}

// vqdDone records a diagnosis and returns the faults that turned on with it.
func (s *camState) vqdDone(r vqd.Result, source string, at time.Time) []vqd.Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	r.Faults = s.carry(r.Faults)
	var on []vqd.Fault
	for f, bad := range r.Faults {
		if bad && !s.faultsOn[f] {
			on = append(on, f)
		}
	}
	s.faultsOn = map[vqd.Fault]bool{}
	for f, bad := range r.Faults {
		if bad {
			s.faultsOn[f] = true
		}
	}
	s.vqdAt, s.vqdReason, s.vqdSource, s.result, s.resultAt, s.night = at, "", source, &r, at, r.Night
	sort.Slice(on, func(i, j int) bool { return on[i] < on[j] })
	return on
}

// carry holds a fault that was on in the last diagnosis but that this one could not judge (another
// fault suppressed it, a frame on the edge between day and night had no reference) for one more
// diagnosis: not judged is not cleared, and an alert waiting out its `for:` must not start again
// because of one ambiguous frame (a knocked camera read once as 遮挡 instead of 画面偏移). Judged
// again, the fault takes the new verdict; unjudged twice, it goes.
func (s *camState) carry(faults map[vqd.Fault]bool) map[vqd.Fault]bool {
	out := maps.Clone(faults)
	if out == nil {
		out = map[vqd.Fault]bool{}
	}
	carried := map[vqd.Fault]bool{}
	for f := range s.faultsOn {
		if _, judged := out[f]; !judged && !s.carried[f] {
			out[f], carried[f] = true, true
		}
	}
	s.carried = carried
	return out
}

func (s *camState) lastNight() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.night
}

// emitVQD writes camera_vqd_enabled and, while the last diagnosis is fresh (younger than two
// intervals), its faults, measures, profile and age.
func (s *camState) emitVQD(emit collectors.Emit, now time.Time, every time.Duration, enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.enabled = enabled
	emit("camera_vqd_enabled", b2f(enabled))
	if s.result == nil || now.Sub(s.resultAt) > 2*every {
		return
	}
	for f, bad := range s.result.Faults {
		emit("camera_vqd_fault", b2f(bad), "fault", string(f))
	}
	for m, v := range s.result.Measures {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			emit("camera_vqd_value", v, "measure", m)
		}
	}
	emit("camera_vqd_night", b2f(s.result.Night))
	emit("camera_vqd_age_seconds", now.Sub(s.resultAt).Seconds())
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func itoa(n int) string { return strconv.Itoa(n) }

func (s *camState) thumbTaken(at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.thumbAt = at
}
