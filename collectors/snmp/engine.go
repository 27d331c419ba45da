package snmp

import (
	"crypto/sha256"
	"fmt"
	"time"

	"github.com/gosnmp/gosnmp"
)

// SNMPv3 engine discovery, once per device instead of once per round. Every
// v3 session starts by asking the agent for its engine ID, boots and time
// (RFC 3414 section 4): one request and one answer more per round, per
// device. The collector keeps what the last round learnt and seeds the next
// session with it, its time advanced by the time that passed, so the round
// starts with the real requests. It learns afresh when
//   - the agent answers usmStatsUnknownEngineIDs (another engine at the
//     address: gosnmp takes the engine from the report and sends again),
//   - the agent answers usmStatsNotInTimeWindows (it restarted, so its boots
//     grew: gosnmp takes boots and time from the report and sends again),
//   - the poll sees sysUpTime go back (a restart; the cache is dropped),
//   - the address, user or credentials change (the cache is keyed by them),
//   - a round fails: a wrong priv pass phrase looks like a timeout to a
//     seeded session (net-snmp drops what it cannot decrypt), while a fresh
//     discovery tells the two apart (session.classify).

// engineCache is a device's engine as the last good round left it.
type engineCache struct {
	key         string // address and credentials it is valid for
	id          string
	boots, time uint32
	at          time.Time // when time was read
}

// cacheKey identifies the address and credentials; the pass phrases are
// hashed so the cache holds no copy of them.
func cacheKey(tp targetParams) string {
	sum := sha256.Sum256([]byte(tp.authPass + "\x00" + tp.privPass))
	return fmt.Sprintf("%s|%d|%s|%d|%d|%x", tp.host, tp.port, tp.user, tp.authProto, tp.privProto, sum[:8])
}

// seed starts usm (and g's context engine) from the cache when it is valid
// for tp; it reports whether it did.
func (e engineCache) seed(g *gosnmp.GoSNMP, usm *gosnmp.UsmSecurityParameters, tp targetParams, now time.Time) bool {
	if e.id == "" || e.key != cacheKey(tp) {
		return false
	}
	usm.AuthoritativeEngineID = e.id
	usm.AuthoritativeEngineBoots = e.boots
	usm.AuthoritativeEngineTime = e.time + uint32(max(now.Sub(e.at), 0)/time.Second)
	if err := usm.InitSecurityKeys(); err != nil { // gosnmp localises the keys only after its own discovery
		return false
	}
	g.ContextEngineID = e.id
	return true
}

// learnt is the engine a v3 session ended with, as of now.
func (s *session) learnt(tp targetParams, now time.Time) engineCache {
	usm, ok := s.g.SecurityParameters.(*gosnmp.UsmSecurityParameters)
	if !ok || s.g.Version != gosnmp.Version3 || usm.AuthoritativeEngineID == "" {
		return engineCache{}
	}
	return engineCache{key: cacheKey(tp), id: usm.AuthoritativeEngineID,
		boots: usm.AuthoritativeEngineBoots, time: usm.AuthoritativeEngineTime, at: now}
}
