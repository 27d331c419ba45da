package eventrules

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/snmp"
)

// polled builds the event collectors/snmp emits when a poll sees a port of
// instance change, with the labels the inventory gives the target.
func polled(at time.Time, name, instance, ifname string) collectors.Event {
	tgt := collectors.Target{Kind: snmp.Kind, Name: instance, Labels: map[string]string{"district": "灵宝市", "level": "county"}}
	return snmp.LinkEvent(tgt, "7", ifname, name == "linkDown", at)
}

// TestTrapAndPollAreOneAlert: a trap and a poll about the same port, in
// either order, raise one alert; the second refreshes it, and either source
// resolves it.
func TestTrapAndPollAreOneAlert(t *testing.T) {
	const dev, port = "lb-agg-01", "GE0/0/1"
	t1, t2 := t0.Add(time.Second), t0.Add(time.Minute)
	tests := []struct {
		name           string
		events         []collectors.Event
		fired, resolve int
		active         int
	}{
		{"poll then trap", []collectors.Event{polled(t0, "linkDown", dev, port), trap(t1, "linkDown", dev, port)}, 1, 0, 1},
		{"trap then poll", []collectors.Event{trap(t0, "linkDown", dev, port), polled(t1, "linkDown", dev, port)}, 1, 0, 1},
		{"poll down, trap up", []collectors.Event{polled(t0, "linkDown", dev, port), trap(t2, "linkUp", dev, port)}, 1, 1, 0},
		{"trap down, poll up (linkUp trap lost)", []collectors.Event{trap(t0, "linkDown", dev, port), polled(t2, "linkUp", dev, port)}, 1, 1, 0},
		{"trap up then poll up: resolved once", []collectors.Event{polled(t0, "linkDown", dev, port),
			trap(t1, "linkUp", dev, port), polled(t2, "linkUp", dev, port)}, 1, 1, 0},
		{"other port is another alert", []collectors.Event{polled(t0, "linkDown", dev, port), trap(t1, "linkDown", dev, "GE0/0/2")}, 2, 0, 2},
		{"other device is another alert", []collectors.Event{polled(t0, "linkDown", dev, port), trap(t1, "linkDown", "lb-agg-02", port)}, 2, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			e := New(packRules(t), rec.onAlerts, Options{})
			for _, ev := range tt.events { // one at a time, as they arrive
				e.Handle(context.Background(), []collectors.Event{ev})
			}
			var fired, resolved []string
			for _, a := range rec.all() {
				assert.Equal(t, "InterfaceDown", a.Labels["alertname"])
				if a.Firing {
					fired = append(fired, a.Fingerprint)
				} else {
					resolved = append(resolved, a.Fingerprint)
				}
			}
			assert.Len(t, fired, tt.fired)
			assert.Len(t, resolved, tt.resolve)
			assert.Len(t, e.Active(), tt.active)
			if tt.resolve > 0 {
				assert.Equal(t, fired[0], resolved[0], "resolved by the fingerprint it fired with")
			}
		})
	}
}

// TestSameAlertWhicheverFirst: with the inventory labels both sources carry,
// the alert has the same labels and fingerprint whether the trap or the poll
// saw the fault first.
func TestSameAlertWhicheverFirst(t *testing.T) {
	tr := trap(t0, "linkDown", "lb-agg-01", "GE0/0/1")
	tr.Labels["level"] = "county" // the app labels a trap with the device's inventory labels
	var fps []string
	for _, ev := range []collectors.Event{tr, polled(t0, "linkDown", "lb-agg-01", "GE0/0/1")} {
		var rec recorder
		New(packRules(t), rec.onAlerts, Options{}).Handle(context.Background(), []collectors.Event{ev})
		require.Len(t, rec.all(), 1)
		fps = append(fps, rec.all()[0].Fingerprint)
		assert.Equal(t, map[string]string{"alertname": "InterfaceDown", "severity": "major", "requirement": "R-B6",
			"instance": "lb-agg-01", "ifname": "GE0/0/1", "district": "灵宝市", "level": "county", "kind": "snmp"},
			rec.all()[0].Labels, ev.Labels["source"])
	}
	assert.Equal(t, fps[0], fps[1])
}

func TestSecondSourceRefreshes(t *testing.T) {
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	ctx := context.Background()
	e.Handle(ctx, []collectors.Event{polled(t0, "linkDown", "lb-agg-01", "GE0/0/1")})
	first := rec.all()
	require.Len(t, first, 1)
	e.Handle(ctx, []collectors.Event{trap(t0.Add(2*time.Second), "linkDown", "lb-agg-01", "GE0/0/1")})
	assert.Len(t, rec.all(), 1, "no second delivery")
	act := e.Active()
	require.Len(t, act, 1)
	assert.Equal(t, first[0].Fingerprint, act[0].Fingerprint)
	assert.Equal(t, t0, act[0].StartsAt, "starts when the first source saw it")
	assert.Equal(t, first[0].Annotations, act[0].Annotations, "the first event's text stays")
}

func TestInterfaceDownTextPerSource(t *testing.T) {
	tests := []struct {
		name      string
		ev        collectors.Event
		want      []string
		wantNot   string
		wantLabel map[string]string
	}{
		{"poll", polled(t0, "linkDown", "lb-agg-01", "GE0/0/1"), []string{
			"设备 lb-agg-01（灵宝市）接口 GE0/0/1 于 2026-11-27 14:05:09 经轮询发现链路中断（linkDown）",
			"接口恢复（linkUp 告警或轮询发现）后自动恢复。",
			"设备 lb-agg-01 接口 GE0/0/1 状态由 up 变为 down，链路中断（轮询发现）"}, "上报",
			map[string]string{"level": "county", "kind": "snmp"}},
		{"trap", trap(t0, "linkDown", "lb-agg-01", "GE0/0/1"), []string{
			"设备 lb-agg-01（灵宝市）接口 GE0/0/1 于 2026-11-27 14:05:09 上报链路中断（linkDown）",
			"trap linkDown"}, "经轮询发现",
			map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec recorder
			e := New(packRules(t), rec.onAlerts, Options{})
			e.Handle(context.Background(), []collectors.Event{tt.ev})
			got := rec.all()
			require.Len(t, got, 1)
			a := got[0]
			assert.Equal(t, "lb-agg-01 接口 GE0/0/1 链路中断", a.Annotations["summary"])
			for _, w := range tt.want {
				assert.Contains(t, a.Annotations["description"], w)
			}
			assert.NotContains(t, a.Annotations["description"], tt.wantNot)
			assert.Equal(t, "major", a.Labels["severity"])
			assert.NotContains(t, a.Labels, "source", "the source is no alert label: both sources are one alert")
			for k, v := range tt.wantLabel {
				assert.Equal(t, v, a.Labels[k])
			}
		})
	}
}
