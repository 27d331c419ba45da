package sim

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/VictoriaMetrics/metrics"
)

// The park's story hooks. The demo calls them on its timetable (a camera is
// knocked aside in the afternoon, a gate jams at closing time); the same are
// POST /control/park/{kind}/{name}/{action}. GET /control/park shows the
// park's state. Everything not forced here follows (seed, time).

var (
	errNoPark            = errors.New("no simulated park (Options.Park is nil)")
	errBadParkPath       = errors.New("want /control/park/camera/{name}/knock|stall|offline|fix|auto, /control/park/gate/{name}/jam|free, /control/park/ap/{name}/down|up or /control/park/pa/{name}/down|up")
	parkSnapshots        = metrics.NewCounter(`swanwatch_sim_park_snapshots_total{result="ok"}`)
	parkSnapUnauthorized = metrics.NewCounter(`swanwatch_sim_park_snapshots_total{result="unauthorized"}`)
	parkForced           = metrics.NewCounter(`swanwatch_sim_park_control_changes_total`)
	parkBadControl       = metrics.NewCounter(`swanwatch_sim_bad_requests_total{kind="park_control"}`)
)

// parkActions lists the actions per kind.
var parkActions = map[string][]string{
	"camera": {"knock", "stall", "offline", "fix", "auto"},
	"gate":   {"jam", "free"},
	"ap":     {"down", "up"},
	"pa":     {"down", "up"},
}

// DemoCamera is the camera the demo knocks aside: a clean lake view at 观鸟台
// whose moved view exists.
func (s *Sim) DemoCamera() string {
	if s.park == nil {
		return ""
	}
	return s.park.demo.Name
}

// DemoGate is the gate the demo jams at closing time.
func (s *Sim) DemoGate() string {
	if s.park == nil {
		return ""
	}
	return demoGate
}

// KnockCamera turns a camera aside: its stream and snapshots show the moved
// view from its next keyframe until FixCamera. Only cameras with a moved view
// (DemoCamera's) can be knocked.
func (s *Sim) KnockCamera(name string) error { return s.ParkControl("camera", name, "knock") }

// StallCamera stops a camera's RTP (the session stays up) and its recording.
func (s *Sim) StallCamera(name string) error { return s.ParkControl("camera", name, "stall") }

// FixCamera repairs a camera: its clean view, streaming, recorded, whatever
// it showed before (a knock, a stall, a dirty lens from the start).
func (s *Sim) FixCamera(name string) error { return s.ParkControl("camera", name, "fix") }

// JamGate jams a gate: it reports the blocked-gate fault and counts nobody.
func (s *Sim) JamGate(name string) error { return s.ParkControl("gate", name, "jam") }

// FreeGate clears a jam; the gate counts again from where it stopped.
func (s *Sim) FreeGate(name string) error { return s.ParkControl("gate", name, "free") }

// ParkControl applies action to the park device kind/name (parkActions).
func (s *Sim) ParkControl(kind, name, action string) error {
	if s.park == nil {
		return errNoPark
	}
	if err := s.park.control(kind, name, action); err != nil {
		return err
	}
	parkForced.Inc()
	s.log.Info("park device forced", "kind", kind, "name", name, "action", action)
	return nil
}

func (p *park) control(kind, name, action string) error {
	t := timeSec(p.now())
	switch kind {
	case "camera":
		return p.controlCamera(name, action)
	case "gate":
		j := p.gates[name]
		if j == nil {
			return fmt.Errorf("unknown gate %s", truncate(name, 40))
		}
		if action == "jam" {
			j.jam(t)
		} else {
			j.free(t)
		}
		p.syncBoxes(t) // the gate's box reports it now, not at the next sync
		return nil
	case "ap":
		for _, a := range p.agents {
			for _, ap := range a.aps {
				if ap.name == name {
					ap.down.Store(action == "down")
					return nil
				}
			}
		}
		return fmt.Errorf("unknown access point %s", truncate(name, 40))
	case "pa":
		for _, z := range p.pa {
			if z.name == name {
				z.down.Store(action == "down")
				return nil
			}
		}
		return fmt.Errorf("unknown broadcast zone %s", truncate(name, 40))
	}
	return errBadParkPath
}

func (p *park) controlCamera(name, action string) error {
	c := p.camByName[name]
	if c == nil {
		return fmt.Errorf("unknown camera %s", truncate(name, 40))
	}
	f, ok := map[string]camForce{"knock": camKnocked, "stall": camStalled, "offline": camOffline, "fix": camFixed, "auto": camAuto}[action]
	if !ok {
		return errBadParkPath
	}
	if f == camKnocked && p.clips[c.clipFor(camKnocked, 0)] == nil {
		return fmt.Errorf("camera %s has no moved view to knock it to (use %s)", name, p.demo.Name)
	}
	c.force.Store(int32(f))
	p.reconcile(c)
	return nil
}

// parseParkControlPath splits /control/park/{kind}/{name}/{action}.
func parseParkControlPath(path string) (kind, name, action string, err error) {
	rest, ok := strings.CutPrefix(path, "/control/park/")
	if !ok {
		return "", "", "", errBadParkPath
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 3 || !validName(parts[1]) {
		return "", "", "", errBadParkPath
	}
	kind, name, action = parts[0], parts[1], parts[2]
	for _, a := range parkActions[kind] {
		if a == action {
			return kind, name, action, nil
		}
	}
	return "", "", "", errBadParkPath
}

func (p *park) serveControl(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		parkBadControl.Inc()
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	kind, name, action, err := parseParkControlPath(r.URL.Path)
	if err != nil {
		parkBadControl.Inc()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if err := p.control(kind, name, action); err != nil {
		parkBadControl.Inc()
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	parkForced.Inc()
	p.log.Info("park device forced", "kind", kind, "name", name, "action", action)
	writeJSON(w, http.StatusOK, map[string]string{"kind": kind, "name": name, "action": action})
}

// ParkState is the GET /control/park answer.
type ParkState struct {
	Inside     int               `json:"visitors_inside"`
	InToday    int               `json:"visitors_in_today"`
	DemoCamera string            `json:"demo_camera"`
	DemoGate   string            `json:"demo_gate"`
	Cameras    []ParkCameraState `json:"cameras"`
	Gates      []ParkGateState   `json:"gates"`
	Lots       map[string]int    `json:"free_spaces"`
	APsDown    []string          `json:"aps_down,omitempty"`
	PADown     []string          `json:"pa_down,omitempty"`
}

// ParkCameraState is one camera in ParkState.
type ParkCameraState struct {
	Name   string `json:"name"`
	Site   string `json:"site"`
	Clip   string `json:"clip"`  // what it streams now
	Fault  string `json:"fault"` // none, stall or close
	Forced string `json:"forced"`
}

// ParkGateState is one gate in ParkState.
type ParkGateState struct {
	Name   string `json:"name"`
	In     int64  `json:"in"`
	Out    int64  `json:"out"`
	Jammed bool   `json:"jammed"`
}

// State is the park's state now.
func (p *park) state() ParkState {
	t := timeSec(p.now())
	d, _ := cstDay(t)
	st := ParkState{Inside: int(p.crowd.inside(t)), InToday: int(p.crowd.in(t) - p.crowd.before(d)),
		DemoCamera: p.demo.Name, DemoGate: demoGate, Lots: map[string]int{}}
	for _, c := range p.cams {
		c.mu.Lock()
		a := c.applied
		c.mu.Unlock()
		st.Cameras = append(st.Cameras, ParkCameraState{Name: c.Name, Site: c.Site, Clip: a.clip, Fault: a.fault.String(),
			Forced: camForceNames[camForce(c.force.Load())]})
	}
	for i := range parkGates {
		g := p.gate(&parkGates[i], t)
		st.Gates = append(st.Gates, ParkGateState{Name: parkGates[i].Name, In: g.In, Out: g.Out, Jammed: !g.OK})
	}
	for i := range parkLots {
		st.Lots[parkLots[i].Name] = p.lot(&parkLots[i], t).Free
	}
	for _, a := range p.agents {
		for _, ap := range a.aps {
			if ap.down.Load() {
				st.APsDown = append(st.APsDown, ap.name)
			}
		}
	}
	for _, z := range p.pa {
		if z.down.Load() {
			st.PADown = append(st.PADown, z.name)
		}
	}
	sort.Strings(st.APsDown)
	return st
}

func (p *park) serveControlState(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, p.state())
}

// ParkState returns the park's state now (nil without a park).
func (s *Sim) ParkState() *ParkState {
	if s.park == nil {
		return nil
	}
	st := s.park.state()
	return &st
}
