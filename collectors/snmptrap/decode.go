package snmptrap

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/gosnmp/gosnmp"
)

// decoder checks and decodes trap packets. It is used by the receive goroutine
// only: gosnmp's GoSNMP values are not meant for concurrent decoding.
type decoder struct {
	communities [][]byte
	users       map[string]usmUser
	v2          *gosnmp.GoSNMP // v1 and v2c
	v3          *gosnmp.GoSNMP // v3 through the per-user credential table
	probe       *gosnmp.GoSNMP // v3 engine discovery probes (no user)
	engine      *localEngine   // ours, for v3 informs

	// usmStats counters named in our Report PDUs (RFC 3414 section 5).
	unknownEngineIDs, notInTimeWindows uint32
}

func newDecoder(o Options, now time.Time) (*decoder, error) {
	table, users, err := usmTable(o.V3Users)
	if err != nil {
		return nil, err
	}
	engine, err := newLocalEngine(o.EngineID, o.V3Users, now)
	if err != nil {
		return nil, err
	}
	d := &decoder{users: users, engine: engine,
		v2: &gosnmp.GoSNMP{Version: gosnmp.Version2c},
		v3: &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel},
		probe: &gosnmp.GoSNMP{Version: gosnmp.Version3, SecurityModel: gosnmp.UserSecurityModel,
			SecurityParameters: &gosnmp.UsmSecurityParameters{}}}
	d.v3.SetTrapSecurityParametersTable(table)
	for _, c := range o.Communities {
		d.communities = append(d.communities, []byte(c.Reveal()))
	}
	return d, nil
}

// errDrop is a refused packet with its drop reason.
type errDrop struct {
	reason string
	err    error
}

func (e *errDrop) Error() string { return e.reason + ": " + e.err.Error() }
func (e *errDrop) Unwrap() error { return e.err }

func drop(reason string, err error) error { return &errDrop{reason: reason, err: err} }

// reasonOf returns the drop reason of an error from decode.
func reasonOf(err error) string {
	if d, ok := errors.AsType[*errDrop](err); ok {
		return d.reason
	}
	return reasonDecode
}

// decode checks one packet and decodes it into a Trap (without Source and
// Time). Every error is an *errDrop. reply, when set, is the datagram to send
// back: the Response to an inform, or a Report (engine discovery, a v3 inform
// outside our time window), with or without an error. gosnmp's decoder runs
// on bytes from the network, so a panic in it is a dropped packet, not a dead
// receiver.
func (d *decoder) decode(pkt []byte, now time.Time) (t Trap, reply []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, reply, err = Trap{}, nil, drop(reasonDecode, fmt.Errorf("decoder panic: %v", r))
		}
	}()
	h, err := readHeader(pkt)
	if err != nil {
		return Trap{}, nil, drop(reasonDecode, fmt.Errorf("read header: %w", err))
	}
	if h.isDiscovery() {
		reply, err := d.discoveryReport(pkt, now)
		return Trap{}, reply, drop(reasonDiscovery, fmt.Errorf("engine discovery probe (answered: %t): %w", err == nil, err))
	}
	if err := d.admit(h); err != nil {
		return Trap{}, nil, err
	}
	p, err := d.unmarshal(h, pkt)
	if err != nil {
		return Trap{}, nil, err
	}
	if p.PDUType != gosnmp.SNMPv2Trap && p.PDUType != gosnmp.Trap && p.PDUType != gosnmp.InformRequest {
		return Trap{}, nil, drop(reasonNotTrap, fmt.Errorf("PDU type %s is not a trap", p.PDUType))
	}
	if p.PDUType == gosnmp.InformRequest && h.version == 3 {
		if reply, err := d.checkInform(h, p, now); err != nil {
			return Trap{}, reply, err
		}
	}
	if t, err = fromPacket(p); err != nil {
		return Trap{}, nil, drop(reasonDecode, err)
	}
	t.User, t.requestID = h.user, p.RequestID
	if t.Inform {
		if reply, err = d.response(h, p, now); err != nil {
			informAckErrors.Inc() // stored all the same; the sender will retry
			reply = nil
		}
	}
	return t, reply, nil
}

// admit checks the header against the accepted communities and users before
// any costly decoding or cryptography.
func (d *decoder) admit(h header) error {
	if h.version != 3 {
		for _, c := range d.communities {
			if subtle.ConstantTimeCompare(c, []byte(h.community)) == 1 {
				return nil
			}
		}
		return drop(reasonBadCommunity, errors.New("community not accepted"))
	}
	if h.secModel != int(gosnmp.UserSecurityModel) {
		return drop(reasonBadAuth, fmt.Errorf("security model %d is not USM", h.secModel))
	}
	if n := len(h.engineID); n < 5 || n > 32 {
		return drop(reasonUnknownEngine, fmt.Errorf("engine id of %d octets (RFC 3411: 5 to 32)", n))
	}
	u, ok := d.users[h.user]
	if !ok {
		return drop(reasonBadAuth, fmt.Errorf("unknown user %q", clip(h.user)))
	}
	if len(u.engines) > 0 && !u.engines[h.engineID] && h.engineID != d.engine.id { // an inform names ours
		return drop(reasonUnknownEngine, fmt.Errorf("engine %x is not allowed for user %q", h.engineID, h.user))
	}
	if !u.level(gosnmp.SnmpV3MsgFlags(h.flags)) {
		return drop(reasonBadAuth, fmt.Errorf("user %q: message flags 0x%x below the user's security level", h.user, h.flags))
	}
	return nil
}

// unmarshal runs gosnmp's decoder. A v3 message it refuses is told apart by
// checking its HMAC ourselves (gosnmp's "not authentic" has no sentinel): a
// wrong digest is bad_auth; an authentic message that does not decrypt to a
// valid PDU is bad_auth too, as it almost always means a wrong privacy
// password (only the key holder could have built it); anything else is a
// decode error.
func (d *decoder) unmarshal(h header, pkt []byte) (*gosnmp.SnmpPacket, error) {
	if h.version != 3 {
		p, err := d.v2.UnmarshalTrap(pkt, false)
		if err != nil {
			return nil, drop(reasonDecode, fmt.Errorf("decode v%d trap: %w", h.version+1, err))
		}
		return p, nil
	}
	p, err := d.v3.UnmarshalTrap(pkt, true)
	switch {
	case err == nil:
		return p, nil
	case h.flags&byte(gosnmp.AuthNoPriv) != 0 && !d.authentic(h, pkt):
		return nil, drop(reasonBadAuth, fmt.Errorf("user %q: the digest does not verify (wrong auth password or protocol?)", h.user))
	case h.flags&byte(gosnmp.AuthPriv) == byte(gosnmp.AuthPriv):
		return nil, drop(reasonBadAuth, fmt.Errorf("user %q: authentic but does not decrypt (wrong privacy password or protocol?)", h.user))
	}
	return nil, drop(reasonDecode, fmt.Errorf("decode v3 trap: %w", err))
}
