package eventrules

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// FuzzLoadRules: no input panics the loader; an accepted file has an error
// for nothing, and its rules run on events without panicking.
func FuzzLoadRules(f *testing.F) {
	pack, err := packFS.ReadFile("packs/events.yml")
	require.NoError(f, err)
	f.Add(pack)
	f.Add([]byte(goodRule))
	f.Add([]byte("event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_after: 1m\n    severity: x\n"))
	f.Add([]byte("event_rules:\n  - alert: A\n    match: a=b\n    key: [a]\n    resolve_on: a=c\n    annotations: {s: '{{ $labels.a }}{{ $text }}'}\n"))
	f.Add([]byte("event_rules:\n  - alert: F\n    match: '{a=~\"b|c\"}'\n    key: [a]\n    flap: {state: trap, changes: 2, window: 1m}\n    resolve_after: 2m\n"))
	f.Add([]byte(burstRule))
	f.Add([]byte("event_rules:\n  - alert: B\n    match: '{a=~\"b|c\"}'\n    key: [a]\n    burst: {count: 2, within: 1m}\n    resolve_after: 2m\n"))
	security, err := packFS.ReadFile("packs/security.yml")
	if err == nil {
		f.Add(security)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rules, errs := Parse("fuzz.yml", b)
		for _, err := range errs {
			if !strings.HasPrefix(err.Error(), "fuzz.yml:") {
				t.Fatalf("error without file: %v", err)
			}
		}
		if len(errs) > 0 {
			require.Nil(t, rules)
			return
		}
		e := New(rules, nil, Options{MaxActive: 4, MaxFlapKeys: 2, MaxBurstKeys: 2})
		evs := []collectors.Event{
			{Time: t0, Labels: map[string]string{"a": "b", "source": "snmp_trap", "trap": "linkDown"}, Text: "x"},
			{Time: t0, Labels: map[string]string{"a": "c", "source": "snmp_trap", "trap": "linkUp"}},
		}
		for i := range 3 { // enough for a small burst, from more keys than the bound
			evs = append(evs, collectors.Event{Time: t0.Add(time.Duration(i) * time.Second), Text: "deny",
				Labels: map[string]string{"a": "b", "source": "syslog", "class": "fw_deny", "src_ip": strconv.Itoa(i % 3)}})
		}
		e.Handle(context.Background(), evs)
		e.Handle(context.Background(), evs)
		e.expire(context.Background())
	})
}

// BenchmarkHandle20Rules: events/s through Handle with 20 rules, a mix of
// raising, resolving and unmatched events as a trap flood brings them.
func BenchmarkHandle20Rules(b *testing.B) {
	rules := packRules(b)
	for i := len(rules); i < 20; i++ {
		src := fmt.Sprintf("event_rules:\n  - alert: Custom%d\n    match: '{source=\"syslog\",program=\"app%d\"}'\n"+
			"    text: 'error|错误'\n    key: [instance]\n    resolve_after: 5m\n"+
			"    annotations: {summary: '{{ $labels.instance }} {{ $text }}'}\n", i, i)
		more, errs := Parse("bench.yml", []byte(src))
		require.Empty(b, errs)
		rules = append(rules, more...)
	}
	events := make([]collectors.Event, 0, 1000)
	for i := range 1000 {
		name := []string{"linkDown", "linkUp", "coldStart", "ospfNbrStateChange"}[i%4]
		events = append(events, trap(t0, name, fmt.Sprintf("sw-%d", i%50), fmt.Sprintf("GE0/0/%d", i%8)))
	}
	e := New(rules, func(context.Context, []alerting.Alert) {}, Options{})
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		e.Handle(context.Background(), events)
	}
	b.ReportMetric(float64(b.N*len(events))/b.Elapsed().Seconds(), "events/s")
}
