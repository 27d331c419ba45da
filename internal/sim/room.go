package sim

import (
	"fmt"
	"math"
	"sync/atomic"
)

// The cloud's machine rooms (机房, R-A8): each has a UPS (SNMP, RFC 1628
// UPS-MIB), racks fed by two PDUs each, feed A and feed B (SNMP, APC
// PowerNet rPDU), and one temperature/humidity sensor per rack behind the
// room's RS485-to-TCP gateway (Modbus TCP, unit id = rack number). The main
// centre's sensors use the SHT20/XY-MD02 map (input registers), the
// recovery centre's the RS-WS map (holding registers), as real rooms mix
// vendors. Values follow the time of day; MainsOutage puts a room's UPS on
// battery.

// room is one machine room.
type room struct {
	name, site   string
	sensorMap    string // th-sensor-input or th-sensor-holding
	racks        []rack
	ups          *roomAgent
	gateway      *roomSensors
	onBatterySec atomic.Int64 // unix second the mains failed; 0 on mains
	seed         float64
}

// rack is one rack and its two feeds.
type rack struct {
	name       string
	loadAmps   float64 // what the rack draws in total, split over its feeds
	pdus       [2]*roomAgent
	ratingAmps float64
}

const (
	roomRacks     = 4
	pduRatingAmps = 32.0
	upsLines      = 3
)

// newRooms lays out the two data centres' rooms.
func newRooms() []*room {
	rooms := []*room{
		{name: "主中心A机房", site: siteMain, sensorMap: "th-sensor-input", seed: 1},
		{name: "灾备中心机房", site: siteDR, sensorMap: "th-sensor-holding", seed: 2},
	}
	for ri, r := range rooms {
		r.ups = &roomAgent{name: fmt.Sprintf("ups-%d", ri+1), room: r, kind: "ups"}
		for k := range roomRacks {
			rk := rack{name: fmt.Sprintf("%c%02d", 'A'+ri, k+1), loadAmps: 7 + 2.5*float64(k%3), ratingAmps: pduRatingAmps}
			for f, feed := range []string{"A", "B"} {
				rk.pdus[f] = &roomAgent{name: fmt.Sprintf("pdu-%s-%s", rk.name, feed), room: r, kind: "pdu", rack: k, feed: f}
			}
			r.racks = append(r.racks, rk)
		}
		r.gateway = &roomSensors{room: r}
	}
	return rooms
}

// wave is a slow daily swing in [-1, 1] with the room's own phase.
func (r *room) wave(t float64) float64 { return math.Sin(2*math.Pi*t/86400 + r.seed) }

// temperature of rack k at t, °C: 22–25, warmer further along the aisle.
func (r *room) temperature(k int, t float64) float64 {
	return 23 + 1.2*r.wave(t) + 0.4*float64(k)
}

// humidity of rack k at t, relative, 0–1.
func (r *room) humidity(k int, t float64) float64 {
	return 0.48 + 0.05*r.wave(t+3600) - 0.01*float64(k)
}

// feedAmps is what one feed of rack k draws: half the rack each.
func (r *room) feedAmps(k int, t float64) float64 {
	return r.racks[k].loadAmps/2 + 0.3*r.wave(t*24)
}

// onBattery reports whether the room's mains are out at t, and for how long.
func (r *room) onBattery(t float64) (bool, float64) {
	since := r.onBatterySec.Load()
	if since == 0 || float64(since) > t {
		return false, 0
	}
	return true, t - float64(since)
}

// upsLoad is the UPS's output load per line, 0–1: the racks' draw.
func (r *room) upsLoad(t float64) float64 {
	total := 0.0
	for k := range r.racks {
		total += 2 * r.feedAmps(k, t)
	}
	return math.Min(1, total/(upsLines*40))
}

// batteryMinutes left at t: 45 on full charge at this load, draining while
// on battery.
func (r *room) batteryMinutes(t float64) float64 {
	on, secs := r.onBattery(t)
	if !on {
		return 45
	}
	return math.Max(0, 45-secs/60*1.5)
}

// MainsOutage puts the named room's UPS on battery (on) or back on mains.
func (s *Sim) MainsOutage(roomName string, on bool) error {
	if s.cloud == nil {
		return fmt.Errorf("the simulator has no cloud (Options.Cloud)")
	}
	for _, r := range s.cloud.rooms {
		if r.name == roomName {
			if on {
				r.onBatterySec.CompareAndSwap(0, int64(s.now()))
			} else {
				r.onBatterySec.Store(0)
			}
			return nil
		}
	}
	return fmt.Errorf("no machine room %q", roomName)
}
