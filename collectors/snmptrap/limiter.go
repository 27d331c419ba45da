package snmptrap

import (
	"container/list"
	"net/netip"
	"time"
)

// limiter is a token bucket per source address. The table is bounded: when it
// is full the least recently seen source is evicted (and counted), so a
// spoofed-source flood costs memory of MaxSources buckets at most. An evicted
// source comes back with a full bucket, which is the price of the bound.
//
// It is used by the receive goroutine only, so it has no lock.
type limiter struct {
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

func newLimiter(rate float64, burst, max int) *limiter {
	return &limiter{rate: rate, burst: float64(burst), max: max,
		order: list.New(), byAddr: make(map[netip.Addr]*list.Element, min(max, 1024))}
}

// allow takes one token from addr's bucket. evicted reports that another
// source was dropped from the table to make room.
func (l *limiter) allow(addr netip.Addr, now time.Time) (ok, evicted bool) {
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
	if b.tokens < 1 {
		return false, evicted
	}
	b.tokens--
	return true, evicted
}

func (l *limiter) evictIfFull() bool {
	if l.order.Len() < l.max {
		return false
	}
	oldest := l.order.Back()
	l.order.Remove(oldest)
	delete(l.byAddr, oldest.Value.(*bucket).addr)
	return true
}

func (l *limiter) len() int { return l.order.Len() }
