package eventrules

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

func TestLinkDownFiresAtOnce(t *testing.T) {
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	e.Handle(context.Background(), []collectors.Event{trap(t0, "linkDown", "core-sw-01", "GE0/0/1")})

	got := rec.all()
	require.Len(t, got, 1)
	a := got[0]
	assert.True(t, a.Firing)
	assert.Equal(t, t0, a.StartsAt)
	assert.True(t, a.EndsAt.IsZero())
	assert.Equal(t, map[string]string{"alertname": "InterfaceDown", "severity": "major", "requirement": "R-B6",
		"instance": "core-sw-01", "ifname": "GE0/0/1", "district": "灵宝市", "kind": "snmp"}, a.Labels,
		"rule labels win over the trap's own severity")
	assert.Equal(t, "core-sw-01 接口 GE0/0/1 链路中断", a.Annotations["summary"])
	assert.Contains(t, a.Annotations["description"], "设备 core-sw-01（灵宝市）接口 GE0/0/1 于 2026-11-27 14:05:09 上报链路中断")
	assert.Contains(t, a.Annotations["description"], "trap linkDown", "$text is the event text")
	assert.Len(t, a.Fingerprint, 16)
}

func TestLinkUpResolvesSameKeyOnly(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		up       collectors.Event
		resolved bool
	}{
		{"same instance and ifname", trap(t0.Add(time.Minute), "linkUp", "core-sw-01", "GE0/0/1"), true},
		{"other ifname", trap(t0.Add(time.Minute), "linkUp", "core-sw-01", "GE0/0/2"), false},
		{"other instance", trap(t0.Add(time.Minute), "linkUp", "core-sw-02", "GE0/0/1"), false},
		{"not a trap", collectors.Event{Time: t0, Labels: map[string]string{"source": "collector",
			"trap": "linkUp", "instance": "core-sw-01", "ifname": "GE0/0/1"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			e := New(packRules(t), rec.onAlerts, Options{})
			e.Handle(ctx, []collectors.Event{trap(t0, "linkDown", "core-sw-01", "GE0/0/1")})
			fired := rec.all()[0]
			rec.reset()

			e.Handle(ctx, []collectors.Event{tt.up})
			if !tt.resolved {
				assert.Empty(t, rec.all())
				assert.Len(t, e.Active(), 1)
				return
			}
			got := rec.all()
			require.Len(t, got, 1)
			assert.False(t, got[0].Firing)
			assert.Equal(t, t0.Add(time.Minute), got[0].EndsAt)
			assert.Equal(t, fired.Fingerprint, got[0].Fingerprint, "the incident store resolves by fingerprint")
			assert.Equal(t, fired.Labels, got[0].Labels)
			assert.Empty(t, e.Active())
		})
	}
}

func TestRepeatedTrapIsOneAlert(t *testing.T) {
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	down := trap(t0, "linkDown", "core-sw-01", "GE0/0/1")
	e.Handle(context.Background(), []collectors.Event{down, down, down})
	assert.Len(t, rec.all(), 1)
	assert.Len(t, rec.calls, 1, "one batch of events is one delivery")
}

func TestResolveAfterExpiry(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{Now: c.now})
	e.Handle(ctx, []collectors.Event{
		trap(t0, "coldStart", "agg-sw-03", ""),
		trap(t0, "authenticationFailure", "agg-sw-04", ""),
		trap(t0, "linkDown", "agg-sw-03", "GE0/0/9"),
	})
	require.Len(t, rec.all(), 3)
	rec.reset()

	c.set(t0.Add(20 * time.Minute))
	e.Handle(ctx, []collectors.Event{trap(c.now(), "warmStart", "agg-sw-03", "")})
	assert.Empty(t, rec.all(), "a repeated restart refreshes the alert, it is not a new one")

	c.set(t0.Add(49 * time.Minute))
	e.expire(ctx)
	assert.Empty(t, rec.all(), "29 quiet minutes are not 30")

	c.set(t0.Add(51 * time.Minute))
	e.expire(ctx)
	got := rec.all()
	require.Len(t, got, 1)
	assert.Equal(t, "DeviceRestarted", got[0].Labels["alertname"])
	assert.False(t, got[0].Firing)
	assert.Equal(t, t0.Add(50*time.Minute), got[0].EndsAt, "ends when the quiet time ran out, not at the tick")
	rec.reset()

	c.add(time.Hour)
	e.expire(ctx)
	got = rec.all()
	require.Len(t, got, 1)
	assert.Equal(t, "AuthenticationFailureTrap", got[0].Labels["alertname"])
	assert.Equal(t, t0.Add(time.Hour), got[0].EndsAt)
	require.Len(t, e.Active(), 1, "a link down has no resolve_after: it waits for linkUp")
	assert.Equal(t, "InterfaceDown", e.Active()[0].Labels["alertname"])
}

func TestRunExpiresOnTicks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &clock{t: t0}
	got := make(chan bool, 1)
	e := New(packRules(t), nil, Options{Now: c.now, Tick: time.Millisecond})
	e.onAlerts = func(_ context.Context, as []alerting.Alert) { got <- as[0].Firing }
	e.Handle(ctx, []collectors.Event{trap(t0, "coldStart", "agg-sw-03", "")})
	require.True(t, <-got)

	done := make(chan error)
	go func() { done <- e.Run(ctx) }()
	c.add(31 * time.Minute)
	select {
	case firing := <-got:
		assert.False(t, firing)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not resolve the quiet alert")
	}
	cancel()
	require.NoError(t, <-done)
}

func TestMaxActiveBound(t *testing.T) {
	ctx := context.Background()
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{MaxActive: 2})
	dropped := metrics.GetOrCreateCounter(`swanwatch_eventrules_dropped_total{reason="max_active"}`)
	before := dropped.Get()
	e.Handle(ctx, []collectors.Event{
		trap(t0, "linkDown", "sw-1", "GE0/0/1"),
		trap(t0, "linkDown", "sw-1", "GE0/0/2"),
		trap(t0, "linkDown", "sw-1", "GE0/0/3"),
		trap(t0, "coldStart", "sw-2", ""),
	})
	assert.Len(t, rec.all(), 2)
	assert.Len(t, e.Active(), 2)
	assert.Equal(t, before+2, dropped.Get())

	rec.reset()
	e.Handle(ctx, []collectors.Event{trap(t0, "linkUp", "sw-1", "GE0/0/1"), trap(t0, "coldStart", "sw-2", "")})
	got := rec.all()
	require.Len(t, got, 2, "after a resolve there is room again")
	assert.False(t, got[0].Firing)
	assert.Equal(t, "DeviceRestarted", got[1].Labels["alertname"])
}

func TestAppendEventsIsHandle(t *testing.T) {
	var rec recorder
	var sink collectors.EventSink = New(packRules(t), rec.onAlerts, Options{})
	require.NoError(t, sink.AppendEvents(context.Background(), []collectors.Event{trap(t0, "linkDown", "sw-1", "GE0/0/1")}))
	assert.Len(t, rec.all(), 1)
}

// After a restart the engine takes back its active alerts from the incident
// store, so the linkUp that arrives later resolves the incident opened before.
func TestRestoreAfterRestart(t *testing.T) {
	pack, err := Pack()
	require.NoError(t, err)
	var got []alerting.Alert
	first := New(pack, func(_ context.Context, as []alerting.Alert) { got = append(got, as...) }, Options{})
	down := collectors.Event{Time: time.Unix(1000, 0), Labels: map[string]string{"source": "snmp_trap", "trap": "linkDown",
		"instance": "lb-agg-01", "ifname": "GE0/0/7", "district": "灵宝市"}}
	first.Handle(context.Background(), []collectors.Event{down})
	require.Len(t, got, 1)
	opened := got[0]

	var after []alerting.Alert
	second := New(pack, func(_ context.Context, as []alerting.Alert) { after = append(after, as...) }, Options{})
	other := alerting.Alert{Firing: true, Labels: map[string]string{"alertname": "WanLinkDown", "link": "x"}}
	assert.Equal(t, 1, second.Restore([]alerting.Alert{opened, other}), "only the event rule's own alert is taken back")
	second.Handle(context.Background(), []collectors.Event{down})
	assert.Empty(t, after, "the same linkDown again is not a new alert")
	up := down
	up.Labels = maps.Clone(down.Labels)
	up.Labels["trap"] = "linkUp"
	second.Handle(context.Background(), []collectors.Event{up})
	require.Len(t, after, 1)
	assert.False(t, after[0].Firing)
	assert.Equal(t, opened.Fingerprint, after[0].Fingerprint, "resolves the incident opened before the restart")
}
