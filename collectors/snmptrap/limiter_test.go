package snmptrap

import (
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestLimiter(t *testing.T) {
	a, b, c := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("2001:db8::3")
	t0 := time.Unix(1_800_000_000, 0)
	type step struct {
		addr             netip.Addr
		at               time.Duration
		allowed, evicted bool
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"burst then refill at the rate", []step{
			{a, 0, true, false}, {a, 0, true, false}, {a, 0, true, false}, {a, 0, false, false},
			{a, 400 * time.Millisecond, false, false}, {a, 500 * time.Millisecond, true, false},
			{a, 500 * time.Millisecond, false, false},
		}},
		{"sources do not share a bucket", []step{
			{a, 0, true, false}, {a, 0, true, false}, {a, 0, true, false}, {a, 0, false, false},
			{b, 0, true, false},
		}},
		{"least recently seen source is evicted and returns full", []step{
			{a, 0, true, false}, {a, 0, true, false}, {a, 0, true, false}, {b, 0, true, false},
			{c, 0, true, true}, // table of 2: a goes
			{a, 0, true, true}, // a is back with a full bucket; b goes
		}},
		{"a long pause refills to the burst only", []step{
			{a, 0, true, false}, {a, time.Hour, true, false}, {a, time.Hour, true, false},
			{a, time.Hour, true, false}, {a, time.Hour, false, false},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLimiter(2, 3, 2) // 2/s, burst 3, 2 sources
			for i, s := range tc.steps {
				ok, ev := l.allow(s.addr, t0.Add(s.at))
				assert.Equal(t, s.allowed, ok, "step %d allowed", i)
				assert.Equal(t, s.evicted, ev, "step %d evicted", i)
			}
			assert.LessOrEqual(t, l.len(), 2)
		})
	}
}
