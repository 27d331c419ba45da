package snmp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestObserveUptime(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		name        string
		prev, ticks uint32
		after       time.Duration
		restarted   bool
	}{
		{"moves on", 1000, 7000, time.Minute, false},
		{"reboot", 50_000_000, 300, time.Minute, true},
		{"timeticks wrap after 497 days", 1<<32 - 3000, 3000, time.Minute, false},
		{"reboot near the wrap", 1<<32 - 3000, 3000, 10 * 24 * time.Hour, true},
		{"same value (agent cache)", 5000, 5000, time.Second, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTargetState()
			s.counters[ctrKey{"1", cInOct}] = &ctr32{raw: 5, total: 5}
			assert.False(t, s.observeUptime(tc.prev, t0), "the first round never counts")
			assert.Equal(t, tc.restarted, s.observeUptime(tc.ticks, t0.Add(tc.after)))
			assert.Equal(t, tc.restarted, len(s.counters) == 0, "a restart forgets the 32-bit totals")
		})
	}
}

func TestExtend(t *testing.T) {
	s := newTargetState()
	k := ctrKey{"1", cInOct}
	assert.Equal(t, 4e9, s.extend(k, 4_000_000_000, 0))
	assert.Equal(t, float64(1<<32+100), s.extend(k, 100, 0), "wrap")
	assert.Equal(t, float64(1<<32+150), s.extend(k, 150, 0))
	assert.Equal(t, 10.0, s.extend(k, 10, 100), "a drop larger than the line allows is a reset")
}

func TestOIDLess(t *testing.T) {
	cases := []struct {
		a, b string
		less bool
	}{
		{".1.3.6.1.2.1.2.2.1.10", ".1.3.6.1.2.1.2.2.1.10.1", true},
		{".1.3.6.1.2.1.2.2.1.10.9", ".1.3.6.1.2.1.2.2.1.10.10", true},
		{".1.3.6.1.2.1.2.2.1.10.10", ".1.3.6.1.2.1.2.2.1.10.9", false},
		{".1.3.6.1.2", ".1.3.6.1.2", false},
		{".1.3.x", ".1.3.6", true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.less, oidLess(tc.a, tc.b), "%s < %s", tc.a, tc.b)
	}
}
