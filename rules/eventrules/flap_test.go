package eventrules

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// alertsNamed returns the delivered alerts of one alertname.
func alertsNamed(rec *recorder, name string) []alerting.Alert {
	var out []alerting.Alert
	for _, a := range rec.all() {
		if a.Labels["alertname"] == name {
			out = append(out, a)
		}
	}
	return out
}

// A port going down and up every minute: the fourth change within 10 minutes
// raises one InterfaceFlapping, later changes only keep it up, and 15 quiet
// minutes resolve it, ending when the last change was 15 minutes old.
func TestFlappingPortPagesOnceAndResolvesWhenStable(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{Now: c.now})
	var last time.Time
	for i := range 10 {
		at := t0.Add(time.Duration(i) * time.Minute)
		e.Handle(ctx, []collectors.Event{trap(at, "linkDown", "core-sw-01", "GE0/0/1")})
		e.Handle(ctx, []collectors.Event{trap(at.Add(20*time.Second), "linkUp", "core-sw-01", "GE0/0/1")})
		last = at.Add(20 * time.Second)
		if i == 0 {
			assert.Empty(t, alertsNamed(&rec, "InterfaceFlapping"), "two changes are not a flap")
		}
	}
	flaps := alertsNamed(&rec, "InterfaceFlapping")
	require.Len(t, flaps, 1, "one alert for the whole episode")
	assert.True(t, flaps[0].Firing)
	assert.Equal(t, t0.Add(time.Minute+20*time.Second), flaps[0].StartsAt, "raised by the 4th change (down, up, down, up)")
	assert.Equal(t, map[string]string{"alertname": "InterfaceFlapping", "severity": "major", "requirement": "R-B6",
		"kind": "snmp", "instance": "core-sw-01", "ifname": "GE0/0/1", "district": "灵宝市"}, flaps[0].Labels)
	assert.Equal(t, "core-sw-01 接口 GE0/0/1 链路频繁震荡", flaps[0].Annotations["summary"])

	rec.reset()
	c.set(last.Add(14 * time.Minute))
	e.expire(ctx)
	assert.Empty(t, rec.all(), "not yet stable for 15 minutes")
	c.set(last.Add(15 * time.Minute))
	e.expire(ctx)
	got := rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
	assert.Equal(t, last.Add(15*time.Minute), got[0].EndsAt)
	assert.Empty(t, e.flaps.m, "the resolved port's counters are forgotten")
}

// The trap and the poll that saw the same change count once; other ports and
// devices count apart; changes spread wider than the window are no flap.
func TestFlapCountsChangesPerPort(t *testing.T) {
	ctx := context.Background()
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	poll := func(ev collectors.Event) collectors.Event {
		ev.Labels["source"] = "snmp_poll"
		return ev
	}
	var evs []collectors.Event
	for i, state := range []string{"linkDown", "linkUp", "linkDown"} {
		at := t0.Add(time.Duration(i) * time.Minute)
		evs = append(evs, trap(at, state, "core-sw-01", "GE0/0/1"), poll(trap(at.Add(5*time.Second), state, "core-sw-01", "GE0/0/1")),
			trap(at, state, "core-sw-01", "GE0/0/2"), trap(at, state, "core-sw-02", "GE0/0/1"))
	}
	e.Handle(ctx, evs)
	assert.Empty(t, alertsNamed(&rec, "InterfaceFlapping"), "three changes per port, each seen twice on GE0/0/1")

	slow := New(packRules(t), rec.onAlerts, Options{})
	for i, state := range []string{"linkDown", "linkUp", "linkDown", "linkUp", "linkDown"} {
		slow.Handle(ctx, []collectors.Event{trap(t0.Add(time.Duration(i)*4*time.Minute), state, "core-sw-03", "GE0/0/1")})
	}
	assert.Empty(t, alertsNamed(&rec, "InterfaceFlapping"), "a change every 4 minutes: never 4 within 10")
}

// The table of counted ports is bounded: the stalest is forgotten first.
func TestFlapKeysBounded(t *testing.T) {
	e := New(packRules(t), nil, Options{MaxFlapKeys: 3})
	for i := range 5 {
		e.Handle(context.Background(), []collectors.Event{trap(t0.Add(time.Duration(i)*time.Second), "linkDown", "sw", "GE0/0/"+strconv.Itoa(i))})
	}
	require.Len(t, e.flaps.m, 3)
	for k := range e.flaps.m {
		assert.NotContains(t, []string{"sw\xffGE0/0/0\xff", "sw\xffGE0/0/1\xff"}, k.key, "the two oldest went")
	}
}

// After a restart the recent events from the event store are replayed into
// the counters: a port that flapped 3 times before the restart pages at its
// next change, and nothing is raised by the replay itself.
func TestFlapReplayAfterRestart(t *testing.T) {
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	var past []collectors.Event
	for i, state := range []string{"linkDown", "linkUp", "linkDown"} {
		past = append(past, trap(t0.Add(time.Duration(i)*time.Minute), state, "core-sw-01", "GE0/0/1"))
	}
	asked := map[string]time.Duration{} // matchers → window read back
	read := func(_ context.Context, matchers string, from, to time.Time) ([]collectors.Event, error) {
		asked[matchers] = to.Sub(from)
		return past, nil // each rule counts only what its own matchers take
	}
	require.NoError(t, e.ReplayHistory(context.Background(), read, t0.Add(3*time.Minute)))
	flapRule := ruleNamed(t, e, "InterfaceFlapping")
	assert.Equal(t, 10*time.Minute, asked[flapRule.Match.String()], "the flap rule's window is read back")
	assert.True(t, flapRule.Match.Matches(past[0].Labels))
	assert.Empty(t, rec.all(), "replay raises nothing, InterfaceDown included")
	e.Handle(context.Background(), []collectors.Event{trap(t0.Add(3*time.Minute), "linkUp", "core-sw-01", "GE0/0/1")})
	require.Len(t, alertsNamed(&rec, "InterfaceFlapping"), 1)
}

// ruleNamed is the engine's rule of that alert name.
func ruleNamed(t *testing.T, e *Engine, alert string) Rule {
	t.Helper()
	for _, r := range e.rules {
		if r.Alert == alert {
			return r
		}
	}
	t.Fatalf("no rule %s", alert)
	return Rule{}
}
