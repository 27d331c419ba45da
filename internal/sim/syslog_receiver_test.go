package sim

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/collectors/syslog"
	"github.com/swanwatch/swanwatch/collectors/syslog/logparse"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// eventSink keeps the receiver's events.
type eventSink struct {
	mu  sync.Mutex
	evs []collectors.Event
}

func (s *eventSink) AppendEvents(_ context.Context, ev []collectors.Event) error {
	s.mu.Lock()
	s.evs = append(s.evs, ev...)
	s.mu.Unlock()
	return nil
}

func (s *eventSink) snapshot() []collectors.Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]collectors.Event(nil), s.evs...)
}

// TestLogsIntoReceiver: SwanWatch's own syslog receiver, with the parser
// profiles and the device index built from the simulator's inventory (as
// internal/app wires them), names every firewall's and server's line by
// its inventory device and classifies it; the demo's deny burst is 100
// fw_deny events from the scanner on smx-fw-01 within the minute.
func TestLogsIntoReceiver(t *testing.T) {
	sink := &eventSink{}
	devices := &snmptrap.Devices{}
	set := logparse.Default()
	r, err := syslog.New(syslog.Config{UDP: "127.0.0.1:0", TCP: "127.0.0.1:0"}, syslog.Deps{Resolve: devices.Resolve, Sink: sink,
		Classifier: syslog.ClassifyFunc(func(m syslog.Message) (syslog.Record, bool) {
			rec, ok := set.Parse(logparse.Message(m))
			return syslog.Record(rec), ok
		})})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	defer func() { cancel(); require.NoError(t, <-done) }()

	s, err := New(Options{VMs: 10, Seed: 1, Logs: &LogOptions{UDP: r.UDPAddr(), TCP: r.TCPAddr(), Rate: 20, SecretsDir: t.TempDir()}})
	require.NoError(t, err)
	require.NoError(t, s.Start())
	var targets []inventory.Target
	for _, e := range s.Inventory().Targets {
		targets = append(targets, inventory.Target{Name: e.Name, Kind: e.Kind, Address: e.Address, District: e.District,
			Level: e.Level, Site: e.Site, System: e.System, Dept: e.Dept, Labels: e.Labels})
	}
	devices.Update(targets)
	sctx, stop := context.WithCancel(context.Background())
	simDone := make(chan error, 1)
	go func() { simDone <- s.Run(sctx) }()
	defer func() { stop(); require.NoError(t, <-simDone) }()

	require.NoError(t, s.DenyBurst("smx-fw-01", "198.51.100.77", 110, time.Second))
	require.NoError(t, s.BruteForce("bastion-smx-02", "203.0.113.250"))
	want := map[string]bool{"smx-fw-01": true, "lb-fw-01": true, "fw-park-border": true, "bastion-smx-02": true}
	var evs []collectors.Event
	deadline := time.Now().Add(20 * time.Second)
	for {
		evs = sink.snapshot()
		seen, burst := map[string]bool{}, 0
		for _, e := range evs {
			seen[e.Labels["instance"]] = true
			if e.Labels["instance"] == "smx-fw-01" && e.Labels["class"] == "fw_deny" && e.Labels["src_ip"] == "198.51.100.77" {
				burst++
			}
		}
		if burst >= 100 && seen["smx-fw-01"] && seen["lb-fw-01"] && seen["fw-park-border"] && seen["bastion-smx-02"] {
			break
		}
		require.True(t, time.Now().Before(deadline), "after 20 s: %d denies of the burst, instances %v", burst, seen)
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("%d events", len(evs))
	for _, e := range evs {
		l := e.Labels
		require.True(t, want[l["instance"]], "an event of an unknown sender: %v", l)
		assert.NotEqual(t, "false", l["known"], "%v", l)
		assert.NotEmpty(t, l["class"], "unclassified: %s %q", l["instance"], e.Text)
		assert.NotEmpty(t, l["district"], "%v", l)
		switch l["instance"] {
		case "bastion-smx-02":
			assert.Equal(t, "login_fail", l["class"])
			assert.Equal(t, "sshd", l["app"])
			assert.Equal(t, "authpriv", l["facility"])
		case "smx-fw-01":
			assert.Equal(t, "huawei-usg", l["vendor"])
		case "lb-fw-01":
			assert.Equal(t, "h3c-secpath", l["vendor"])
		case "fw-park-border":
			assert.Equal(t, "hillstone", l["vendor"])
		}
	}
}
