package ha

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// checkAlert: every label and annotation of an alert is valid UTF-8 and
// bounded, whatever the platform sent.
func checkAlert(t testing.TB, maxDesc int, a alertingAlert) {
	t.Helper()
	for k, v := range a.Labels {
		if len(v) > maxLabelBytes+len("…") || !utf8.ValidString(v) || strings.ContainsAny(v, "\n\r\x00") {
			t.Fatalf("label %s unbounded or unclean: %d bytes %q…", k, len(v), v[:min(len(v), 40)])
		}
	}
	for k, v := range a.Annotations {
		if len(v) > maxDesc || !utf8.ValidString(v) {
			t.Fatalf("annotation %s unbounded or invalid: %d bytes", k, len(v))
		}
	}
}

// Hostile labels: huge, invalid UTF-8, control characters, empty; floods of
// hosts, VMs and early events. Everything stays bounded and nothing panics.
func TestHostileLabels(t *testing.T) {
	ctx := context.Background()
	c := &clock{t: t0}
	var rec recorder
	tr := New(openDB(t, t.TempDir()), rec.onAlerts, Options{Now: c.now, MaxOpen: 3, MaxVMs: 50, MaxEarly: 10})
	huge := strings.Repeat("宿", 1<<20)
	odd := "esx\xff\xfe-07\n\x00\tcluster"
	ev := hostFailed(t0, huge)
	ev.Labels["cluster"] = odd
	ev.Labels["instance"] = huge + "x"
	tr.Handle(ctx, []collectors.Event{ev,
		{Time: t0, Labels: nil}, {}, // no labels at all
		hv(t0, "host_failed"), hv(t0, "vm_down", "host", "h"), // no host; no vm
		hv(time.Time{}, "host_failed", "host", odd),                       // no time: now
		hv(t0.Add(100*365*24*time.Hour), "host_failed", "host", "future"), // far ahead: now
	})
	require.Len(t, tr.Active(), 3)
	for _, a := range tr.Active() {
		checkAlert(t, 4096, a)
		assert.Equal(t, t0, a.StartsAt, "a missing or absurd time is now")
	}
	assert.Equal(t, "esx�-07   cluster", clean(odd))

	// A fourth host is over the bound: not tracked, the rest unharmed.
	tr.Handle(ctx, []collectors.Event{hostFailed(t0, "esx-04")})
	assert.Len(t, tr.Active(), 3)

	// 200 VMs with huge names on one host: 50 kept, the description bounded.
	var downs []collectors.Event
	for i := range 200 {
		downs = append(downs, vmDown(t0, "future", fmt.Sprintf("%d-%s", i, huge)))
	}
	tr.Handle(ctx, downs)
	tr.Tick(ctx)
	fs, err := tr.Failures(ctx, t0.Add(-time.Hour), t0.Add(time.Hour))
	require.NoError(t, err)
	for _, f := range fs {
		assert.LessOrEqual(t, len(f.VMs), 50)
	}
	a := rec.last(t)
	checkAlert(t, 7*maxListed*(maxLabelBytes+80)+1024, a)
	assert.Contains(t, a.Annotations["description"], "…等 30 台")

	// Early events for hosts that never fail: at most MaxEarly kept, then forgotten.
	var early []collectors.Event
	for i := range 100 {
		early = append(early, vmDown(t0, fmt.Sprintf("h%d", i), "v"))
	}
	tr.Handle(ctx, early)
	assert.LessOrEqual(t, len(tr.early), 10)
	c.add(3 * time.Minute)
	tr.Tick(ctx)
	assert.Empty(t, tr.early)
}
