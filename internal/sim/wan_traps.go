package sim

import (
	"fmt"
	"net"
	"strconv"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gosnmp/gosnmp"
)

// When a forced change turns a link's oper status, each end that can still
// reach the city sends an SNMPv2c linkDown or linkUp trap (IF-MIB, RFC 2863)
// to Options.TrapTarget, from its own agent socket: the trap's source address
// is the device's address in the inventory, which is how a receiver tells the
// devices apart. An end cut off by the change sends nothing, as a router behind
// a dead uplink cannot deliver its trap either; so a single-homed town uplink
// going down gives one linkDown (from the aggregation switch) and coming back
// gives two linkUps.
//
// Only forced changes send traps: the timetable's faults are pure functions of
// time, computed when a poller asks, with no moment at which to send one.

// IF-MIB and SNMPv2-MIB objects of a link trap.
const (
	oidSysUpTime0     = ".1.3.6.1.2.1.1.3.0"
	oidSnmpTrapOID0   = ".1.3.6.1.6.3.1.1.4.1.0"
	oidLinkDown       = ".1.3.6.1.6.3.1.1.5.3"
	oidLinkUp         = ".1.3.6.1.6.3.1.1.5.4"
	oidIfIndexPfx     = ".1.3.6.1.2.1.2.2.1.1."
	oidIfAdminPfx     = ".1.3.6.1.2.1.2.2.1.7."
	oidIfOperPfx      = ".1.3.6.1.2.1.2.2.1.8."
	oidIfNamePfx      = ".1.3.6.1.2.1.31.1.1.1.1."
	defaultTrapCommty = "public"
)

var (
	trapsSent        = metrics.NewCounter(`swanwatch_sim_traps_total{result="sent"}`)
	trapsFailed      = metrics.NewCounter(`swanwatch_sim_traps_total{result="failed"}`)
	trapsUnreachable = metrics.NewCounter(`swanwatch_sim_traps_total{result="unreachable"}`)
)

// linkTrap builds the trap device d sends about its port with ifIndex idx.
func linkTrap(community string, id uint32, d *wanDevice, idx int, up bool, uptime float64) ([]byte, error) {
	trapOID, oper := oidLinkDown, 2
	if up {
		trapOID, oper = oidLinkUp, 1
	}
	i := strconv.Itoa(idx)
	pkt := &gosnmp.SnmpPacket{Version: gosnmp.Version2c, Community: community, PDUType: gosnmp.SNMPv2Trap,
		RequestID: id, Variables: []gosnmp.SnmpPDU{
			{Name: oidSysUpTime0, Type: gosnmp.TimeTicks, Value: uint32(uint64(uptime * 100))},
			{Name: oidSnmpTrapOID0, Type: gosnmp.ObjectIdentifier, Value: trapOID},
			{Name: oidIfIndexPfx + i, Type: gosnmp.Integer, Value: idx},
			{Name: oidIfAdminPfx + i, Type: gosnmp.Integer, Value: d.ports[idx-1].Admin},
			{Name: oidIfOperPfx + i, Type: gosnmp.Integer, Value: oper},
			{Name: oidIfNamePfx + i, Type: gosnmp.OctetString, Value: d.ports[idx-1].Name},
		}}
	b, err := pkt.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("encode trap: %w", err)
	}
	return b, nil
}

// sendTraps sends the trap of each end of l that can reach the city at t.
func (w *wanServer) sendTraps(l *wanLink, up bool, t float64) {
	if w.trapTo == nil {
		return
	}
	for _, e := range []linkEnd{l.A, l.B} {
		if e.dev < 0 {
			continue // a carrier's side
		}
		d := w.net.devs[e.dev]
		if w.net.force.cutOff(d.idx) || w.net.booting(d, t) {
			trapsUnreachable.Inc()
			continue
		}
		if err := w.sendTrap(d, e.port+1, up, t); err != nil {
			trapsFailed.Inc()
			w.log.Warn("trap not sent", "device", d.Name, "err", err)
			continue
		}
		trapsSent.Inc()
	}
}

// sendTrap sends one trap from d's agent socket.
func (w *wanServer) sendTrap(d *wanDevice, idx int, up bool, t float64) error {
	b, err := linkTrap(w.trapCommunity, w.trapID.Add(1), d, idx, up, t-w.net.lastBoot(d, t))
	if err != nil {
		return err
	}
	w.mu.Lock()
	var c *net.UDPConn
	if w.conns != nil {
		c = w.conns[d.idx]
	}
	w.mu.Unlock()
	if c == nil {
		return fmt.Errorf("send trap to %s: agents not listening", w.trapTo)
	}
	if _, err := c.WriteToUDP(b, w.trapTo); err != nil {
		return fmt.Errorf("send trap to %s: %w", w.trapTo, err)
	}
	return nil
}

// resolveTrapTarget parses Options.TrapTarget; nil when traps are off.
func resolveTrapTarget(target string) (*net.UDPAddr, error) {
	if target == "" {
		return nil, nil
	}
	a, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		return nil, fmt.Errorf("sim options: trap target %q: %w", truncate(target, 80), err)
	}
	if a.Port == 0 {
		return nil, fmt.Errorf("sim options: trap target %q: want host:port with a port", truncate(target, 80))
	}
	return a, nil
}
