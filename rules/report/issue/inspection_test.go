package issue

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// The morning's inspection report, from the real TSDB through the real
// PromQL engine and the incident store: kept in both formats and sent.
func TestInspectionIsKeptAndAnnounced(t *testing.T) {
	f := newReportFixture(t)
	at := time.Date(2026, 10, 31, 12, 0, 0, 0, cst.Location) // vm-a was down 10:00–10:30
	f.setClock(at)
	f.s.IssueInspection(context.Background(), at)
	dir := f.getSettings().Dir
	requireFiles(t, dir, "巡检报告-2026-10-31.html", "巡检报告-2026-10-31.pdf")
	got := f.announced.all()
	require.Len(t, got, 1)
	assert.Equal(t, "report-inspection-2026-10-31", got[0].id)
	assert.Equal(t, "【巡检报告】2026-10-31 日常巡检报告", got[0].n.Title)
	assert.Contains(t, got[0].n.Text, "监控插件在线 2/2（100.0000%）")
	assert.Contains(t, got[0].n.Text, "未处理事件 0 起")
	assert.Equal(t, "http://sw.example/api/v1/reports/inspection/2026-10-31?format=html", got[0].n.URL)
	page, err := os.ReadFile(filepath.Join(dir, "巡检报告-2026-10-31.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), "卢氏县 vm-a 监控插件离线", "the incident of the last 24 h")
	assert.Contains(t, string(page), "政务服务网", "agents by system")
}

// A failed inspection (the query fails) keeps nothing and tells nobody.
func TestInspectionFailureKeepsNothing(t *testing.T) {
	f := newReportFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f.s.IssueInspection(ctx, time.Date(2026, 10, 31, 12, 0, 0, 0, cst.Location))
	_, err := os.Stat(f.getSettings().Dir)
	assert.ErrorIs(t, err, os.ErrNotExist)
	assert.Empty(t, f.announced.all())
}
