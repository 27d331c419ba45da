package device

import (
	"fmt"
	stdmaps "maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// defaultSilence is how long a plate camera may say nothing (no heartbeat,
// no push) before its round fails: three missed 30 s heartbeats.
const defaultSilence = 90 * time.Second

// pushTarget is a plate camera target's params.
type pushTarget struct {
	key      string           // receiver key: serialno, else "ip:" + the address's host
	gate     string           // the gate label (param gate, else the target's name)
	fixed    string           // param direction: in or out for every read
	dirMap   map[int64]string // param direction_map: the camera's direction code → in/out
	input    [2]int64         // barrier_input, barrier_open_value: the IO that reports the barrier open
	hasInput bool
	silence  time.Duration
}

// pushParams reads a plate camera target: serialno (or the camera's host in
// the address), gate, direction (in/out) or direction_map ("3=out,4=in" by
// the camera's PlateResult.direction), barrier_input (0-3 = IO1-4, wired to
// the barrier's open-position switch) with barrier_open_value (default 1),
// and silence (default 90s).
func pushParams(t collectors.Target, spec *PushSection) (pushTarget, error) {
	p := t.Params
	pt := pushTarget{gate: p["gate"], fixed: p["direction"], silence: defaultSilence, dirMap: map[int64]string{}}
	if spec != nil && spec.Silence > 0 {
		pt.silence = spec.Silence
	}
	if pt.gate == "" {
		pt.gate = t.Name
	}
	pt.key = p["serialno"]
	if pt.key == "" {
		host := addressHost(t.Address)
		if host == "" {
			return pt, fmt.Errorf("%w: a plate camera needs the serialno param or its IP in the address", ErrConfig)
		}
		pt.key = "ip:" + host
	}
	if pt.fixed != "" && !slices.Contains(directions, pt.fixed) {
		return pt, fmt.Errorf("%w: direction %q must be in or out", ErrConfig, pt.fixed)
	}
	if err := pt.parseDirMap(p["direction_map"]); err != nil {
		return pt, err
	}
	if pt.fixed == "" && len(pt.dirMap) == 0 {
		return pt, fmt.Errorf("%w: a plate camera needs direction (in/out) or direction_map", ErrConfig)
	}
	if err := pt.parseInput(p["barrier_input"], p["barrier_open_value"]); err != nil {
		return pt, err
	}
	if v := p["silence"]; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 10*time.Second {
			return pt, fmt.Errorf("%w: silence %q must be a duration of at least 10s", ErrConfig, v)
		}
		pt.silence = d
	}
	return pt, nil
}

func (pt *pushTarget) parseDirMap(s string) error {
	if s == "" {
		return nil
	}
	for _, pair := range strings.Split(s, ",") {
		k, v, ok := strings.Cut(pair, "=")
		code, err := strconv.ParseInt(strings.TrimSpace(k), 10, 64)
		v = strings.TrimSpace(v)
		if !ok || err != nil || !slices.Contains(directions, v) {
			return fmt.Errorf("%w: direction_map %q: each entry is code=in or code=out", ErrConfig, s)
		}
		pt.dirMap[code] = v
	}
	return nil
}

func (pt *pushTarget) parseInput(input, value string) error {
	if input == "" {
		return nil
	}
	src, err := strconv.ParseInt(input, 10, 64)
	if err != nil || src < 0 || src > 4 {
		return fmt.Errorf("%w: barrier_input %q must be 0-3 (IO1-4) or 4 (TCP trigger)", ErrConfig, input)
	}
	val := int64(1)
	if value != "" {
		if val, err = strconv.ParseInt(value, 10, 64); err != nil || (val != 0 && val != 1) {
			return fmt.Errorf("%w: barrier_open_value %q must be 0 or 1", ErrConfig, value)
		}
	}
	pt.input, pt.hasInput = [2]int64{src, val}, true
	return nil
}

// addressHost returns the host of a URL or host[:port] address.
func addressHost(addr string) string {
	if u, err := url.Parse(addr); err == nil && u.Host != "" {
		return u.Hostname()
	}
	if h, _, err := net.SplitHostPort(addr); err == nil {
		return h
	}
	return addr
}

// camReading is a copy of a camera's state for one round.
type camReading struct {
	known    bool
	lastSeen time.Time
	reads    map[int64]float64
	latency  float64
	measured bool
}

// reading copies what a round needs of the camera key.
func (p *PlateReceiver) reading(key string, input [2]int64) camReading {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.cams[key]
	if ip, ok := strings.CutPrefix(key, "ip:"); c == nil && ok {
		c = p.cams[p.byIP[ip]] // the camera pushes with a serialno the target does not name
	}
	if c == nil {
		return camReading{}
	}
	r := camReading{known: true, lastSeen: c.lastSeen, reads: make(map[int64]float64, len(c.reads))}
	for k, v := range c.reads {
		r.reads[k] = v
	}
	r.latency, r.measured = c.latency[input]
	return r
}

// collectPush emits the counts of a plate camera. A camera silent for longer
// than its silence fails the round, except in the first silence after the
// start, when no camera had the time to beat.
func (r *round) collectPush() error {
	pt, err := pushParams(r.t, r.p.Push)
	if err != nil {
		return err
	}
	pr := r.c.plates
	cam := pr.reading(pt.key, pt.input)
	if !cam.known || r.now.Sub(cam.lastSeen) > pt.silence {
		if r.now.Sub(pr.started) > pt.silence {
			if !cam.known {
				return fmt.Errorf("%w: no heartbeat or push from %s since the start (is the camera's push URL set to this platform, with the token?)", ErrSilent, pt.key)
			}
			return fmt.Errorf("%w: nothing from %s for %s (heartbeat every 5-30 s expected)", ErrSilent,
				pt.key, r.now.Sub(cam.lastSeen).Round(time.Second))
		}
	}
	counts := map[string]float64{}
	if pt.fixed != "" {
		counts[pt.fixed] = 0
	}
	for _, d := range pt.dirMap {
		counts[d] = 0
	}
	for code, n := range cam.reads {
		d, ok := pt.dirMap[code]
		if !ok {
			d = pt.fixed
		}
		if d != "" {
			counts[d] += n
		}
	}
	for _, d := range slices.Sorted(stdmaps.Keys(counts)) {
		r.emit("vehicle_passages_total", counts[d], "direction", d, "gate", pt.gate)
	}
	if pt.hasInput && cam.measured {
		r.emit("barrier_open_seconds", cam.latency, "gate", pt.gate)
	}
	return nil
}
