package sim

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/devicefake"
)

// Each car park has a Vzenith plate camera at its entrance and one at its
// exit, which push their reads to ParkOptions.PlatePushURL (devicefake's
// Vzenith client). A read goes out when the model's count of cars in (or
// out) passes the next whole car; the barrier's open-position switch, wired
// to the camera's IO1, reports the arm up a second or two later (an
// AlarmGioIn) and down again after the car passed, and the barrier box shows
// the same. The k-th car out has the k-th car in's plate. Heartbeats every
// 30 s; reads the receiver missed are re-sent as offline records, as the
// cameras do.

const (
	plateTick      = 250 * time.Millisecond
	plateHeartbeat = 30 * time.Second
	plateBacklog   = 50 // more cars due at once (a clock jump) are not pushed
	barrierUp      = 6.0
	plateTimeout   = 5 * time.Second
)

var platePushes = metrics.NewCounter(`swanwatch_sim_park_plate_reads_total`)

// plateCam is one plate camera at run time.
type plateCam struct {
	lot    *parkLot
	dir    string // in or out
	serial string
	ip     string
	fake   *devicefake.PlateCamera
	last   int64 // the last car pushed
	opens  []ioEvent
}

// ioEvent is a barrier switch change due at a time.
type ioEvent struct {
	at    float64
	value int
}

// plateCams are the park's plate cameras, two per lot.
func plateCams(seed int64) []*plateCam {
	var out []*plateCam
	for i := range parkLots {
		for k, dir := range []string{"in", "out"} {
			h := hash3(uint64(seed), 0x706c617465, uint64(2*i+k)) // "plate"
			out = append(out, &plateCam{lot: &parkLots[i], dir: dir,
				serial: fmt.Sprintf("%08x-%08x", uint32(h>>32), uint32(h)), ip: fmt.Sprintf("10.86.30.%d", 11+2*i+k)})
		}
	}
	return out
}

func (c *plateCam) name() string { return "plate-" + c.lot.Name + "-" + c.dir }

// cars is the model's count of cars through c by t.
func (p *park) cars(c *plateCam, t float64) int64 {
	if c.dir == "in" {
		return int64(p.carsIn(c.lot, t))
	}
	return int64(p.carsOut(c.lot, t))
}

// plate is car k's licence plate: mostly 豫M (Sanmenxia), some from the
// neighbouring cities.
func plate(seed int64, lot string, k int64) string {
	h := hash3(uint64(seed), uint64(len(lot))<<32|uint64(lot[len(lot)-1]), uint64(k))
	prefixes := []string{"豫M", "豫M", "豫M", "豫M", "豫A", "豫C", "陕E", "晋M"}
	const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	s := prefixes[h%uint64(len(prefixes))]
	for i := range 5 {
		h = mix(h + uint64(i))
		if i == 0 {
			s += string(chars[h%24])
			continue
		}
		s += string(chars[h%uint64(len(chars))])
	}
	return s
}

// plateURL is where the plate cameras push now ("" while nobody listens).
func (p *park) plateURL() string {
	if u := p.pushURL.Load(); u != nil {
		return *u
	}
	return p.opts.PlatePushURL
}

// SetPlatePushURL points the plate cameras at a receiver that started after
// the simulator (the demo's server, whose port is known only once it
// listens); reads go there from the next tick.
func (s *Sim) SetPlatePushURL(u string) {
	if s.park != nil {
		s.park.pushURL.Store(&u)
	}
}

// pushPlates runs the cameras until done.
func (p *park) pushPlates(done <-chan struct{}) {
	ctx, cancel := contextUntil(done)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: len(p.plates)}
	defer tr.CloseIdleConnections()
	t := timeSec(p.now())
	for _, c := range p.plates {
		c.fake = devicefake.NewPlateCamera(p.plateURL(), c.serial, c.ip)
		c.fake.Client = &http.Client{Timeout: plateTimeout, Transport: tr}
		c.last = p.cars(c, t)
	}
	tk := time.NewTicker(plateTick)
	defer tk.Stop()
	var lastBeat time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-tk.C:
			t := timeSec(p.now())
			u := p.plateURL()
			for _, c := range p.plates {
				if u == "" { // nobody to push to yet: cars pass unseen, no backlog
					c.last = p.cars(c, t)
					continue
				}
				c.fake.URL = u
				p.plateStep(ctx, c, t)
			}
			if u == "" {
				continue
			}
			if now.Sub(lastBeat) >= plateHeartbeat {
				lastBeat = now
				for _, c := range p.plates {
					p.plateBeat(ctx, c)
				}
			}
		}
	}
}

// plateStep pushes the reads due at t and the barrier switch changes.
func (p *park) plateStep(ctx context.Context, c *plateCam, t float64) {
	due := p.cars(c, t)
	if due-c.last > plateBacklog {
		c.last = due
	}
	for ; c.last < due; c.last++ {
		k := c.last + 1
		if _, err := c.fake.Read(ctx, plate(p.seed, c.lot.Name, k), map[string]int{"in": 4, "out": 3}[c.dir]); err != nil {
			p.log.Debug("plate push", "camera", c.name(), "err", err)
			continue // kept by the camera as an offline record
		}
		platePushes.Inc()
		lat := 0.8 + 1.2*unit(hash3(uint64(p.seed), uint64(k), 0x6c6174)) // "lat": the arm takes 0.8–2 s
		c.opens = append(c.opens, ioEvent{t + lat, 1}, ioEvent{t + lat + barrierUp, 0})
	}
	for len(c.opens) > 0 && c.opens[0].at <= t {
		e := c.opens[0]
		c.opens = c.opens[1:]
		if err := c.fake.IOInput(ctx, 0, e.value); err != nil {
			p.log.Debug("plate IO push", "camera", c.name(), "err", err)
		}
		if b := p.boxes; b != nil {
			b.barriers[c.lot.Name].SetStatus(map[int]int{0: 1, 1: 2}[e.value])
		}
	}
}

// plateBeat sends the heartbeat and re-sends what the receiver missed.
func (p *park) plateBeat(ctx context.Context, c *plateCam) {
	if err := c.fake.Heartbeat(ctx); err != nil {
		p.log.Debug("plate heartbeat", "camera", c.name(), "err", err)
		return
	}
	if c.fake.Offline() > 0 {
		if _, err := c.fake.Resend(ctx); err != nil {
			p.log.Debug("plate resend", "camera", c.name(), "err", err)
		}
	}
}
