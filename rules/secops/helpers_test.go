package secops

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/eventrules"
)

// clock is the fake time of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// alerts keeps the event alerts by fingerprint, as the incident store would.
type alerts struct {
	mu     sync.Mutex
	active map[string]alerting.Alert
	fired  []string // alertname per firing, in order
}

func (a *alerts) onAlerts(_ context.Context, as []alerting.Alert) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, al := range as {
		if al.Firing {
			a.active[al.Fingerprint] = al
			a.fired = append(a.fired, al.Labels["alertname"])
		} else {
			delete(a.active, al.Fingerprint)
		}
	}
}

// firing lists "alertname severity key" of the active alerts, sorted.
func (a *alerts) firing(key string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []string{}
	for _, al := range a.active {
		out = append(out, al.Labels["alertname"]+" "+al.Labels["severity"]+" "+al.Labels[key])
	}
	sort.Strings(out)
	return out
}

func (a *alerts) all() []alerting.Alert {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []alerting.Alert
	for _, al := range a.active {
		out = append(out, al)
	}
	return out
}

// events records what the Service sent, and hands it on to the engine.
type events struct {
	mu   sync.Mutex
	evs  []collectors.Event
	next collectors.EventSink
}

func (e *events) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	e.mu.Lock()
	e.evs = append(e.evs, evs...)
	e.mu.Unlock()
	return e.next.AppendEvents(ctx, evs)
}

func (e *events) take() []collectors.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.evs
	e.evs = nil
	return out
}

// fixture is a Service over a fresh state database, its events driving a
// real event rules engine with the shipped secops pack.
type fixture struct {
	db     *statestore.DB
	clock  *clock
	alerts *alerts
	events *events
	svc    *Service
}

func cstTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, cst.Location)
}

func newFixture(t testing.TB, start time.Time) *fixture {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	f := &fixture{db: db, clock: &clock{t: start}, alerts: &alerts{active: map[string]alerting.Alert{}}}
	rules, err := EventRules()
	require.NoError(t, err)
	engine := eventrules.New(rules, f.alerts.onAlerts, eventrules.Options{Now: f.clock.now})
	f.events = &events{next: engine}
	f.restart(t)
	return f
}

// restart opens a new Service on the same database, as after a restart.
func (f *fixture) restart(t testing.TB) {
	t.Helper()
	svc, err := New(f.db, WithEvents(f.events), WithClock(f.clock.now))
	require.NoError(t, err)
	f.svc = svc
}

func (f *fixture) check(t *testing.T) {
	t.Helper()
	require.NoError(t, f.svc.Check(context.Background()))
}

// importFile imports a testdata report as user "li".
func (f *fixture) importFile(t *testing.T, name string, o ImportOptions) ScanRecord {
	t.Helper()
	r, err := os.Open("testdata/" + name)
	require.NoError(t, err)
	defer r.Close()
	parse := ParseOpenVAS
	if filepath.Ext(name) == ".csv" {
		parse = ParseCSV
	}
	s, err := parse(r)
	require.NoError(t, err)
	if o.By == "" {
		o.By = "li"
	}
	rec, err := f.svc.Import(context.Background(), s, o)
	require.NoError(t, err)
	return rec
}

// states maps "host ref port" to the state of every finding.
func (f *fixture) states(t *testing.T) map[string]State {
	t.Helper()
	vs, err := f.svc.Vulnerabilities(context.Background(), Filter{})
	require.NoError(t, err)
	out := map[string]State{}
	for _, v := range vs {
		out[v.Host+" "+v.label()+" "+v.Port] = v.State
	}
	return out
}
