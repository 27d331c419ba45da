package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// ledgerMonth is the fixture month: the last month whose grace period has
// ended (so the server would have frozen it), within the retention.
func ledgerMonth() time.Time {
	now := time.Now().In(cst.Location)
	cur := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, cst.Location)
	if now.Before(cur.Add(sla.DefaultGrace + time.Hour)) {
		return cur.AddDate(0, -2, 0)
	}
	return cur.AddDate(0, -1, 0)
}

// ledgerDir writes a configuration and a month of agent samples, one a
// minute at :15 from 2 hours before the month to 6 hours after it: vm-a
// down for 47 minutes on the 10th, vm-b silent for 3 hours on the 5th.
func ledgerDir(t *testing.T, start time.Time) (dir, file string) {
	dir = t.TempDir()
	file = filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, []byte("storage: {path: data}\n"), 0o600))
	cfg, err := config.Load(file)
	require.NoError(t, err)
	st, err := storage.Open(storage.Options{Dir: cfg.Storage.TSDBDir(), Retention: cfg.Storage.Retention.Duration()})
	require.NoError(t, err)
	down := [2]time.Time{start.AddDate(0, 0, 9).Add(14*time.Hour + 3*time.Minute), start.AddDate(0, 0, 9).Add(14*time.Hour + 50*time.Minute)}
	gap := [2]time.Time{start.AddDate(0, 0, 4).Add(8 * time.Hour), start.AddDate(0, 0, 4).Add(11 * time.Hour)}
	ctx := context.Background()
	for ts := start.Add(-2*time.Hour + 15*time.Second); ts.Before(start.AddDate(0, 1, 0).Add(6 * time.Hour)); ts = ts.Add(time.Minute) {
		a := 1.0
		if !ts.Before(down[0]) && ts.Before(down[1]) {
			a = 0
		}
		round := []collectors.Sample{{Labels: agentLabels("vm-a"), Value: a}}
		if ts.Before(gap[0]) || !ts.Before(gap[1]) {
			round = append(round, collectors.Sample{Labels: agentLabels("vm-b"), Value: 1})
		}
		require.NoError(t, st.Append(ctx, ts, round))
	}
	require.NoError(t, st.Close())
	fireIncident(t, cfg.Storage.StateFile(), down[0])
	return dir, file
}

// fireIncident records vm-a's outage in the state store's incidents, which
// the month is frozen with (and its checksum covers).
func fireIncident(t *testing.T, stateFile string, at time.Time) {
	db, err := statestore.Open(stateFile, nil)
	require.NoError(t, err)
	_, _, err = alerting.NewIncidents(db, nil).Fire(context.Background(), alerting.Alert{Fingerprint: "vm-a",
		Labels:      map[string]string{"alertname": "AgentOffline", "instance": "vm-a", "severity": "major"},
		Annotations: map[string]string{"summary": "vm-a 监控插件离线"}, StartsAt: at})
	require.NoError(t, err)
	require.NoError(t, db.Close())
}

func agentLabels(instance string) []collectors.Label {
	return []collectors.Label{{Name: "__name__", Value: "up"}, {Name: "instance", Value: instance},
		{Name: "job", Value: "agent"}, {Name: "kind", Value: "agent"}}
}

// copyData is a second data directory with the same stored data.
func copyData(t *testing.T, dir string) (string, string) {
	dst := t.TempDir()
	require.NoError(t, os.CopyFS(filepath.Join(dst, "data"), os.DirFS(filepath.Join(dir, "data"))))
	data, err := os.ReadFile(filepath.Join(dir, "swanwatch.yaml"))
	require.NoError(t, err)
	file := filepath.Join(dst, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, data, 0o600))
	return dst, file
}

// serverLedger closes and freezes month on file's data as the server's
// closer does: its passes (Step) at 00:11 after the month's last day, and
// after its grace period.
func serverLedger(t *testing.T, file string, start time.Time) (days map[string]string, month sla.Month, ledgerDays []sla.Day) {
	cfg, err := config.Load(file)
	require.NoError(t, err)
	clock := start.AddDate(0, 1, 0).Add(11 * time.Minute)
	l, err := app.OpenLedger(cfg, sla.WithCloserClock(func() time.Time { return clock }))
	require.NoError(t, err)
	defer func() { require.NoError(t, l.Close()) }()
	ctx := context.Background()
	require.NoError(t, l.Closer.Step(ctx))
	m := sla.MonthOf(start)
	days, err = l.Ledger.DaySums(ctx, m)
	require.NoError(t, err)
	ledgerDays, err = l.Ledger.Days(ctx, m)
	require.NoError(t, err)
	clock = l.Ledger.GraceEnd(start).Add(11 * time.Minute)
	require.NoError(t, l.Closer.Step(ctx))
	month, err = l.Ledger.Header(ctx, m)
	require.NoError(t, err, "the server's pass after the grace period froze the month")
	return days, month, ledgerDays
}

func TestLedgerCommandMatchesTheServersCloser(t *testing.T) {
	start := ledgerMonth()
	month := sla.MonthOf(start)
	n := len(dates(start))
	dirA, fileA := ledgerDir(t, start)
	dirB, fileB := copyData(t, dirA)

	serverDays, serverMonth, ledgerDays := serverLedger(t, fileA, start)
	require.Len(t, serverDays, n)
	require.Len(t, serverMonth.Incidents, 1, "the month is frozen with vm-a's incident")
	assertFixtureFigures(t, ledgerDays)

	code, out, errs := runCLI(t, "", "ledger", "status", "--config", fileB)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "台账中还没有关账的日期")

	code, _, errs = runCLI(t, "", "ledger", "freeze", "--config", fileB, "--month", month)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "尚有日期未关账", "a month with open days is not frozen")

	holder, err := storage.Open(storage.Options{Dir: filepath.Join(dirB, "data", "tsdb")})
	require.NoError(t, err)
	code, _, errs = runCLI(t, "", "ledger", "close", "--config", fileB, "--month", month)
	require.NoError(t, holder.Close())
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "服务器正在运行")

	code, out, errs = runCLI(t, "", "ledger", "close", "--config", fileB, "--month", month)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, fmt.Sprintf("本次关账 %d 天：%s-01 至 %s", n, month, dates(start)[n-1]))
	assert.Contains(t, out, "冻结后的月校验和（SHA-256）将为 "+serverMonth.InputSHA256)
	for d, sum := range serverDays {
		assert.Contains(t, out, d+"  "+sum, "day %s: the same checksum as the server's close", d)
	}
	assertSameDays(t, fileB, serverDays)

	code, out, errs = runCLI(t, "", "ledger", "close", "--config", fileB, "--month", month)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "本次关账 0 天\n")
	assert.Contains(t, out, fmt.Sprintf("此前已关账、未改动 %d 天：%s-01 至 %s", n, month, dates(start)[n-1]))
	assertSameDays(t, fileB, serverDays)

	code, out, errs = runCLI(t, "", "ledger", "status", "--config", fileB)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, fmt.Sprintf("%s 临时    已关账 %d/%d 天", month, n, n))
	code, out, errs = runCLI(t, "", "report", "--config", fileB, "--month", month, "--format", "html", "-o", "-")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "临时报告（本月尚未封账）", "closed but not frozen: still provisional")

	code, _, errs = runCLI(t, "", "ledger", "freeze", "--config", fileB, "--month", sla.MonthOf(time.Now()))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "尚未结束")

	code, out, errs = runCLI(t, "", "ledger", "freeze", "--config", fileB, "--month", month)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, month+" 已冻结")
	assert.Contains(t, out, "告警事件 1 起")
	assert.Contains(t, out, "月校验和（SHA-256）："+serverMonth.InputSHA256)

	code, out, errs = runCLI(t, "", "ledger", "freeze", "--config", fileB, "--month", month)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "此前已冻结，未改动")

	code, out, errs = runCLI(t, "", "report", "--config", fileB, "--month", month, "--format", "html", "-o", "-")
	require.Equal(t, 0, code, errs)
	assert.NotContains(t, out, "临时报告（本月尚未封账）", "the month's report is final once frozen offline")
	assert.Contains(t, out, "本月已于")
	assert.Contains(t, out, "输入校验 SHA-256 "+serverMonth.InputSHA256)

	code, out, errs = runCLI(t, "", "ledger", "status", "--config", fileB, "--month", month)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, fmt.Sprintf("%s 已冻结  已关账 %d/%d 天", month, n, n))
	assert.Contains(t, out, "校验和 "+serverMonth.InputSHA256)

	code, out, errs = runCLI(t, "", "ledger", "close", "--config", fileB, "--month", month)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "已冻结，不再关账")
}

// assertFixtureFigures proves the closed days hold the fixture's figures,
// so equal checksums compare something: vm-a's outage and vm-b's gap.
func assertFixtureFigures(t *testing.T, days []sla.Day) {
	t.Helper()
	var badA, unknownB int64
	for _, d := range days {
		if d.SLI != "agent_online" {
			continue
		}
		switch d.Entity {
		case "vm-a":
			badA += d.Tally.BadS
		case "vm-b":
			unknownB += d.Tally.UnknownS
		}
	}
	assert.Equal(t, int64(47*60), badA, "vm-a: 47 minutes down on the 10th")
	assert.Equal(t, int64(3*3600), unknownB, "vm-b: 3 hours without samples on the 5th")
}

// assertSameDays compares the day checksums of file's ledger with want.
func assertSameDays(t *testing.T, file string, want map[string]string) {
	t.Helper()
	cfg, err := config.Load(file)
	require.NoError(t, err)
	l, db, err := app.OpenLedgerState(cfg)
	require.NoError(t, err)
	defer db.Close()
	got, err := l.DaySums(context.Background(), sla.MonthOf(ledgerMonth()))
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func dates(start time.Time) []string {
	var out []string
	for d := start; d.Month() == start.Month(); d = d.AddDate(0, 0, 1) {
		out = append(out, d.Format(time.DateOnly))
	}
	return out
}

func TestLedgerCommandUsage(t *testing.T) {
	code, _, _ := runCLI(t, "", "ledger", "close", "--month", "2026-11")
	assert.Equal(t, 2, code, "--config is required")
	file := filepath.Join(t.TempDir(), "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, []byte("storage: {path: data}\n"), 0o600))
	code, _, errs := runCLI(t, "", "ledger", "close", "--config", file, "--month", "2026-13")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "YYYY-MM")
	code, _, errs = runCLI(t, "", "ledger", "close", "--config", file, "--month", "2026-11")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "中没有 tsdb", "a month is never closed from a data directory that is not there")
	assert.NoDirExists(t, filepath.Join(filepath.Dir(file), "data"), "nothing created")
	code, _, _ = runCLI(t, "", "ledger", "reopen", "--config", file, "--month", "2026-11")
	assert.Equal(t, 2, code)
}
