package ha

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
)

var fuzzKinds = []string{"host_failed", "host_isolated", "host_recovered", "vm_down", "vm_restarted",
	"vm_failover_failed", "vm_migrated", "vm_started", "vm_stopped"}

// FuzzHandle drives the event intake with any sequence of events: each
// 3-byte step picks an event kind, a host, a VM and how far the clock
// moves; label is used for one label of each event (host, VM, cluster or
// instance, by the step). No input panics, and what comes out stays bounded
// and consistent: alerts clean, a failure closes only with its host and VMs
// back, the bounds hold.
func FuzzHandle(f *testing.F) {
	f.Add([]byte{0, 0, 0, 3, 0, 1, 4, 0, 1, 2, 0, 200, 7, 0, 2}, "esx-07")
	f.Add([]byte{4, 1, 1, 3, 1, 1, 0, 1, 0, 5, 1, 255, 2, 1, 9}, "\xff\x00政务云")
	f.Add([]byte{1, 2, 3, 6, 2, 3, 7, 2, 3, 2, 2, 3}, strings.Repeat("x", 1000))
	f.Fuzz(func(t *testing.T, steps []byte, label string) {
		ctx := context.Background()
		c := &clock{t: t0}
		var rec recorder
		tr := New(nil, rec.onAlerts, Options{Now: c.now, MaxOpen: 2, MaxVMs: 3, MaxEarly: 4})
		hosts := []string{"esx-1", "esx-2", label}
		vms := []string{"a", "b", "c", label}
		for i := 0; i+2 < len(steps) && i < 600; i += 3 {
			k, h, v := steps[i], steps[i+1], steps[i+2]
			at := c.now().Add(time.Duration(int8(v)) * 10 * time.Second)
			ev := hv(at, fuzzKinds[int(k)%len(fuzzKinds)], "host", hosts[int(h)%len(hosts)],
				"vm", vms[int(v)%len(vms)], "from_host", hosts[int(h>>2)%len(hosts)], "to_host", hosts[int(v>>2)%len(hosts)])
			if k&0x80 != 0 {
				ev.Labels["cluster"], ev.Labels["instance"] = label, label
			}
			tr.Handle(ctx, []collectors.Event{ev})
			c.add(time.Duration(h) * time.Second)
			if k&0x40 != 0 {
				tr.Tick(ctx)
			}
		}
		c.add(time.Hour)
		tr.Tick(ctx)
		for _, a := range rec.all() {
			checkAlert(t, 64<<10, a)
			if !a.Firing && a.EndsAt.Before(a.StartsAt) {
				t.Fatalf("resolved before it started: %v < %v", a.EndsAt, a.StartsAt)
			}
		}
		if len(tr.open) > 2 || len(tr.early) > 4 {
			t.Fatalf("bounds: %d open, %d early", len(tr.open), len(tr.early))
		}
		for _, x := range tr.open {
			if len(x.f.VMs) > 3 || len(x.idx) != len(x.f.VMs) || !x.f.Open() {
				t.Fatalf("inconsistent open failure: %+v", x.f)
			}
			for i, v := range x.f.VMs {
				if x.idx[v.Name] != i || v.Outcome == Pending {
					t.Fatalf("VM %d %+v: index or past the deadline still pending", i, v)
				}
			}
		}
		if s := clean(label); len(s) > maxLabelBytes+len("…") || !utf8.ValidString(s) {
			t.Fatalf("clean(%q) = %q", label, s)
		}
	})
}
