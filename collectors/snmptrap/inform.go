package snmptrap

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/gosnmp/gosnmp"
)

// An InformRequest is a trap that wants an answer: the sender retransmits it
// until a Response with the same request-id arrives, and a device whose
// informs go unanswered counts the receiver as down. The receiver answers
// every accepted inform, including the retransmissions of one it has already
// stored (the first answer may have been lost), and stores it only once.
//
// SNMPv3 informs make the receiver the authoritative engine (RFC 3414
// section 1.5.1): the sender first discovers our engine ID, boots and time
// with an unauthenticated probe, which we answer with a Report PDU carrying
// usmStatsUnknownEngineIDs; its informs then carry our engine ID and must be
// within our time window (3.2.7), else we answer usmStatsNotInTimeWindows and
// it retries with our clock. Our Response is secured with the user's keys
// localised to our engine ID, at the security level of the inform.

// USM statistics OIDs (RFC 3414 section 5) named in the Report PDUs.
const (
	oidUnknownEngineIDs = ".1.3.6.1.6.3.15.1.1.4.0"
	oidNotInTimeWindows = ".1.3.6.1.6.3.15.1.1.2.0"
)

// isDiscovery reports an engine-ID discovery probe (RFC 3414 section 4): no
// engine ID, no user, no security, reportable.
func (h header) isDiscovery() bool {
	return h.version == 3 && h.engineID == "" && h.user == "" &&
		h.flags&byte(gosnmp.AuthPriv) == 0 && h.flags&byte(gosnmp.Reportable) != 0
}

// discoveryReport answers a probe with our engine ID, boots and time.
// Without v3 users no inform could follow, so no probe is answered.
func (d *decoder) discoveryReport(pkt []byte, now time.Time) ([]byte, error) {
	if len(d.users) == 0 {
		return nil, errors.New("no v3 users: not answered")
	}
	p, err := d.probe.UnmarshalTrap(pkt, false)
	if err != nil {
		return nil, fmt.Errorf("decode engine discovery probe: %w", err)
	}
	d.unknownEngineIDs++
	return d.report(p, "", oidUnknownEngineIDs, d.unknownEngineIDs, now)
}

// report builds a Report PDU about request p: unauthenticated when user is
// empty, else authNoPriv with the user's keys (RFC 3414 3.1.2: a
// notInTimeWindow report is authenticated so the sender can trust our clock).
func (d *decoder) report(p *gosnmp.SnmpPacket, user, oid string, count uint32, now time.Time) ([]byte, error) {
	sp := &gosnmp.UsmSecurityParameters{}
	flags := gosnmp.NoAuthNoPriv
	if base := d.engine.users[user]; base != nil {
		sp, flags = base.Copy().(*gosnmp.UsmSecurityParameters), gosnmp.AuthNoPriv
	}
	sp.AuthoritativeEngineID = d.engine.id
	sp.AuthoritativeEngineBoots, sp.AuthoritativeEngineTime = d.engine.clock(now)
	r := &gosnmp.SnmpPacket{Version: gosnmp.Version3, MsgFlags: flags, SecurityModel: gosnmp.UserSecurityModel,
		SecurityParameters: sp, MsgID: p.MsgID, RequestID: p.RequestID, PDUType: gosnmp.Report,
		ContextEngineID: d.engine.id, ContextName: p.ContextName,
		Variables: []gosnmp.SnmpPDU{{Name: oid, Type: gosnmp.Counter32, Value: uint(count)}}}
	return r.MarshalMsg()
}

// checkInform applies RFC 3414's rules for a v3 message to the authoritative
// engine. It returns the Report to send and the drop, or nothing.
func (d *decoder) checkInform(h header, p *gosnmp.SnmpPacket, now time.Time) ([]byte, error) {
	if h.engineID != d.engine.id {
		d.unknownEngineIDs++
		b, err := d.report(p, "", oidUnknownEngineIDs, d.unknownEngineIDs, now)
		return b, drop(reasonUnknownEngine, fmt.Errorf("inform for engine %x, not ours (%w)", h.engineID, err))
	}
	if !d.engine.inWindow(h, now) {
		d.notInTimeWindows++
		b, err := d.report(p, h.user, oidNotInTimeWindows, d.notInTimeWindows, now)
		return b, drop(reasonNotInTimeWindow, fmt.Errorf("inform boots %d time %d outside our window (%w)", h.boots, h.time, err))
	}
	return nil, nil
}

// response builds the Response to an accepted inform: same request-id and
// varbinds, error-status noError (RFC 3416 4.2.7).
func (d *decoder) response(h header, p *gosnmp.SnmpPacket, now time.Time) ([]byte, error) {
	r := &gosnmp.SnmpPacket{Version: p.Version, Community: h.community, PDUType: gosnmp.GetResponse,
		RequestID: p.RequestID, Variables: p.Variables}
	if p.Version == gosnmp.Version3 {
		base := d.engine.users[h.user]
		if base == nil {
			return nil, fmt.Errorf("no keys for user %q", clip(h.user))
		}
		sp := base.Copy().(*gosnmp.UsmSecurityParameters)
		sp.AuthoritativeEngineBoots, sp.AuthoritativeEngineTime = d.engine.clock(now)
		r.MsgFlags, r.SecurityModel, r.SecurityParameters = p.MsgFlags&^gosnmp.Reportable, gosnmp.UserSecurityModel, sp
		r.MsgID, r.ContextEngineID, r.ContextName = p.MsgID, p.ContextEngineID, p.ContextName
		if err := base.InitPacket(r); err != nil { // a fresh privacy salt
			return nil, fmt.Errorf("salt the response: %w", err)
		}
	}
	b, err := r.MarshalMsg()
	if err != nil {
		// A varbind gosnmp decoded but cannot encode again: the sender still
		// needs its answer, so send it without varbinds.
		r.Variables = nil
		b, err = r.MarshalMsg()
	}
	return b, err
}

// informKey identifies one inform across its retransmissions: net-snmp and
// device agents resend it with the same request-id from the same address.
type informKey struct {
	src netip.Addr
	id  uint32
}

// informMemory remembers the informs stored lately, so a retransmission is
// answered again but not stored twice. It is bounded: the oldest entry goes
// first (all share one lifetime, so first in is first to expire). Used by
// the receive goroutine only.
type informMemory struct {
	ttl  time.Duration
	seen map[informKey]informSeen
	ring []informKey
	next int
}

// informSeen is when an inform was stored and the ring slot that holds it.
type informSeen struct {
	at   time.Time
	slot int
}

func newInformMemory(size int, ttl time.Duration) *informMemory {
	return &informMemory{ttl: ttl, seen: make(map[informKey]informSeen, size), ring: make([]informKey, size)}
}

// repeat reports whether k was stored within the lifetime, and remembers it
// otherwise.
func (m *informMemory) repeat(k informKey, now time.Time) bool {
	if s, ok := m.seen[k]; ok && now.Sub(s.at) < m.ttl {
		return true
	}
	if old := m.ring[m.next]; m.seen[old].slot == m.next {
		delete(m.seen, old) // only if the slot still owns it: k may have been re-remembered elsewhere
	}
	m.ring[m.next] = k
	m.seen[k] = informSeen{at: now, slot: m.next}
	m.next = (m.next + 1) % len(m.ring)
	return false
}
