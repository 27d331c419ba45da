// Package srclimit is the per-source token bucket the listeners share (the SNMP
// trap receiver and the syslog receiver): what one sender address may cost is
// bounded, and so is the table of senders, since a spoofed-source flood must not
// grow memory without limit.
package srclimit

import (
	"container/list"
	"math"
	"net/netip"
	"sync"
	"time"
)

// Limiter is a token bucket per source address. The table is bounded: when it
// is full the least recently seen source is evicted (the caller counts it), so a
// spoofed-source flood costs memory of max buckets at most. An evicted source
// comes back with a full bucket, which is the price of the bound.
//
// It is safe for concurrent use: one mutex, held for a map lookup and a few
// float operations, is cheaper than sharding at the rates a listener sees.
type Limiter struct {
	mu          sync.Mutex
	rate, burst float64
	max         int
	order       *list.List // of *bucket, most recently seen at the front
	byAddr      map[netip.Addr]*list.Element
}

type bucket struct {
	addr   netip.Addr
	tokens float64
	last   time.Time
}

// New returns a limiter of rate tokens per second per source, holding at most
// burst tokens, for at most max sources.
func New(rate float64, burst, max int) *Limiter {
	return &Limiter{rate: rate, burst: float64(burst), max: max,
		order: list.New(), byAddr: make(map[netip.Addr]*list.Element, min(max, 1024))}
}

// Allow takes one token from addr's bucket. evicted reports that another
// source was dropped from the table to make room.
func (l *Limiter) Allow(addr netip.Addr, now time.Time) (ok, evicted bool) {
	wait, evicted := l.Take(addr, now)
	return wait == 0, evicted
}

// Take takes one token from addr's bucket and returns 0, or, when the bucket
// is empty, takes nothing and returns how long until a token is there: a
// stream listener sleeps that long instead of dropping, so the sender's TCP
// window slows it and nothing is lost. With a zero rate the wait is "forever".
func (l *Limiter) Take(addr netip.Addr, now time.Time) (wait time.Duration, evicted bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, found := l.byAddr[addr]
	if !found {
		evicted = l.evictIfFull()
		e = l.order.PushFront(&bucket{addr: addr, tokens: l.burst, last: now})
		l.byAddr[addr] = e
	} else {
		l.order.MoveToFront(e)
	}
	b := e.Value.(*bucket)
	if dt := now.Sub(b.last).Seconds(); dt > 0 {
		b.tokens = min(l.burst, b.tokens+dt*l.rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return 0, evicted
	}
	if l.rate <= 0 {
		return math.MaxInt64, evicted
	}
	return max(time.Duration((1-b.tokens)/l.rate*float64(time.Second)), time.Microsecond), evicted
}

func (l *Limiter) evictIfFull() bool {
	if l.order.Len() < l.max {
		return false
	}
	oldest := l.order.Back()
	l.order.Remove(oldest)
	delete(l.byAddr, oldest.Value.(*bucket).addr)
	return true
}

// Len is the number of sources tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.order.Len()
}
