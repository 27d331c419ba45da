package issue

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/sla"
)

func requireFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	for _, name := range names {
		st, err := os.Stat(filepath.Join(dir, name))
		require.NoError(t, err, name)
		assert.Positive(t, st.Size(), name)
		assert.Equal(t, os.FileMode(0o640), st.Mode().Perm(), name)
	}
}

// The draft, once October's last day is closed, and the final report, once
// October is frozen, are written in every format to the reports directory
// and announced to the reports receiver with every summary line and the
// download link; issued again they are announced under the same ID (the
// outbox sends an ID once).
func TestMonthReportsAreKeptAndAnnounced(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	dir := f.getSettings().Dir
	f.setClock(time.Date(2026, 11, 1, 0, 10, 0, 0, cst.Location))
	f.s.DayClosed(ctx, "2026-10-31") // the 1st: the draft, from the days not frozen
	requireFiles(t, dir, "SLA月报-2026-10-初稿.pdf", "SLA月报-2026-10-初稿.xlsx", "SLA月报-2026-10-初稿.html")
	got := f.announced.all()
	require.Len(t, got, 1)
	assert.Equal(t, "duty", got[0].receiver)
	assert.Equal(t, "report-sla-2026-10-draft", got[0].id)
	assert.Equal(t, "【月度报告】2026年10月 SLA服务报告（初稿，封账后发正式版）", got[0].n.Title)
	assert.Equal(t, alerting.Warning, got[0].n.Severity)
	assert.Equal(t, f.now(), got[0].n.CreatedAt)

	f.closeAndFreeze(t)
	f.s.MonthFrozen(ctx, "2026-10")
	requireFiles(t, dir, "SLA月报-2026-10.pdf", "SLA月报-2026-10.xlsx", "SLA月报-2026-10.html")
	f.s.MonthFrozen(ctx, "2026-10") // issued again (a restart mid-way)
	got = f.announced.all()
	require.Len(t, got, 3)
	n := got[1].n
	assert.Equal(t, "report-sla-2026-10", got[1].id)
	assert.Equal(t, got[1].id, got[2].id, "the same notice: the outbox sends it once")
	assert.Equal(t, "【月度报告】2026年10月 SLA服务报告已生成", n.Title)
	assert.Contains(t, n.Text, "R-A1 监控插件在线率：99.4791%（目标 ≥ 100.0000%）未达标")
	assert.Equal(t, "http://sw.example/api/v1/reports/sla/2026-10?format=pdf", n.URL)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 6, "no temporary file left behind")
}

// Only the close of a month's last day issues its draft, and not once the
// grace period is over (the freeze follows in the same pass); with no
// receiver the report is kept and nobody is told.
func TestDraftOnlyForTheMonthsLastDay(t *testing.T) {
	f := newReportFixture(t)
	ctx := context.Background()
	f.setClock(time.Date(2026, 11, 1, 0, 10, 0, 0, cst.Location))
	f.s.DayClosed(ctx, "2026-10-30")
	f.s.DayClosed(ctx, "not a date")
	f.setClock(time.Date(2026, 11, 4, 0, 0, 0, 0, cst.Location)) // the grace period of October has ended
	f.s.DayClosed(ctx, "2026-10-31")
	_, err := os.Stat(f.getSettings().Dir)
	assert.ErrorIs(t, err, os.ErrNotExist, "nothing issued")

	f.setClock(time.Date(2026, 11, 3, 23, 59, 0, 0, cst.Location))
	f.setSettings(func(s *Settings) { s.Receiver = "" })
	f.s.DayClosed(ctx, "2026-10-31")
	requireFiles(t, f.getSettings().Dir, "SLA月报-2026-10-初稿.pdf")
	assert.Empty(t, f.announced.all())
}

// draftDays is the closer's accounting in the draft test: one agent up the
// whole day, except the dates in fail, whose first close fails.
type draftDays struct {
	mu   sync.Mutex
	fail map[string]bool
}

func (d *draftDays) date(_ context.Context, date string) ([]sla.Day, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.fail[date] {
		delete(d.fail, date)
		return nil, errors.New("tsdb unavailable")
	}
	return []sla.Day{{SLI: "agent_online", Entity: "vm-a", Labels: map[string]string{"district": "卢氏县"},
		Date: date, Tally: sla.Tally{GoodS: 86400}}}, nil
}

// The draft runs on the closer's hook: it is issued only once the month's
// last day is closed, and when that close fails and is retried, it follows
// the close that succeeded. (The bubble starts 2000-01-01 08:00 CST, the
// first pass closes December 1999.)
func TestDraftFollowsTheClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
		require.NoError(t, err)
		defer db.Close()
		ledger := sla.NewLedger(db, nil)
		incidents := alerting.NewIncidents(db, nil)
		rules := func() sla.Rules { return sla.Rules{SLIs: sla.DefaultSLIs()} }
		type issued struct {
			id     string
			at     string // CST
			closed bool   // the month's last day, in the ledger when announced
		}
		var mu sync.Mutex
		var got []issued
		announce := func(ctx context.Context, _, id string, n alerting.Notification) {
			month, _ := sla.ParseMonth(id[len("report-sla-") : len("report-sla-")+7])
			closed, err := ledger.Closed(ctx, sla.DateOf(month.AddDate(0, 1, -1)))
			assert.NoError(t, err) // not require: this is the closer's goroutine
			mu.Lock()
			defer mu.Unlock()
			got = append(got, issued{id, cst.FormatTime(n.CreatedAt), closed})
		}
		take := func() []issued { mu.Lock(); defer mu.Unlock(); g := got; got = nil; return g }
		s := New(Options{Ledger: ledger, Accounting: sla.NewAccounting(nil, incidents, rules), Incidents: incidents,
			Settings: func() Settings { return Settings{Receiver: "duty", Dir: filepath.Join(t.TempDir(), "reports")} },
			Announce: announce})
		days := &draftDays{fail: map[string]bool{"2000-01-31": true}}
		closer := sla.NewCloser(ledger, days.date, nil, sla.WithOnClosed(s.DayClosed), sla.WithOnFreeze(s.MonthFrozen))
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- closer.Run(ctx) }()
		defer func() { cancel(); require.NoError(t, <-done) }()
		sleepUntil := func(t time.Time) { time.Sleep(time.Until(t)); synctest.Wait() }
		at := func(m time.Month, d, h, min int) time.Time { return time.Date(2000, m, d, h, min, 0, 0, cst.Location) }
		stamp := func(m time.Month, d, h, min int) string { return cst.FormatTime(at(m, d, h, min)) }

		synctest.Wait()
		assert.Equal(t, []issued{{"report-sla-1999-12-draft", stamp(1, 1, 8, 0), true}}, take(), "December's last day closed on the first pass")
		sleepUntil(at(1, 4, 0, 11))
		assert.Equal(t, []issued{{"report-sla-1999-12", stamp(1, 4, 0, 10), true}}, take(), "frozen: the final report")

		sleepUntil(at(2, 1, 0, 9))
		assert.Empty(t, take(), "not before the 31st is closed")
		sleepUntil(at(2, 1, 0, 11))
		assert.Empty(t, take(), "the close of the 31st failed: no draft")
		sleepUntil(at(2, 1, 0, 16))
		assert.Equal(t, []issued{{"report-sla-2000-01-draft", stamp(2, 1, 0, 15), true}}, take(), "after the retry closed it")
	})
}

// The inspection report is issued every day at the configured time, read
// again after a reload.
func TestInspectionsRunAtTheConfiguredTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
		require.NoError(t, err)
		defer db.Close()
		dir := filepath.Join(t.TempDir(), "reports")
		var mu sync.Mutex
		set := Settings{Dir: dir, InspectionAt: 8 * time.Hour, InspectionOn: true, HorizonDays: 30}
		empty := func(context.Context, string, time.Time) (promql.Vector, error) { return nil, nil } // an estate with no data
		s := New(Options{Incidents: alerting.NewIncidents(db, nil), Instant: empty,
			Settings: func() Settings { mu.Lock(); defer mu.Unlock(); return set }})
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- s.RunInspections(ctx) }()
		defer func() { cancel(); require.NoError(t, <-done) }()
		kept := func(date string) bool {
			_, err := os.Stat(filepath.Join(dir, inspectionFileName(date, "pdf")))
			return err == nil
		}
		synctest.Wait()
		assert.False(t, kept("2000-01-01"), "08:00 on the 1st is now: the next run is tomorrow")
		time.Sleep(24*time.Hour - time.Second)
		synctest.Wait()
		assert.False(t, kept("2000-01-02"))
		time.Sleep(time.Second)
		synctest.Wait()
		assert.True(t, kept("2000-01-02"))
		mu.Lock()
		set.InspectionOn = false
		mu.Unlock()
		time.Sleep(24 * time.Hour)
		synctest.Wait()
		assert.False(t, kept("2000-01-03"), "turned off")
	})
}
