package srclimit

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
			l := New(2, 3, 2) // 2/s, burst 3, 2 sources
			for i, s := range tc.steps {
				ok, ev := l.Allow(s.addr, t0.Add(s.at))
				assert.Equal(t, s.allowed, ok, "step %d allowed", i)
				assert.Equal(t, s.evicted, ev, "step %d evicted", i)
			}
			assert.LessOrEqual(t, l.Len(), 2)
		})
	}
}

func TestTakeSaysHowLongUntilAToken(t *testing.T) {
	a := netip.MustParseAddr("192.0.2.1")
	t0 := time.Unix(1_800_000_000, 0)
	l := New(4, 1, 10) // 4/s, burst 1
	wait, _ := l.Take(a, t0)
	assert.Zero(t, wait, "the burst is there at once")
	wait, _ = l.Take(a, t0)
	assert.Equal(t, 250*time.Millisecond, wait, "one token at 4/s is 250 ms away")
	wait, _ = l.Take(a, t0.Add(100*time.Millisecond))
	assert.InDelta(t, float64(150*time.Millisecond), float64(wait), float64(time.Microsecond), "waiting took nothing")
	wait, _ = l.Take(a, t0.Add(250*time.Millisecond))
	assert.Zero(t, wait)
	stuck := New(0, 1, 10)
	stuck.Take(a, t0)
	wait, _ = stuck.Take(a, t0.Add(time.Hour))
	assert.Greater(t, wait, 24*time.Hour, "a zero rate never refills")
}
