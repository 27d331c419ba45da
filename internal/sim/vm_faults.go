package sim

import (
	"math"
)

// Mode is how an offline agent fails. A shared listener cannot refuse one VM's
// connection, so the three ways real agents fail are imitated per request:
//
//   - Mode503: the answer is 503 Service Unavailable (a proxy in front of a dead
//     agent, or an agent that is up but cannot read /proc);
//   - ModeHang: the request is held open until the client gives up (a frozen VM,
//     a black-holed route, a host down);
//   - ModeClose: the connection is closed without a response (the agent process
//     is gone; the closest a shared listener gets to "connection refused").
type Mode uint8

// The modes; ModeUp means the agent answers.
const (
	ModeUp Mode = iota
	Mode503
	ModeHang
	ModeClose
)

func (m Mode) String() string {
	switch m {
	case Mode503:
		return "503"
	case ModeHang:
		return "hang"
	case ModeClose:
		return "close"
	}
	return "up"
}

// Why an agent is offline, as /control and Offline report it.
const (
	ReasonForced   = "forced"        // POST /control/vm/{name}/offline
	ReasonReboot   = "reboot"        // the VM is booting
	ReasonSchedule = "agent_fault"   // the agent's own short outage
	ReasonStopped  = "agent_stopped" // the agent is down for days until fixed (R-A1)
	ReasonHost     = "host_down"     // the VM's hypervisor host failed
	ReasonSite     = "site_down"     // a county machine room lost power or uplink
	ReasonFault    = "injected"      // the Options.FaultEvery outage
)

// Schedule constants. The mean own-outage length is 540 s, so a slot chance of
// p gives an offline share of 0.9·p.
const (
	slotOwn      = 600.0
	ownMin       = 120.0
	ownSpan      = 840.0
	slotLong     = 3 * 86400.0
	longChance   = 0.002
	slotGroup    = 3600.0
	groupEvery   = 3 * 3600.0 // one group outage somewhere in ~3 hours
	installEpoch = 1.70e9     // Nov 2023: VMs were installed in the two years before
)

// status is an agent's state at one instant.
type status struct {
	Mode         Mode
	Reason       string
	Since, Until float64
}

// forceState is what /control set for a VM: 0 follows the schedule.
const (
	forceAuto uint32 = iota
	forceOnline
	forceOffline // + Mode
)

// state returns whether and how v's agent is offline at t.
func (s *Sim) state(v *vm, t float64) status {
	switch f := v.forced.Load(); {
	case f == forceOnline:
		return status{}
	case f > forceOffline:
		return status{Mode: Mode(f - forceOffline), Reason: ReasonForced}
	}
	if boot := s.bootTime(v, t); t < boot+bootGap(v, boot) {
		return status{ModeClose, ReasonReboot, boot, boot + bootGap(v, boot)}
	}
	if st := s.groupState(v, t); st.Mode != ModeUp {
		return st
	}
	if st := longState(v, t); st.Mode != ModeUp {
		return st
	}
	return s.ownState(v, t)
}

// window draws an outage in slot j of length slot: whether there is one (chance
// p), its start, duration and mode.
func window(key, salt uint64, j, slot, p, minDur, span float64) (bool, float64, float64, uint64) {
	h := hash3(key, uint64(int64(j)), salt)
	if unit(h) >= p {
		return false, 0, 0, h
	}
	start := j*slot + unit(mix(h))*slot
	return true, start, minDur + unit(mix(h^1))*span, mix(h ^ 2)
}

func (s *Sim) ownState(v *vm, t float64) status {
	p := s.est.offlineBase * v.offlineFactor
	k := math.Floor(t / slotOwn)
	for j := k - 2; j <= k; j++ {
		ok, start, dur, h := window(v.key, saltOutage, j, slotOwn, p, ownMin, ownSpan)
		if ok && start <= t && t < start+dur {
			m := Mode503
			if u := unit(h); u >= 0.75 {
				m = ModeClose
			} else if u >= 0.45 {
				m = ModeHang
			}
			return status{m, ReasonSchedule, start, start + dur}
		}
	}
	return status{}
}

func longState(v *vm, t float64) status {
	k := math.Floor(t / slotLong)
	for j := k - 1; j <= k; j++ {
		ok, start, dur, _ := window(v.key, saltLong, j, slotLong, longChance, 86400, 2*86400)
		if ok && start <= t && t < start+dur {
			return status{ModeClose, ReasonStopped, start, start + dur}
		}
	}
	return status{}
}

// groupState covers whole-host and whole-site outages, natural and injected.
func (s *Sim) groupState(v *vm, t float64) status {
	gr := &s.est.groups[v.group]
	reason := ReasonHost
	if gr.Kind == "site" {
		reason = ReasonSite
	}
	p := math.Min(0.5, slotGroup/groupEvery/float64(len(s.est.groups)))
	k := math.Floor(t / slotGroup)
	for j := k - 1; j <= k; j++ {
		ok, start, dur, h := window(uint64(s.opts.Seed)^uint64(v.group)<<20, saltGroup, j, slotGroup, p, 180, 300)
		if ok && start <= t && t < start+dur {
			m := ModeHang
			if unit(h) >= 0.7 {
				m = ModeClose
			}
			return status{m, reason, start, start + dur}
		}
	}
	return s.injected(v, t)
}

// injected is the outage Options.FaultEvery asks for: one group at the start of
// every period, so that the demo shows an alert fire and clear on a timetable.
func (s *Sim) injected(v *vm, t float64) status {
	f := s.opts.FaultEvery.Seconds()
	if f <= 0 {
		return status{}
	}
	k := math.Floor(t / f)
	g := int(hash3(uint64(s.opts.Seed), uint64(int64(k)), saltFault) % uint64(len(s.est.groups)))
	start, dur := k*f, math.Min(f/2, 300)
	if g != v.group || t >= start+dur {
		return status{}
	}
	return status{ModeHang, ReasonFault, start, start + dur}
}

// bootTime returns the last boot of v at or before t. Each VM has weekly slots
// (shifted by a per-VM phase) with a chance of one reboot each; before its first
// reboot a VM has been up since it was installed.
func (s *Sim) bootTime(v *vm, t float64) float64 {
	h0 := hash3(v.key, 0, saltReboot)
	install := math.Floor(installEpoch - unit(h0)*2*365*86400)
	p := v.prof.Reboot
	if p == 0 || t <= install {
		return install
	}
	phase := unit(mix(h0)) * week
	for j := math.Floor((t + phase) / week); j*week-phase+week > install; j-- {
		h := hash3(v.key, uint64(int64(j)), saltReboot)
		if unit(h) >= p {
			continue
		}
		// /proc/stat's btime, and so node_boot_time_seconds, is whole seconds.
		if r := j*week - phase + unit(mix(h))*week; r <= t && r > install {
			return math.Floor(r)
		}
	}
	return install
}

// bootGap is how long the agent is unreachable while the VM boots.
func bootGap(v *vm, boot float64) float64 {
	return 60 + unit(hash3(v.key, uint64(int64(boot)), saltReboot))*120
}
