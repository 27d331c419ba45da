package snmp

import (
	"fmt"
	"maps"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gosnmp/gosnmp"

	"github.com/swanwatch/swanwatch/collectors"
)

// Poll-detected link changes. A trap tells at once that a port went down, but
// traps get lost and many devices are not set up to send them; then only the
// poll sees the change. Each round compares every interface's ifOperStatus
// with the last round's and turns up(1)→down(2) into a linkDown event and
// down(2)→up(1) into a linkUp event, with the same labels the trap receiver
// gives a linkDown/linkUp trap (source snmp_poll instead of snmp_trap), so one
// event rule serves both and a trap and the next poll about the same port are
// one alert.
//
// Only up(1) and down(2) are remembered. testing(3), unknown(4), dormant(5),
// notPresent(6) and lowerLayerDown(7) neither raise nor clear anything and
// leave the last up/down state in place: up → testing → down is one linkDown,
// up → testing → up is nothing. lowerLayerDown is left out on purpose: it is
// what a sub-interface reads when its physical port fails, and the physical
// port already says so; counting it would page once per VLAN. The first round
// that sees an interface (collector start, new target, new port, a target that
// moved to another address) only learns its state.

// ifOperStatus values of IF-MIB (RFC 2863) that are remembered.
const (
	operUp   = 1
	operDown = 2
)

// maxLinkEventsPerRound bounds what one round hands to the sink. A chassis
// that loses a line card may change hundreds of ports at once; the changes
// past the bound are not committed, so the next round reports them: later,
// never lost.
const maxLinkEventsPerRound = 256

// Option changes how New builds a Collector.
type Option func(*Collector)

// WithEvents turns poll-detected link changes into events delivered to sink
// (nil: off). The sink is called from concurrent rounds of different targets,
// synchronously within the round, and must return quickly.
func WithEvents(sink collectors.EventSink) Option {
	return func(c *Collector) { c.events = sink }
}

// linkChange is one interface whose remembered state changed this round.
type linkChange struct {
	index, name string
	from, to    uint8
}

// operOf reads a row's ifOperStatus when it is up or down.
func operOf(row *ifRow) (uint8, bool) {
	if !row.has(cOper) || row.vals[cOper].Type != gosnmp.Integer {
		return 0, false
	}
	switch v, _ := row.vals[cOper].Value.(int); v {
	case operUp, operDown:
		return uint8(v), true
	}
	return 0, false
}

// trackOper updates the remembered up/down state of every interface the
// device reported this round (rows of a complete walk) and collects the
// changes. Interfaces the device no longer reports are forgotten, so the state
// is bounded by the interfaces the device has.
func (r *round) trackOper(rows []*ifRow) {
	st := r.st
	if st.operAddr != r.target.Address || st.oper == nil {
		st.oper, st.operAddr = make(map[string]uint8, len(rows)), r.target.Address
	}
	for _, row := range rows {
		v, ok := operOf(row)
		if !ok {
			continue
		}
		if old, had := st.oper[row.index]; had && old != v {
			r.changes = append(r.changes, linkChange{index: row.index, name: r.ifNames[row.index], from: old, to: v})
		}
		st.oper[row.index] = v
	}
	if len(st.oper) > len(rows) {
		st.oper = keepReported(st.oper, rows)
	}
}

// keepReported returns the entries of m whose interface is among rows.
func keepReported(m map[string]uint8, rows []*ifRow) map[string]uint8 {
	out := make(map[string]uint8, len(rows))
	for _, row := range rows {
		if v, ok := m[row.index]; ok {
			out[row.index] = v
		}
	}
	return out
}

// deliverLinkEvents hands this round's changes to the sink. Changes past the
// per-round bound, and all of them when the sink fails, are rolled back so
// that the next round sees them again.
func (r *round) deliverLinkEvents(now time.Time) {
	if len(r.changes) == 0 || r.c.events == nil {
		return
	}
	t := r.target
	send := r.changes[:min(len(r.changes), maxLinkEventsPerRound)]
	r.rollback(r.changes[len(send):], mLinkEventsDeferred)
	evs := make([]collectors.Event, len(send))
	for i, ch := range send {
		evs[i] = LinkEvent(t, ch.index, ch.name, ch.to == operDown, now)
	}
	if err := r.c.events.AppendEvents(r.ctx, evs); err != nil {
		r.rollback(send, mLinkEventsFailed)
		r.c.log.Warn("poll-detected link changes not delivered; retried next round",
			"target", t.Name, "events", len(evs), "err", err)
		return
	}
	for _, ch := range send {
		linkEventsTotal(ch.to).Inc()
	}
}

// rollback restores the remembered state of changes that were not delivered.
func (r *round) rollback(changes []linkChange, counter *metrics.Counter) {
	for _, ch := range changes {
		r.st.oper[ch.index] = ch.from
	}
	if len(changes) > 0 {
		counter.Add(len(changes))
	}
}

// LinkEvent is the event a poll emits when interface ifName (ifIndex) of
// target t is seen down (or back up) at time at: the target's inventory labels
// plus those the trap receiver gives a linkDown/linkUp trap, with source
// snmp_poll. It is exported so that the event rules are tested against the
// very events the poll sends.
func LinkEvent(t collectors.Target, ifIndex, ifName string, down bool, at time.Time) collectors.Event {
	labels := make(map[string]string, len(t.Labels)+7)
	maps.Copy(labels, t.Labels)
	trap, severity, text := "linkUp", "info", "状态由 down 变为 up，链路恢复"
	if down {
		trap, severity, text = "linkDown", "major", "状态由 up 变为 down，链路中断"
	}
	labels["source"] = "snmp_poll"
	labels["trap"] = trap
	labels["severity"] = severity // as the trap receiver's profile says
	labels["instance"] = t.Name
	labels["ifname"] = ifName
	labels["ifindex"] = ifIndex
	labels["kind"] = Kind
	return collectors.Event{Time: at, Labels: labels,
		Text: fmt.Sprintf("设备 %s 接口 %s %s（轮询发现）", t.Name, ifName, text)}
}

// SetTargets forgets the remembered state (link states, uptime, counters) of
// every device that is not among targets, so that a device removed from the
// inventory costs nothing and one added back starts afresh. Targets of other
// kinds are ignored. Without it, state is forgotten an hour after the last
// round.
func (c *Collector) SetTargets(targets []collectors.Target) {
	keep := make(map[string]bool, len(targets))
	for _, t := range targets {
		if t.Kind == Kind {
			keep[t.Key()] = true
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k := range c.states {
		if !keep[k] {
			delete(c.states, k)
		}
	}
}
