package sim

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/internal/devicefake"
)

// The park's vendor boxes are internal/devicefake's fakes, one listener each
// (a box is a host:port to its collector): Hikvision turnstiles and Modbus
// gate boards, Hikvision barriers, Xixun LED cards behind one realtime
// server, Novastar COEX processors, and the parking system. Their figures are
// set from the park's model (park_devices.go) every boxSyncEvery; the fakes
// keep counters, so passages are handed to them as the difference since the
// last sync. The boxes are made at listen (the fakes listen as they are
// made) and closed when the park stops.

const boxSyncEvery = 2 * time.Second

// parkBoxes are the running fakes.
type parkBoxes struct {
	mu       sync.Mutex // serialises syncs (the loop and the story's controls)
	hik      map[string]*devicefake.HikvisionGate
	modbus   map[string]*devicefake.ModbusGate
	barriers map[string]*devicefake.HikvisionBarrier
	xixun    *devicefake.XixunServer
	coex     map[string]*devicefake.CoexProcessor
	parking  *devicefake.ParkingServer
	passed   map[string]int64 // counter name → what the fakes were handed
	closers  []func() error
}

// devicePasswords are the logins of the boxes that need one (turnstiles and
// barriers, digest), drawn from the seed.
func devicePasswords(seed int64) map[string]string {
	g := rand.New(rand.NewPCG(uint64(seed), 0x444556)) // "DEV"
	out := map[string]string{}
	for _, gt := range parkGates {
		if gt.Kind == "hikvision" {
			out[gt.Name] = parkPassword(g)
		}
	}
	for _, l := range parkLots {
		out["barrier-"+l.Name] = parkPassword(g)
	}
	return out
}

// openBoxes starts every fake; on failure it closes what it started.
func (p *park) openBoxes() (err error) {
	b := &parkBoxes{hik: map[string]*devicefake.HikvisionGate{}, modbus: map[string]*devicefake.ModbusGate{},
		barriers: map[string]*devicefake.HikvisionBarrier{}, coex: map[string]*devicefake.CoexProcessor{},
		passed: map[string]int64{}}
	defer func() {
		if err != nil {
			b.close()
		}
	}()
	digest := func(name string) devicefake.Auth {
		return devicefake.Auth{Scheme: "digest", User: "admin", Password: p.devPass[name], Realm: "DS-" + name}
	}
	for _, g := range parkGates {
		if g.Kind == "hikvision" {
			f, err := devicefake.NewHikvisionGate("127.0.0.1:0")
			if err != nil {
				return err
			}
			b.closers = append(b.closers, f.Close)
			f.SetAuth(digest(g.Name))
			b.hik[g.Name] = f
			continue
		}
		f, err := devicefake.NewModbusGate()
		if err != nil {
			return err
		}
		b.closers = append(b.closers, f.Close)
		b.modbus[g.Name] = f
	}
	var lots []devicefake.ParkingLot
	for _, l := range parkLots {
		f, err := devicefake.NewHikvisionBarrier("127.0.0.1:0")
		if err != nil {
			return err
		}
		b.closers = append(b.closers, f.Close)
		f.SetAuth(digest("barrier-" + l.Name))
		b.barriers[l.Name] = f
		lots = append(lots, devicefake.ParkingLot{Code: l.Code, Name: l.Label, Total: l.Capacity, Free: l.Capacity - l.Base})
	}
	if b.parking, err = devicefake.NewParkingServer("127.0.0.1:0", lots...); err != nil {
		return err
	}
	b.closers = append(b.closers, b.parking.Close)
	if b.xixun, err = devicefake.NewXixunServer("127.0.0.1:0"); err != nil {
		return err
	}
	b.closers = append(b.closers, b.xixun.Close)
	for _, l := range parkLEDs {
		if l.Kind == "coex" {
			f, err := devicefake.NewCoexProcessor("127.0.0.1:0", ledScreenID(l.Name))
			if err != nil {
				return err
			}
			b.closers = append(b.closers, f.Close)
			b.coex[l.Name] = f
		}
	}
	p.boxes = b
	p.syncBoxes(timeSec(p.now()))
	return nil
}

func (b *parkBoxes) close() {
	var errs []error
	for _, c := range b.closers {
		errs = append(errs, c())
	}
	_ = errors.Join(errs...) // on the way out: nothing to do about a fake that closed badly
	b.closers = nil
}

// ledScreenID and ledCardID are the ids the LED profiles' params name.
func ledScreenID(name string) string { return "{" + name + "}" }
func ledCardID(name string) string   { return "y10-" + name }

// syncBoxes sets every fake from the model at t.
func (p *park) syncBoxes(t float64) {
	b := p.boxes
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	d, _ := cstDay(t)
	dayStart := float64(d)*day - shanghaiOffset
	for i := range parkGates {
		g := &parkGates[i]
		st := p.gate(g, t)
		if f := b.hik[g.Name]; f != nil { // counts since CST midnight, as a search from 00:00 does
			st0 := p.gate(g, dayStart)
			b.handOn(g.Name+"/in", st.In-st0.In, int64(f.Passages("in")), func(n int64) { f.Pass("in", int(n)) })
			b.handOn(g.Name+"/out", st.Out-st0.Out, int64(f.Passages("out")), func(n int64) { f.Pass("out", int(n)) })
			f.SetReaderOnline(st.OK)
			f.SetLockStatus(map[bool]int{true: 0, false: 4}[st.OK]) // 4: the lock's exception alarm
			continue
		}
		f := b.modbus[g.Name]
		b.handOn(g.Name+"/in", st.In, b.passed[g.Name+"/in"], func(n int64) { f.Pass("in", uint32(n)) })
		b.handOn(g.Name+"/out", st.Out, b.passed[g.Name+"/out"], func(n int64) { f.Pass("out", uint32(n)) })
		f.SetState(map[bool]uint16{true: 0, false: 1}[st.OK], uint16(st.Fault))
	}
	for i := range parkLots {
		l := &parkLots[i]
		b.parking.SetFree(l.Code, p.lot(l, t).Free)
	}
	for i, l := range parkLEDs {
		st := p.led(i, t)
		if f := b.coex[l.Name]; f != nil {
			f.Set(func(s *devicefake.CoexState) {
				s.DisplayMode = map[bool]int{true: 0, false: 2}[st.On]
				s.Brightness, s.Temperature, s.Power, s.AbnormalCards = st.Brightness, st.Temperature, st.Power, st.ModuleFaults
			})
			continue
		}
		b.xixun.SetCard(ledCardID(l.Name), devicefake.XixunCard{Online: true, ScreenOn: st.On,
			Brightness: int(math.Round(st.Brightness * 255 / 100)), Program: st.Program, Temperature: st.Temperature,
			Voltage: 4.5 + 0.1*unit(hash3(uint64(p.seed), uint64(i), uint64(t/600)))})
	}
}

// handOn passes a counter's growth to a fake: want is the model's count,
// have what the fake holds; a count that went back (the fake's day rolled
// first) waits for the model.
func (b *parkBoxes) handOn(key string, want, have int64, pass func(int64)) {
	if want > have {
		pass(want - have)
		b.passed[key] = want
	}
}

func (p *park) syncLoop(done <-chan struct{}) {
	tk := time.NewTicker(boxSyncEvery)
	defer tk.Stop()
	for {
		select {
		case <-done:
			return
		case <-tk.C:
			p.syncBoxes(timeSec(p.now()))
		}
	}
}

// boxAddr is the address of a device's fake for the inventory, "" before
// listen: a URL for HTTP boxes, host:port for Modbus.
func (p *park) boxAddr(kind, name string) string {
	b := p.boxes
	if b == nil {
		return ""
	}
	switch kind {
	case "hikvision":
		return b.hik[name].URL()
	case "modbus":
		return b.modbus[name].Addr()
	case "barrier":
		return b.barriers[name].URL()
	case "parking":
		return b.parking.URL()
	case "xixun":
		return b.xixun.URL()
	case "coex":
		return b.coex[name].URL()
	}
	panic(fmt.Sprintf("park: no box kind %s", kind))
}
