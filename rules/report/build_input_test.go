package report

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/sla"
)

func TestBuildRefusesBadInput(t *testing.T) {
	withDay := func(d sla.Day) func(*Input) {
		return func(in *Input) { in.Days = fixtureInput(append(fixtureDays(), d)).Days }
	}
	tests := []struct {
		name, kind, want string
		mutate           func(*Input)
	}{
		{"month", "input", `"2026-13"`, func(in *Input) { in.Info.Month = "2026-13" }},
		{"no days", "input", "no days", func(in *Input) { in.Days = nil }},
		{"bad good", "input", "good condition", func(in *Input) { in.SLIs[0].Good = "about 1" }},
		{"date outside", "day", `date "2026-12-01" is not in 2026-11`, withDay(sla.Day{SLI: "agent_online", Entity: "vm-z", Date: "2026-12-01"})},
		{"date garbage", "day", `date "30/11"`, withDay(sla.Day{SLI: "agent_online", Entity: "vm-z", Date: "30/11"})},
		{"day too long", "day", "not a day's seconds", withDay(sla.Day{SLI: "agent_online", Entity: "vm-z", Date: mDate(1), Tally: sla.Tally{GoodS: 86400, BadS: 1}})},
		{"negative", "day", "not a day's seconds", withDay(sla.Day{SLI: "agent_online", Entity: "vm-z", Date: mDate(1), Tally: sla.Tally{BadS: -5}})},
		{"twice", "day", "day given twice", withDay(sla.Day{SLI: "agent_online", Entity: "vm-a", Date: mDate(7), Tally: mGood(86400)})},
		{"usage twice", "day", "day given twice", withDay(sla.Day{SLI: sla.UsageDisk, Entity: "vm-idle", Date: mDate(7)})},
		{"nan stats", "day", "not numbers", withDay(sla.Day{SLI: "link_latency", Entity: "wan-9", Date: mDate(1), Stats: &sla.Stats{Mean: math.NaN()}})},
		{"usage > 1", "day", "outside 0…1", withDay(sla.Day{SLI: sla.UsageCPU, Entity: "vm-z", Date: mDate(1), Stats: &sla.Stats{Mean: 1.5, Intervals: 1}})},
		{"acked early", "incident", "acknowledged before it fired", func(in *Input) {
			in.Info.Incidents[0].AckedAt = in.Info.Incidents[0].FirstFired.Add(-time.Second)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fixtureInput(fixtureDays())
			in.SLIs = sla.DefaultSLIs()
			in.Info.Incidents = fixtureIncidentRecords()
			tt.mutate(&in)
			name := `swanwatch_report_build_errors_total{kind="` + tt.kind + `"}`
			before := counterValue(name)
			r, err := Build(context.Background(), in)
			require.Error(t, err)
			assert.Nil(t, r)
			assert.ErrorContains(t, err, tt.want)
			assert.Equal(t, before+1, counterValue(name))
		})
	}
}

func TestBuildStopsOnReadError(t *testing.T) {
	in := fixtureInput(nil)
	boom := errors.New("ledger read: disk I/O error")
	in.Days = func(func(sla.Day) error) error { return boom }
	_, err := Build(context.Background(), in)
	require.ErrorIs(t, err, boom)
	assert.NotErrorIs(t, err, ErrBadInput)
}

// A month not frozen yet is provisional: the title and every page say so.
func TestBuildProvisional(t *testing.T) {
	in := fixtureInput(fixtureDays())
	in.Info.FrozenAt, in.Info.InputSHA256 = time.Time{}, ""
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	require.True(t, r.Provisional())

	var html bytes.Buffer
	require.NoError(t, RenderHTML(&html, *r))
	assert.Contains(t, html.String(), "<title>月度SLA服务报告（临时报告（本月尚未封账））")
	assert.Contains(t, html.String(), "<h1>月度SLA服务报告（临时报告（本月尚未封账））</h1>")

	file := filepath.Join(t.TempDir(), "provisional.pdf")
	var pdf bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	pages := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(poppler(t, "pdfinfo", file))
	require.Len(t, pages, 2)
	assert.Len(t, regexp.MustCompile(`临时报告（本月尚未封账） · 生成时间`).FindAllString(flat, -1), mustAtoi(t, pages[1]), "every page's footer")
	assert.Contains(t, flat, "账期冻结：本月尚未封账")
}

// The fixture month rendered in all three formats: the figures worked out
// by hand appear in the PDF's text, and the PDF's pages can be looked at
// with -png=DIR.
func TestBuildRenderFixtureMonth(t *testing.T) {
	r := buildFixture(t)
	dir := *pngDir
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var pdf, xlsx, html bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, RenderXLSX(&xlsx, *r))
	require.NoError(t, RenderHTML(&html, *r))
	file := filepath.Join(dir, "month.pdf")
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	for _, w := range []string{
		"R-A1 监控插件在线率 ≥ 100.0000% 99.8992% 未达标", "链路丢包率达标率 ≥ 99.0000% 无数据 无法判定",
		"故障平均响应时长（MTTA） ≤ 15分0秒 24分20秒 未达标", "故障平均修复时长（MTTR） ≤ 4小时0分 1小时50分 达标",
		"无法判定（无数据）4 项", "#101", "未恢复", "≤ 50.0 ms", "80.0 ms", "关停", "整合", "降配",
		"因上级故障抑制 1 起", "vm-b 3小时0分 1 2026-11-10 2026-11-10",
		"R-A4 云服务器运行率 ≥ 99.9000% 99.9305% 达标", "云服务器运行率 · 政务服务网",
	} {
		assert.Contains(t, flat, w)
	}
	assert.NotContains(t, flat, "无数据 未达标", "a line without data is not missed")
	poppler(t, "pdftoppm", "-png", "-r", "70", file, filepath.Join(dir, "month"))
	dump := dumpXLSX(t, xlsx.Bytes())
	assert.Contains(t, dump, "n 0.0000% 0.998992\n", "the R-A1 figure as a truncated number")
}

// A ratio shown truncated and stored back (pctRatio) shows the same figure
// and is never above the ratio: the spreadsheet cannot round up either.
func FuzzPctRatio(f *testing.F) {
	for _, v := range []float64{0, 1, 0.99996, 0.9999999, 0.1 + 0.2, 0.049999999999999975, 1e-9} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if !(v >= 0 && v <= 1) {
			return
		}
		shown := sla.Percent4(v)
		back := pctRatio(shown)
		require.Equal(t, shown, sla.Percent4(back), "ratio %v", v)
		require.LessOrEqual(t, back, v)
	})
}

func TestThresholdsValidate(t *testing.T) {
	tests := []struct {
		name string
		th   Thresholds
		want string
	}{
		{"defaults", DefaultThresholds(), ""},
		{"zero takes defaults", Thresholds{MinDays: 10}, ""},
		{"percent not ratio", Thresholds{IdleCPUMean: 3}, "idle_cpu_mean: 3 is not a ratio"},
		{"negative", Thresholds{LowCPUPeak: -0.1}, "low_cpu_peak"},
		{"nan", Thresholds{IdleMemory: math.NaN()}, "idle_memory"},
		{"days", Thresholds{MinDays: 40}, "min_days: 40"},
		{"idle looser than low", Thresholds{IdleCPUMean: 0.2}, "must not exceed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.th.Validate()
			if tt.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
