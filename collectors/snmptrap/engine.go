package snmptrap

import (
	"crypto/rand"
	"fmt"
	"time"

	"github.com/gosnmp/gosnmp"
)

// localEngine is the receiver's own SNMPv3 engine. A trap is sent by an
// authoritative sender, but for an InformRequest the receiver is the
// authoritative engine (RFC 3414 section 1.5.1): the sender discovers our
// engine ID, boots and time, and we must check its messages against them and
// answer with them.
type localEngine struct {
	id    string    // 5..32 octets
	boots uint32    // snmpEngineBoots
	start time.Time // snmpEngineTime counts from here
	users map[string]*gosnmp.UsmSecurityParameters
}

// bootsEpoch makes snmpEngineBoots grow on every start without a state file:
// it is the number of seconds from this epoch to the start, which only
// grows, fits the 31 bits RFC 3414 allows until 2088, and so never repeats a
// (boots, time) pair a sender may have cached from an earlier run.
var bootsEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

// maxBoots is RFC 3414's latched value: an engine at 2^31-1 accepts nothing.
const maxBoots = 1<<31 - 1

// timeWindow is RFC 3414's window for authenticated messages (3.2.7).
const timeWindow = 150 * time.Second

// newLocalEngine sets up our engine: id is hex from the options, or empty for
// a random one (format 5, RFC 3411: administratively assigned octets).
func newLocalEngine(id string, users []V3User, now time.Time) (*localEngine, error) {
	e := &localEngine{start: now, boots: uint32(max(1, min(int64(now.Sub(bootsEpoch)/time.Second), maxBoots-1)))}
	if id == "" {
		b := make([]byte, 13)
		b[0], b[4] = 0x80, 5 // enterprise 0 with the format bit, format 5
		_, _ = rand.Read(b[5:])
		e.id = string(b)
	} else {
		var err error
		if e.id, err = parseEngineID(id); err != nil {
			return nil, err
		}
	}
	e.users = make(map[string]*gosnmp.UsmSecurityParameters, len(users))
	for _, u := range users {
		sp := usmParams(u)
		sp.AuthoritativeEngineID = e.id
		if err := sp.InitSecurityKeys(); err != nil {
			return nil, fmt.Errorf("localise the keys of v3 user %q to our engine: %w", u.Name, err)
		}
		e.users[u.Name] = sp
	}
	return e, nil
}

// clock returns snmpEngineBoots and snmpEngineTime at now.
func (e *localEngine) clock(now time.Time) (boots, secs uint32) {
	return e.boots, uint32(max(now.Sub(e.start), 0) / time.Second)
}

// inWindow is RFC 3414 3.2.7 a: the message's boots and time, against ours.
func (e *localEngine) inWindow(h header, now time.Time) bool {
	boots, secs := e.clock(now)
	if boots == maxBoots || h.boots != int64(boots) {
		return false
	}
	d := time.Duration(h.time-int64(secs)) * time.Second
	return d <= timeWindow && d >= -timeWindow
}
