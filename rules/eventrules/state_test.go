package eventrules

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// stateEvent is a collector state change as internal/app sends it (source
// collector, state up or down, the target's inventory labels).
func stateEvent(at time.Time, kind, instance, state string) collectors.Event {
	return collectors.Event{Time: at, Text: "采集目标 " + instance + "（" + kind + "）离线：timeout",
		Labels: map[string]string{"source": "collector", "kind": kind, "instance": instance, "state": state,
			"district": "卢氏县", "level": "town", "severity": "major"}}
}

// An SNMP device found unreachable by the poll pages at once and resolves
// when a round succeeds again; other kinds' targets are not devices.
func TestUnreachableSNMPTargetFiresAndResolves(t *testing.T) {
	ctx := context.Background()
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	e.Handle(ctx, []collectors.Event{stateEvent(t0, "snmp", "ls-agg-01", "down"),
		stateEvent(t0, "netprobe", "probe-1", "down")})
	got := rec.all()
	require.Len(t, got, 1)
	assert.Equal(t, map[string]string{"alertname": "SnmpTargetUnreachable", "severity": "major", "requirement": "R-B6",
		"kind": "snmp", "instance": "ls-agg-01", "district": "卢氏县", "level": "town"}, got[0].Labels)
	assert.Equal(t, t0, got[0].StartsAt)
	assert.Equal(t, "设备不可达:ls-agg-01", got[0].Annotations["summary"])
	assert.Contains(t, got[0].Annotations["description"], "卢氏县 网络设备 ls-agg-01 于 2026-11-27 14:05:09 SNMP采集失败")

	rec.reset()
	e.Handle(ctx, []collectors.Event{stateEvent(t0.Add(time.Minute), "snmp", "ls-agg-01", "up")})
	got = rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
	assert.Equal(t, t0.Add(time.Minute), got[0].EndsAt)
}

// An agent that stops answering is AgentOffline (监控插件离线) at once, with
// the business system it serves; its next good scrape resolves it.
func TestOfflineAgentFiresAndResolves(t *testing.T) {
	ctx := context.Background()
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	down := stateEvent(t0, "agent", "vm-b2:9100", "down")
	down.Labels["system"] = "政务服务"
	e.Handle(ctx, []collectors.Event{down})
	got := rec.all()
	require.Len(t, got, 1)
	assert.Equal(t, "AgentOffline", got[0].Labels["alertname"])
	assert.Equal(t, "R-A1", got[0].Labels["requirement"])
	assert.Equal(t, "政务服务", got[0].Labels["system"])
	assert.Equal(t, "监控插件离线:vm-b2:9100", got[0].Annotations["summary"])
	assert.Contains(t, got[0].Annotations["description"], "卢氏县 政务服务 的云服务器 vm-b2:9100 监控插件于 2026-11-27 14:05:09 离线")

	rec.reset()
	e.Handle(ctx, []collectors.Event{stateEvent(t0.Add(time.Minute), "snmp", "vm-b2:9100", "up")})
	assert.Empty(t, rec.all(), "an up of another kind resolves nothing")
	e.Handle(ctx, []collectors.Event{stateEvent(t0.Add(time.Minute), "agent", "vm-b2:9100", "up")})
	got = rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
}

// A device removed from the inventory while unreachable: its alert resolves
// with the removal, since no round will ever succeed again; the alerts of
// targets still present, and other alerts, stay.
func TestGoneTargetsAlertsResolve(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{Now: c.now})
	e.Handle(ctx, []collectors.Event{stateEvent(t0, "snmp", "gone-sw", "down"), stateEvent(t0, "snmp", "kept-sw", "down"),
		trap(t0, "linkDown", "gone-sw", "GE0/0/1")})
	rec.reset()
	c.add(time.Hour)
	e.ResolveGoneTargets(ctx, func(kind, instance string) bool { return kind == "snmp" && instance == "kept-sw" })
	got := rec.all()
	require.Len(t, got, 1)
	assert.Equal(t, "SnmpTargetUnreachable", got[0].Labels["alertname"])
	assert.Equal(t, "gone-sw", got[0].Labels["instance"])
	assert.False(t, got[0].Firing)
	assert.Equal(t, t0.Add(time.Hour), got[0].EndsAt)
	assert.Len(t, e.Active(), 2, "kept-sw's alert and the interface alert stay")
}
