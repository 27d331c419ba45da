package jobs

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// testToken is a push token of the tests (never a real one).
const testToken = "t0ken-of-the-oa-backup-job"

// at is a wall-clock time in Asia/Shanghai.
func at(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, cst.Location)
}

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) add(d time.Duration) { c.set(c.now().Add(d)) }

// eventLog is an EventSink that keeps what it gets.
type eventLog struct {
	mu  sync.Mutex
	evs []collectors.Event
}

func (l *eventLog) AppendEvents(_ context.Context, evs []collectors.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, evs...)
	return nil
}

// take returns the events so far and forgets them.
func (l *eventLog) take() []collectors.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.evs
	l.evs = nil
	return out
}

// kinds lists the events' event labels, in order.
func kinds(evs []collectors.Event) []string {
	out := []string{}
	for _, e := range evs {
		out = append(out, e.Labels["event"])
	}
	return out
}

// sampleLog is a Sink that keeps the latest value of every series.
type sampleLog struct {
	mu     sync.Mutex
	latest map[string]float64 // "name job" → value
	writes int
}

func (l *sampleLog) Append(_ context.Context, _ time.Time, ss []collectors.Sample) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.latest == nil {
		l.latest = map[string]float64{}
	}
	l.writes++
	for _, s := range ss {
		var name, job string
		for _, lb := range s.Labels {
			switch lb.Name {
			case "__name__":
				name = lb.Value
			case "job":
				job = lb.Value
			}
		}
		l.latest[name+" "+job] = s.Value
	}
	return nil
}

func (l *sampleLog) get(name, job string) (float64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.latest[name+" "+job]
	return v, ok
}

// openDB opens a state database (its migrations make the job tables).
func openDB(t testing.TB, dir string) *statestore.DB {
	t.Helper()
	db, err := statestore.Open(filepath.Join(dir, "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

// writeToken writes a token file and returns its path.
func writeToken(t testing.TB, dir, name, tok string) string {
	t.Helper()
	p := filepath.Join(dir, name+".token")
	require.NoError(t, os.WriteFile(p, []byte(tok+"\n"), 0o600))
	return p
}

// backupJob is a daily backup at 02:00 CST that may take 2h.
func backupJob(tokenFile string) Job {
	return Job{Name: "oa-db-backup", System: "协同办公", Kind: KindBackup, Schedule: "0 2 * * *",
		MaxDuration: 2 * time.Hour, TokenFile: tokenFile}
}

// fixture is a Service on a fresh state database with a settable clock.
type fixture struct {
	dir    string
	db     *statestore.DB
	clock  *clock
	events *eventLog
	series *sampleLog
	svc    *Service
}

func newFixture(t testing.TB, start time.Time, jobs ...Job) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), clock: &clock{t: start}, events: &eventLog{}, series: &sampleLog{}}
	f.db = openDB(t, f.dir)
	if len(jobs) == 0 {
		jobs = []Job{backupJob(writeToken(t, f.dir, "oa", testToken))}
	}
	f.svc = f.open(t, jobs...)
	return f
}

// open builds a Service over the fixture's database (again, after a "restart").
func (f *fixture) open(t testing.TB, jobs ...Job) *Service {
	t.Helper()
	svc, err := New(Config(jobs), f.db, WithClock(f.clock.now), WithEvents(f.events), WithSink(f.series))
	require.NoError(t, err)
	return svc
}

// report records a run as a push would.
func (f *fixture) report(t testing.TB, job string, rep Report) outcome {
	t.Helper()
	out, err := f.svc.record(context.Background(), f.svc.jobs[job], rep, "push")
	require.NoError(t, err)
	return out
}
