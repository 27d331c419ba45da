package eventrules

import (
	"fmt"
	"time"

	"github.com/prometheus/common/model"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Bursts, for the security classes (docs/logs.md "Event rules"). One denied
// packet or one failed login is noise on any border; a hundred denies from
// one source within a minute is a scan, ten failed logins on one server from
// one address within five minutes is someone guessing passwords. A rule with
// `burst: {count: N, within: 1m}` counts its matching events per key and
// raises its alert on the N-th event within the window, not before; the alert
// stays while the key keeps bursting (each event that again completes N
// within the window refreshes it) and resolves after the rule's
// resolve_after without a burst. The annotations see the rule's count and
// window as $count and $window ("100", "1分钟"), so the text never disagrees
// with the threshold.
//
// Memory is bounded as for flaps (window.go): per key at most N times, at
// most Options.MaxBurstKeys keys; a key forgotten to make room is counted in
// swanwatch_eventrules_dropped_total{reason="max_burst_keys"}. Bursts are
// not replayed after a restart: their windows are minutes, and a burst that
// goes on pages again within one window.

// Burst is a rule's burst detection.
type Burst struct {
	Count  int           // matching events within Within that raise the alert
	Within time.Duration // e.g. 1m
}

// burstYAML is `burst:` as written.
type burstYAML struct {
	Count  int    `yaml:"count"`
	Within string `yaml:"within"`
}

// maxBurstCount bounds the times kept per key: a time.Time is 24 B, so a
// key at the largest count holds 240 KiB.
const maxBurstCount = 10000

// maxBurstWindow bounds within: a burst is minutes to hours; a day-long
// window is a rate, which PromQL rules over counters do better.
const maxBurstWindow = 24 * time.Hour

// compileBurst checks `burst:`; like a flap it needs resolve_after (how long
// without a burst means over) and no resolve_on, and it cannot be both.
func compileBurst(y ruleYAML, fail failFunc) *Burst {
	v := y.Burst.V
	if v == nil {
		return nil
	}
	b := &Burst{Count: v.Count}
	if v.Count < 2 || v.Count > maxBurstCount {
		fail(y.Burst.Line, "burst: count %d: want 2 to %d (one event needs no burst)", v.Count, maxBurstCount)
	}
	d, err := model.ParseDuration(v.Within)
	if err != nil || d <= 0 || time.Duration(d) > maxBurstWindow {
		fail(y.Burst.Line, "burst: within %q: want a positive duration up to 24h such as 1m", v.Within)
	} else {
		b.Within = time.Duration(d)
	}
	if y.ResolveAfter.V == "" || y.ResolveOn.V != "" {
		fail(y.Burst.Line, "burst: needs resolve_after (how long without a burst means over) and no resolve_on")
	}
	if y.Flap.V != nil {
		fail(y.Burst.Line, "burst: a rule counts either changes (flap) or events (burst), not both")
	}
	return b
}

// burst applies a burst rule to one matching event: the N-th within the
// window raises the alert, or refreshes it when already active.
func (e *Engine) burst(i int, ev collectors.Event, out []alerting.Alert) []alerting.Alert {
	r := &e.rules[i]
	k := activeKey{i, keyOf(r, ev.Labels)}
	if !e.bursts.get(k, e.busy).count(e.at(ev), r.Burst.Count, r.Burst.Within) {
		return out
	}
	if a, ok := e.fire(i, ev); ok {
		out = append(out, a)
	}
	return out
}

// windowText renders a rule's window as a person reads it: "1分钟",
// "5分钟", "2小时", "90秒" → "1分30秒".
func windowText(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%time.Hour == 0:
		return fmt.Sprintf("%d小时", d/time.Hour)
	case d%time.Minute == 0 && d < time.Hour:
		return fmt.Sprintf("%d分钟", d/time.Minute)
	default:
		return cst.FormatDuration(d)
	}
}
