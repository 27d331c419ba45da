package ha

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
)

// maxLabelBytes bounds every label the tracker keeps: a hostile or broken
// platform must not grow the records, the annotations or the database.
const maxLabelBytes = 200

// maxSkew is how far ahead of ours a platform's clock may be: its times are
// kept up to that (a downtime is measured on the platform's clock), beyond it
// the event happened now.
const maxSkew = 5 * time.Minute

// The event label values the tracker reads (docs/cloud.md).
const (
	evHostFailed     = "host_failed"
	evHostIsolated   = "host_isolated"
	evHostRecovered  = "host_recovered"
	evVMDown         = "vm_down"
	evVMRestarted    = "vm_restarted"
	evFailoverFailed = "vm_failover_failed"
	evVMMigrated     = "vm_migrated"
	evVMStarted      = "vm_started"
)

// event is a hypervisor event reduced to what the tracker needs, with every
// string cleaned and bounded.
type event struct {
	at                      time.Time
	kind                    string
	instance, host, cluster string
	vm, fromHost, toHost    string
}

// parse reduces a collector event; ok is false for events that are not the
// hypervisor's or that the tracker does not use, and reason says why it was
// refused when it was meant for the tracker.
func parse(ev collectors.Event, now time.Time) (e event, reason string, ok bool) {
	if ev.Labels["source"] != "hypervisor" {
		return event{}, "", false
	}
	e = event{at: ev.Time, kind: ev.Labels["event"]}
	switch e.kind {
	case evHostFailed, evHostIsolated, evHostRecovered, evVMDown, evVMRestarted, evFailoverFailed,
		evVMMigrated, evVMStarted:
	default:
		return event{}, "", false // vm_stopped and the rest say nothing about a failure
	}
	l := ev.Labels
	e.instance, e.host, e.cluster = clean(l["instance"]), clean(l["host"]), clean(l["cluster"])
	e.vm, e.fromHost, e.toHost = clean(l["vm"]), clean(l["from_host"]), clean(l["to_host"])
	if e.at.IsZero() || e.at.After(now.Add(maxSkew)) {
		e.at = now // a platform clock far ahead of ours must not hold a failure open
	}
	switch {
	case strings.HasPrefix(e.kind, "host_") && e.host == "":
		return event{}, "no_host", false
	case strings.HasPrefix(e.kind, "vm_") && e.vm == "":
		return event{}, "no_vm", false
	}
	return e, "", true
}

// clean makes a label printable and bounded: valid UTF-8, control characters
// as spaces, at most maxLabelBytes bytes cut at a rune boundary.
func clean(s string) string {
	if len(s) > 4*maxLabelBytes {
		s = s[:4*maxLabelBytes] // ToValidUTF8 and Map copy: never on a huge string
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) <= maxLabelBytes {
		return s
	}
	n := maxLabelBytes
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
