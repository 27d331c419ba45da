package issue

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/ha"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/recommend"
)

func oct(d, h, m, s int) time.Time { return time.Date(2026, 10, d, h, m, s, 0, cst.Location) }

// hvEvent is a hypervisor event as docs/cloud.md describes it.
func hvEvent(at time.Time, kind string, kv ...string) collectors.Event {
	l := map[string]string{"source": "hypervisor", "instance": "vc-01", "event": kind, "cluster": "政务云集群A"}
	for i := 0; i+1 < len(kv); i += 2 {
		l[kv[i]] = kv[i+1]
	}
	return collectors.Event{Time: at, Labels: l, Text: kind}
}

// cloudSources are the real HA tracker, jobs service and recommendation
// store over the fixture's state database, fed as the server feeds them:
// esx-07 fails on 31 October at 03:00, HA restarts vm-a on esx-08 after
// 150 s, vm-b never comes back; the daily backup (02:30) succeeds on the
// 30th and does not run on the 31st.
func cloudSources(t *testing.T, f *reportFixture) (*ha.Tracker, *jobs.Service) {
	t.Helper()
	ctx := context.Background()
	back := f.now()
	defer f.setClock(back)

	f.setClock(oct(30, 0, 0, 0))
	token := filepath.Join(t.TempDir(), "backup.token")
	require.NoError(t, os.WriteFile(token, []byte("0123456789abcdef0123"), 0o600))
	js, err := jobs.New(jobs.Config{{Name: "oa-db-backup", System: "政务服务网", Kind: jobs.KindBackup,
		Schedule: "30 2 * * *", MaxDuration: time.Hour, TokenFile: token}}, f.db, jobs.WithClock(f.now))
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/jobs/{name}/runs", js.ServePush)
	f.setClock(oct(30, 2, 51, 0))
	req := httptest.NewRequest(http.MethodPost, "/api/v1/jobs/oa-db-backup/runs",
		strings.NewReader(`{"status":"success","started_at":"2026-10-30 02:30:00","finished_at":"2026-10-30 02:50:00","bytes":1024}`))
	req.Header.Set("Authorization", "Bearer 0123456789abcdef0123")
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, req)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	tr := ha.New(f.db, nil, ha.Options{Now: f.now})
	f.setClock(oct(31, 3, 0, 0))
	tr.Handle(ctx, []collectors.Event{
		hvEvent(oct(31, 3, 0, 0), "host_failed", "host", "esx-07"),
		hvEvent(oct(31, 3, 0, 0), "vm_down", "host", "esx-07", "vm", "vm-a"),
		hvEvent(oct(31, 3, 0, 0), "vm_down", "host", "esx-07", "vm", "vm-b"),
	})
	f.setClock(oct(31, 3, 2, 30))
	tr.Handle(ctx, []collectors.Event{hvEvent(oct(31, 3, 2, 30), "vm_restarted", "vm", "vm-a", "from_host", "esx-07", "to_host", "esx-08")})
	f.setClock(oct(31, 3, 30, 0)) // past the 10-minute deadline: vm-b is 未恢复
	tr.Tick(ctx)
	return tr, js
}

// The monthly report reads the HA proof, the jobs and the follow-up from
// their real stores: figures as worked out above, the findings filed and
// shown in their state.
func TestMonthReportCloudSources(t *testing.T) {
	f := newReportFixture(t)
	tr, js := cloudSources(t, f)
	recs := recommend.NewStore(f.db, recommend.NewTSDBEvidence(f.st.Queryable(), 0), f.now)
	f.s.o.HA, f.s.o.Jobs, f.s.o.FollowUps = tr, js, recs
	f.setSettings(func(s *Settings) {
		s.Sources = Sources{Hypervisors: true, BMCs: true}
		// both VMs (25 % CPU, 40 % memory, 2 days) are idle under these
		// thresholds: shut down, which only the data showing them off proves
		s.Findings.MinDays, s.Findings.MinAgeDays = 1, 1
		s.Findings.IdleCPUMean, s.Findings.IdleCPUPeak, s.Findings.IdleMemory = 0.3, 0.3, 0.5
	})
	ctx := context.Background()
	r, err := f.s.build(ctx, "2026-10")
	require.NoError(t, err)

	c := r.Cloud
	require.True(t, c.HAOn)
	assert.Equal(t, [4]int{1, 2, 1, 1}, [4]int{c.HA.HostFailures, c.HA.VMsAffected, c.HA.RestartedByHA, c.HA.NotRecovered})
	assert.Equal(t, "2分30秒", c.HA.Longest.String())
	require.True(t, c.Backups.On)
	// slots 30 Oct and 31 Oct 02:30 were due; one ran and succeeded
	assert.Equal(t, [3]int{2, 1, 1}, [3]int{c.Backups.Total.Expected, c.Backups.Total.Successes, c.Backups.Total.Missed})
	assert.Equal(t, "50.0000%", c.Backups.Total.Rate.String())
	assert.False(t, c.Exchange.On)
	assert.True(t, c.HardwareOn, "a BMC is watched: 0 faults, not 未接入")
	assert.False(t, c.RoomsOn)

	require.Len(t, r.Resources.Findings, 2)
	u := r.Resources.FollowUp
	require.True(t, u.Tracked)
	assert.Equal(t, 2, u.Open)
	for _, x := range r.Resources.Findings {
		assert.Equal(t, "待处理", u.State(x), x.VM)
	}
	filed, err := recs.List(ctx, recommend.Filter{})
	require.NoError(t, err)
	assert.Len(t, filed, 2, "the findings are filed by the report")

	var html bytes.Buffer
	require.NoError(t, f.s.Render(ctx, "2026-10", "html", &html))
	for _, w := range []string{"七、政务云平台", "本月宿主机故障 1 次", "总体备份成功率 50.0000%", "数据交换作业（R-C1）：未接入",
		"本月硬件故障事件 0 起", "机房环境（R-A8）：未接入"} {
		assert.Contains(t, html.String(), w)
	}
	assert.NotContains(t, html.String(), "未跟踪")
}

// Without the sources every part says 未接入 and the findings 未跟踪; a
// tracker given while no hypervisor is configured and nothing failed is
// still 未接入.
func TestMonthReportCloudNotConnected(t *testing.T) {
	f := newReportFixture(t)
	f.s.o.HA = ha.New(f.db, nil, ha.Options{Now: f.now})
	r, err := f.s.build(context.Background(), "2026-10")
	require.NoError(t, err)
	assert.False(t, r.Cloud.HAOn || r.Cloud.Backups.On || r.Cloud.Exchange.On || r.Cloud.HardwareOn || r.Cloud.RoomsOn)
	assert.False(t, r.Resources.FollowUp.Tracked)
}

// The running month's findings are not filed: a provisional report judges
// part of a month. They show 待处理 (not seen by the tracker yet).
func TestProvisionalReportFilesNoFindings(t *testing.T) {
	f := newReportFixture(t)
	f.setClock(oct(31, 23, 0, 0))
	recs := recommend.NewStore(f.db, recommend.NewTSDBEvidence(f.st.Queryable(), 0), f.now)
	f.s.o.FollowUps = recs
	f.setSettings(func(s *Settings) {
		s.Findings.MinDays, s.Findings.MinAgeDays = 1, 1
		s.Findings.IdleCPUMean, s.Findings.IdleCPUPeak, s.Findings.IdleMemory = 0.3, 0.3, 0.5
	})
	r, err := f.s.build(context.Background(), "2026-10")
	require.NoError(t, err)
	require.NotEmpty(t, r.Resources.Findings)
	assert.True(t, r.Resources.FollowUp.Tracked)
	assert.Equal(t, "待处理", r.Resources.FollowUp.State(r.Resources.Findings[0]))
	filed, err := recs.List(context.Background(), recommend.Filter{})
	require.NoError(t, err)
	assert.Empty(t, filed)
}
