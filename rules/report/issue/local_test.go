package issue

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/internal/storage"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/sla"
)

// A stopped server's data directory gives the month's report; a running
// server's TSDB lock sends the caller to --server.
func TestWriteLocal(t *testing.T) {
	dir := t.TempDir()
	l := Local{TSDBDir: filepath.Join(dir, "tsdb"), Retention: 100 * 365 * 24 * time.Hour,
		StateFile: filepath.Join(dir, "state.db"), Rules: sla.Rules{SLIs: sla.DefaultSLIs()}, Settings: Settings{Issuer: "运维指挥中心"},
		Jobs: jobs.Config{{Name: "oa-db-backup", System: "政务服务网", Kind: jobs.KindBackup, Schedule: "30 2 * * *",
			MaxDuration: time.Hour, Poll: &jobs.Poll{URL: "http://127.0.0.1:9/last"}}}, Secops: true}
	st, err := storage.Open(storage.Options{Dir: l.TSDBDir, Retention: l.Retention})
	require.NoError(t, err)
	start := time.Date(2026, 10, 31, 0, 0, 0, 0, cst.Location)
	for at := start; at.Before(start.AddDate(0, 0, 1)); at = at.Add(time.Minute) {
		require.NoError(t, st.Append(context.Background(), at, vmSamples("vm-a", "卢氏县", at, start, at.Hour() != 10)))
	}
	db, err := statestore.Open(l.StateFile, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	require.NoError(t, db.Close())

	var buf bytes.Buffer
	require.ErrorContains(t, WriteLocal(context.Background(), l, "2026-10", "html", &buf), "use --server", "the TSDB is locked")
	require.NoError(t, st.Close())
	require.NoError(t, WriteLocal(context.Background(), l, "2026-10", "html", &buf))
	assert.Contains(t, buf.String(), "95.8333%", "vm-a down 10:00–11:00: 23 of 24 hours")
	assert.Contains(t, buf.String(), "临时报告")
	assert.Contains(t, buf.String(), "运维指挥中心")
	// the cloud section from the same state store: no hypervisor (未接入), the
	// backup job watched only from now (nothing due in October), the findings tracked
	assert.Contains(t, buf.String(), "宿主机故障与HA（R-A9）：未接入")
	assert.Contains(t, buf.String(), "备份作业（R-A9）：本月 1 个作业应执行 0 次")
	assert.NotContains(t, buf.String(), "建议未纳入跟踪")
	// security operations from the same state store (nothing imported);
	// no event store given: its part is 未接入
	assert.Contains(t, buf.String(), "漏洞管理：截至 ")
	assert.Contains(t, buf.String(), "监管通报：本月未收到监管通报。")
	assert.Contains(t, buf.String(), "安全事件：未接入")
}
