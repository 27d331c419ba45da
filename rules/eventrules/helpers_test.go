package eventrules

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// t0 is 2026-11-27 14:05:09 in Asia/Shanghai.
var t0 = time.Date(2026, 11, 27, 6, 5, 9, 0, time.UTC)

// clock is a settable time source for resolve_after.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// recorder collects what the engine delivers, one slice per call.
type recorder struct {
	mu    sync.Mutex
	calls [][]alerting.Alert
}

func (r *recorder) onAlerts(_ context.Context, as []alerting.Alert) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, as)
}

func (r *recorder) all() []alerting.Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []alerting.Alert
	for _, c := range r.calls {
		out = append(out, c...)
	}
	return out
}

func (r *recorder) reset() { r.mu.Lock(); r.calls = nil; r.mu.Unlock() }

func packRules(t testing.TB) []Rule {
	t.Helper()
	rules, err := Pack()
	require.NoError(t, err)
	return rules
}

// trap builds an event as collectors/snmptrap does.
func trap(at time.Time, name, instance, ifname string) collectors.Event {
	l := map[string]string{"source": "snmp_trap", "trap": name, "instance": instance,
		"district": "灵宝市", "severity": "info"}
	if ifname != "" {
		l["ifname"] = ifname
	}
	return collectors.Event{Time: at, Labels: l, Text: "trap " + name}
}
