package snmp

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// eventRecorder is an EventSink that keeps what it receives; fail makes the
// next deliveries fail, as a full event store would.
type eventRecorder struct {
	mu     sync.Mutex
	events []collectors.Event
	fail   int
}

func (e *eventRecorder) AppendEvents(_ context.Context, evs []collectors.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.fail > 0 {
		e.fail--
		return errors.New("event store full")
	}
	e.events = append(e.events, evs...)
	return nil
}

// take returns the events received since the last take.
func (e *eventRecorder) take() []collectors.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.events
	e.events = nil
	return out
}

// wanEstate is a simulated WAN with its clock stopped, so that only forced
// links change between polls.
type wanEstate struct {
	s       *sim.Sim
	targets map[string]collectors.Target // SNMP targets by device name
	links   map[string]sim.ExportLink
}

func startWAN(t testing.TB) *wanEstate {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	s, err := sim.New(sim.Options{VMs: 10, Seed: 11, WANScale: 0.1, Now: func() time.Time { return at }})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() { cancel(); require.NoError(t, <-done) })
	<-s.Ready()
	w := &wanEstate{s: s, targets: map[string]collectors.Target{}, links: map[string]sim.ExportLink{}}
	inv := s.Inventory()
	for _, x := range inv.Targets {
		if x.Kind == Kind {
			w.targets[x.Name] = collectors.Target{Kind: Kind, Name: x.Name, Address: x.Address, Params: x.Params,
				Labels: map[string]string{"district": x.District, "level": x.Level, "site": x.Site}}
		}
	}
	for _, l := range inv.Links {
		w.links[l.Name] = l
	}
	return w
}

// quickCollector gives up on a silent device after one try of one request.
func quickCollector(t testing.TB, sink collectors.EventSink) *Collector {
	// A request timeout generous enough for -race on a busy 2-core machine: a
	// 300-port walk once timed out at 300 ms and lost a round.
	cfg := Config{RequestTimeout: 2 * time.Second, Retries: -1}.WithDefaults()
	require.NoError(t, cfg.Validate())
	c, err := New(cfg, nil, WithEvents(sink))
	require.NoError(t, err)
	return c
}

func TestPollLinkEventsSim(t *testing.T) {
	w := startWAN(t)
	name, behind := w.s.DemoUplink()
	require.NotEmpty(t, name)
	l := w.links[name]
	a, b := w.targets[l.ADevice], w.targets[l.BDevice]
	require.NotEmpty(t, a.Name)
	require.Contains(t, behind, b.Name, "the B end is behind the link")
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	aOper := "snmp_if_oper_status" + ifKey(t, a, l.AInterface)

	rec, err := poll(t, c, a)
	require.NoError(t, err)
	require.Equal(t, 1.0, value(t, rec, aOper), "the link is up at the frozen instant")
	_, err = poll(t, c, b)
	require.NoError(t, err)
	assert.Empty(t, sink.take(), "the first poll only learns")

	pollBoth(t, c, a, b)
	assert.Empty(t, sink.take(), "nothing changed, nothing said")

	require.NoError(t, w.s.ForceLink(name, sim.LinkDown))
	polled := time.Now()
	pollBoth(t, c, a, b)
	evs := sink.take()
	require.Len(t, evs, 1, "one linkDown for the A end; the B end is cut off")
	assertLinkEvent(t, evs[0], a, l.AInterface, "linkDown")
	assert.False(t, evs[0].Time.Before(polled), "stamped with the poll time")
	assert.Contains(t, evs[0].Text, "状态由 up 变为 down，链路中断（轮询发现）")

	pollBoth(t, c, a, b)
	assert.Empty(t, sink.take(), "still down: no second event")

	require.NoError(t, w.s.ForceLink(name, sim.LinkUp))
	polled = time.Now()
	pollBoth(t, c, a, b)
	evs = sink.take()
	require.Len(t, evs, 1, "one linkUp for the A end; the B end never read down")
	assertLinkEvent(t, evs[0], a, l.AInterface, "linkUp")
	assert.False(t, evs[0].Time.Before(polled), "stamped with the poll time")
	assert.Contains(t, evs[0].Text, "状态由 down 变为 up，链路恢复（轮询发现）")
}

// pollBoth polls the A end, which must answer, and the B end, which may be
// cut off.
func pollBoth(t *testing.T, c *Collector, a, b collectors.Target) {
	t.Helper()
	_, err := poll(t, c, a)
	require.NoError(t, err)
	_, _ = poll(t, c, b)
}

// ifKey returns the label set of the interface named ifname on tgt, polled by
// a collector of its own.
func ifKey(t *testing.T, tgt collectors.Target, ifname string) string {
	t.Helper()
	var pairs []string
	err := quickCollector(t, nil).Collect(context.Background(), tgt, func(m string, _ float64, labels ...string) {
		if m == "snmp_if_oper_status" && slices.Contains(labels, ifname) {
			for i := 0; i < len(labels); i += 2 {
				pairs = append(pairs, labels[i]+`="`+labels[i+1]+`"`)
			}
		}
	})
	require.NoError(t, err)
	require.NotEmpty(t, pairs, "%s has no interface %s", tgt.Name, ifname)
	slices.Sort(pairs)
	return "{" + strings.Join(pairs, ",") + "}"
}

func assertLinkEvent(t *testing.T, ev collectors.Event, tgt collectors.Target, ifname, trap string) {
	t.Helper()
	assert.Equal(t, "snmp_poll", ev.Labels["source"])
	assert.Equal(t, trap, ev.Labels["trap"])
	assert.Equal(t, tgt.Name, ev.Labels["instance"])
	assert.Equal(t, ifname, ev.Labels["ifname"])
	assert.NotEmpty(t, ev.Labels["ifindex"])
	assert.Equal(t, Kind, ev.Labels["kind"])
	assert.Equal(t, tgt.Labels["district"], ev.Labels["district"])
	assert.Equal(t, tgt.Labels["level"], ev.Labels["level"])
	assert.False(t, ev.Time.After(time.Now()), "stamped with the poll time, not later")
	assert.Contains(t, ev.Text, tgt.Name)
	assert.Contains(t, ev.Text, ifname)
}

func TestPollLinkEventsRemovedTarget(t *testing.T) {
	cases := []struct {
		name string
		keep bool
		want []string
	}{
		{"kept target reports the change", true, []string{"linkDown"}},
		{"removed and added back starts afresh", false, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := startWAN(t)
			name, _ := w.s.DemoUplink()
			a := w.targets[w.links[name].ADevice]
			sink := &eventRecorder{}
			c := quickCollector(t, sink)
			_, err := poll(t, c, a)
			require.NoError(t, err)
			others := []collectors.Target{{Kind: "agent", Name: a.Name}} // same name, other kind
			for _, tg := range w.targets {
				if tg.Name != a.Name || tc.keep {
					others = append(others, tg)
				}
			}
			c.SetTargets(others)
			c.mu.Lock()
			_, remembered := c.states[a.Key()]
			n := len(c.states)
			c.mu.Unlock()
			assert.Equal(t, tc.keep, remembered)
			assert.LessOrEqual(t, n, 1)

			require.NoError(t, w.s.ForceLink(name, sim.LinkDown))
			_, err = poll(t, c, a)
			require.NoError(t, err)
			assert.Equal(t, tc.want, trapsOf(sink.take()))
		})
	}
}

func TestPollLinkEventsSinkFailure(t *testing.T) {
	w := startWAN(t)
	name, _ := w.s.DemoUplink()
	a := w.targets[w.links[name].ADevice]
	sink := &eventRecorder{}
	c := quickCollector(t, sink)
	_, err := poll(t, c, a)
	require.NoError(t, err)

	require.NoError(t, w.s.ForceLink(name, sim.LinkDown))
	sink.fail = 1
	failed := mLinkEventsFailed.Get()
	_, err = poll(t, c, a)
	require.NoError(t, err, "a sink failure does not fail the round")
	assert.Empty(t, sink.take())
	assert.Equal(t, failed+1, mLinkEventsFailed.Get())

	_, err = poll(t, c, a)
	require.NoError(t, err)
	assert.Equal(t, []string{"linkDown"}, trapsOf(sink.take()), "the undelivered change is reported by the next round")
}
