package snmp

import (
	"sync"
	"sync/atomic"
	"time"
)

// targetState is what the collector remembers of one device between rounds:
// the last sysUpTime (to see restarts) and the 32-bit counters it extends to
// 64-bit totals.
type targetState struct {
	mu       sync.Mutex // one round per target at a time
	seen     time.Time
	uptime   uint32
	uptimeAt time.Time
	restarts float64
	counters map[ctrKey]*ctr32
	// ifSkip holds the IF-MIB columns (bit per column) that the last round
	// found redundant: with 64-bit counters on every interface, the 32-bit octet
	// and packet columns are not walked (a third fewer varbinds).
	ifSkip    uint32
	lastRound time.Time
	// rows found by each stage's walk last round, to size max-repetitions.
	rows map[string]int
	// oper is the last up/down ifOperStatus per ifIndex (linkevents.go),
	// polled at operAddr: a target moved to another address starts afresh.
	oper     map[string]uint8
	operAddr string
	// ifNames is ifIndex → ifName of the last complete IF-MIB walk, read
	// without the round's lock by the trap receiver (Collector.IfName).
	ifNames atomic.Pointer[map[string]string]
	// engine is the v3 agent's engine for the next session (engine.go).
	engine engineCache
}

type ctrKey struct {
	index string
	col   uint8
}

type ctr32 struct {
	raw   uint32
	total uint64
}

func newTargetState() *targetState {
	return &targetState{counters: map[ctrKey]*ctr32{}, rows: map[string]int{}}
}

// rowsHint returns the rows a stage's walk found last round, or -1.
func (s *targetState) rowsHint(stage string) int {
	if n, ok := s.rows[stage]; ok {
		return n
	}
	return -1
}

// ticksPerSecond of sysUpTime (TimeTicks are hundredths of a second).
const ticksPerSecond = 100

// observeUptime records sysUpTime and reports whether the device restarted
// since the last round. TimeTicks wrap after 497 days: a value that went
// backwards by about what a wrap explains is not a restart.
func (s *targetState) observeUptime(ticks uint32, now time.Time) bool {
	prev, prevAt := s.uptime, s.uptimeAt
	s.uptime, s.uptimeAt = ticks, now
	if prevAt.IsZero() || ticks >= prev {
		return false
	}
	elapsed := uint64(max(now.Sub(prevAt), 0) / (time.Second / ticksPerSecond))
	expected := uint64(prev) + elapsed
	slack := max(elapsed/2, 60*ticksPerSecond)
	if expected >= 1<<32 && absDiff(expected-1<<32, uint64(ticks)) <= slack {
		return false
	}
	s.restarts++
	// Counters restarted with the device: the next values are emitted as the
	// device reports them (rate() sees a reset), never extended across the
	// restart, which would invent a traffic spike.
	clear(s.counters)
	return true
}

func absDiff(a, b uint64) uint64 {
	if a > b {
		return a - b
	}
	return b - a
}

// extend turns a 32-bit counter into a monotonic total across wraps. A value
// that went backwards is a wrap, unless the traffic it implies is more than
// maxDelta (what the interface can carry since the last round; 0 = unknown):
// then the counter was reset, and the raw value restarts the total.
func (s *targetState) extend(k ctrKey, raw uint32, maxDelta uint64) float64 {
	c := s.counters[k]
	if c == nil {
		s.counters[k] = &ctr32{raw: raw, total: uint64(raw)}
		return float64(raw)
	}
	delta := uint64(raw - c.raw) // modulo 2^32: a wrap is one small step forward
	if raw < c.raw && maxDelta > 0 && delta > maxDelta {
		c.total = uint64(raw)
	} else {
		c.total += delta
	}
	c.raw = raw
	return float64(c.total)
}

// state returns the remembered state of a target, creating it, and forgets
// targets not polled for an hour (removed from the inventory).
func (c *Collector) state(key string, now time.Time) *targetState {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Sub(c.lastPrune) > 10*time.Minute {
		for k, s := range c.states {
			if now.Sub(s.seen) > time.Hour {
				delete(c.states, k)
			}
		}
		c.lastPrune = now
	}
	s := c.states[key]
	if s == nil {
		s = newTargetState()
		c.states[key] = s
	}
	s.seen = now
	return s
}
