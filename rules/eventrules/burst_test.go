package eventrules

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// burstRule: 3 denies from one source within a minute, over after 5 minutes
// without a burst.
const burstRule = `event_rules:
  - alert: DenyBurst
    match: '{source="syslog",class="fw_deny"}'
    text: 'deny|DENY'
    key: [instance, src_ip]
    burst: {count: 3, within: 1m}
    resolve_after: 5m
    labels: {severity: major}
    annotations:
      summary: '{{ $labels.src_ip }} 在{{ $window }}内被拒绝{{ $count }}次以上'
`

func burstEngine(t *testing.T, opts Options) (*Engine, *recorder) {
	t.Helper()
	rules, errs := Parse("burst.yml", []byte(burstRule))
	require.Empty(t, errs)
	var rec recorder
	return New(rules, rec.onAlerts, opts), &rec
}

func deny(at time.Time, instance, src string) collectors.Event {
	return collectors.Event{Time: at, Text: "policy deny", Labels: map[string]string{
		"source": "syslog", "class": "fw_deny", "instance": instance, "src_ip": src, "district": "市本级"}}
}

// The third deny within the minute raises the alert, not the second; other
// sources and devices count apart; a line the text does not match is not
// counted; the text names the count and the window.
func TestBurstFiresOnTheNthEventWithinTheWindow(t *testing.T) {
	ctx := context.Background()
	e, rec := burstEngine(t, Options{})
	other := deny(t0.Add(15*time.Second), "fw-01", "203.0.113.9")
	other.Text = "session permit"
	e.Handle(ctx, []collectors.Event{
		deny(t0, "fw-01", "198.51.100.7"),
		deny(t0.Add(10*time.Second), "fw-01", "198.51.100.7"),
		deny(t0.Add(12*time.Second), "fw-01", "203.0.113.9"),
		deny(t0.Add(14*time.Second), "fw-02", "198.51.100.7"),
		other, other,
	})
	assert.Empty(t, rec.all(), "two denies per key, and permit lines do not count")

	e.Handle(ctx, []collectors.Event{deny(t0.Add(50*time.Second), "fw-01", "198.51.100.7")})
	got := rec.all()
	require.Len(t, got, 1)
	assert.True(t, got[0].Firing)
	assert.Equal(t, t0.Add(50*time.Second), got[0].StartsAt, "raised by the third deny")
	assert.Equal(t, map[string]string{"alertname": "DenyBurst", "severity": "major", "instance": "fw-01",
		"src_ip": "198.51.100.7", "district": "市本级"}, got[0].Labels)
	assert.Equal(t, "198.51.100.7 在1分钟内被拒绝3次以上", got[0].Annotations["summary"])
}

// The window is what makes a burst: the same number of denies spread wider
// than the window never raises the alert. An engine that counted events
// without their times would page here.
func TestBurstIgnoresEventsSpreadWiderThanTheWindow(t *testing.T) {
	ctx := context.Background()
	e, rec := burstEngine(t, Options{})
	for i := range 20 {
		e.Handle(ctx, []collectors.Event{deny(t0.Add(time.Duration(i)*31*time.Second), "fw-01", "198.51.100.7")})
	}
	assert.Empty(t, rec.all(), "20 denies, 31 s apart: any 3 span 62 s")

	e.Handle(ctx, []collectors.Event{
		deny(t0.Add(time.Hour), "fw-01", "192.0.2.1"),
		deny(t0.Add(time.Hour+30*time.Second), "fw-01", "192.0.2.1"),
		deny(t0.Add(time.Hour+time.Minute), "fw-01", "192.0.2.1"),
	})
	assert.Empty(t, rec.all(), "3 denies spanning exactly the window are not within it")
}

// A burst that goes on keeps one alert; a lone deny afterwards does not
// keep it up; 5 minutes without a burst resolve it, ending 5 minutes after
// the last event that completed a burst.
func TestBurstResolvesAfterAQuietPeriod(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	e, rec := burstEngine(t, Options{Now: c.now})
	var last time.Time
	for i := range 12 { // one deny every 5 s for a minute
		last = t0.Add(time.Duration(i) * 5 * time.Second)
		e.Handle(ctx, []collectors.Event{deny(last, "fw-01", "198.51.100.7")})
	}
	require.Len(t, rec.all(), 1, "one alert for the whole burst")
	e.Handle(ctx, []collectors.Event{deny(last.Add(3*time.Minute), "fw-01", "198.51.100.7")})

	rec.reset()
	c.set(last.Add(5*time.Minute - time.Second))
	e.expire(ctx)
	assert.Empty(t, rec.all(), "quiet for less than 5 minutes")
	c.set(last.Add(6 * time.Minute))
	e.expire(ctx)
	got := rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing)
	assert.Equal(t, last.Add(5*time.Minute), got[0].EndsAt, "the lone deny did not refresh it")
	assert.Empty(t, e.bursts.m, "the quiet key is forgotten")
}

// The counted keys are bounded: under a scan from many sources the table
// stays at its bound, the forgotten keys are counted, and a key with an
// active alert is never the one forgotten.
func TestBurstKeysBounded(t *testing.T) {
	ctx := context.Background()
	e, rec := burstEngine(t, Options{MaxBurstKeys: 3})
	dropped := metrics.GetOrCreateCounter(`swanwatch_eventrules_dropped_total{reason="max_burst_keys"}`)
	before := dropped.Get()
	for i := range 3 {
		e.Handle(ctx, []collectors.Event{deny(t0.Add(time.Duration(i)*time.Second), "fw-01", "10.0.0.1")})
	}
	require.Len(t, rec.all(), 1)
	for i := range 10 {
		e.Handle(ctx, []collectors.Event{deny(t0.Add(time.Duration(10+i)*time.Second), "fw-01", fmt.Sprintf("10.0.1.%d", i))})
	}
	assert.Len(t, e.bursts.m, 3)
	assert.Equal(t, before+8, dropped.Get(), "10 new keys into a table of 3 holding the active one")
	assert.Contains(t, e.bursts.m, activeKey{0, "fw-01\xff10.0.0.1\xff"}, "the active key stays")
}

func TestBurstRuleErrors(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"burst: {count: 1, within: 1m}\n    resolve_after: 5m", "burst: count 1: want 2 to 10000"},
		{"burst: {count: 3, within: 2d}\n    resolve_after: 5m", `burst: within "2d"`},
		{"burst: {count: 3}\n    resolve_after: 5m", `burst: within ""`},
		{"burst: {count: 3, within: 1m}\n    resolve_on: '{a=\"c\"}'", "burst: needs resolve_after"},
		{"burst: {count: 3, within: 1m}\n    flap: {state: a, changes: 2, window: 1m}\n    resolve_after: 5m", "not both"},
		{"burst: {count: 3, window: 1m}\n    resolve_after: 5m", `burst: within ""`}, // a misspelt field leaves within empty
	} {
		_, errs := Parse("b.yml", []byte("event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    "+tc.body+"\n"))
		require.NotEmpty(t, errs, tc.body)
		assert.Contains(t, fmt.Sprint(errs), tc.want)
		assert.Contains(t, errs[0].Error(), "b.yml:")
	}
}

func TestWindowText(t *testing.T) {
	for d, want := range map[time.Duration]string{time.Minute: "1分钟", 5 * time.Minute: "5分钟",
		2 * time.Hour: "2小时", 90 * time.Second: "1分30秒", 30 * time.Second: "30秒", 0: ""} {
		assert.Equal(t, want, windowText(d))
	}
}

// After a restart the last window of a burst rule's events is read back: a
// source that sent 99 denies before the restart fires at its 100th after it,
// and the replay itself raises nothing.
func TestBurstReplayAfterRestart(t *testing.T) {
	e, rec, _ := securityEngine(t)
	var past []collectors.Event
	for i := range 99 {
		past = append(past, usgDeny(t0.Add(time.Duration(i)*100*time.Millisecond), "203.0.113.9"))
	}
	read := func(context.Context, string, time.Time, time.Time) ([]collectors.Event, error) { return past, nil }
	require.NoError(t, e.ReplayHistory(context.Background(), read, t0.Add(10*time.Second)))
	assert.Empty(t, rec.all(), "the replay raises nothing")
	e.Handle(context.Background(), []collectors.Event{usgDeny(t0.Add(11*time.Second), "203.0.113.9")})
	assert.Len(t, alertsNamed(rec, "FirewallDenyBurst"), 1, "the 100th deny within the minute, 99 of them replayed")
}
