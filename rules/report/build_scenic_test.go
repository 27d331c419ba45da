package report

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// buildScenicFixture is the fixture month with the scenic area's incidents.
func buildScenicFixture(t *testing.T) *Report {
	t.Helper()
	in := fixtureInput(fixtureDays())
	in.Info.Incidents = append(fixtureIncidentRecords(), fixtureScenicIncidents()...)
	r, err := Build(context.Background(), in)
	require.NoError(t, err)
	return r
}

// The expected figures are worked out by hand from fixtureScenicDays'
// comment; the sums are written out.
func TestBuildScenicIndicators(t *testing.T) {
	s := buildScenicFixture(t).Scenic
	require.True(t, s.HasData)
	type row struct {
		req, title string
		entities   int
		rate       string
		verdict    Verdict
		tally      sla.Tally
		spells     int
	}
	var got []row
	for _, i := range s.Indicators {
		got = append(got, row{i.Requirement, i.Title, i.Entities, i.Rate.text(), i.Verdict, i.Tally, i.Spells})
	}
	assert.Equal(t, []row{
		// good cam-n1 2,592,000−7,200 + cam-e1 2,592,000−3,600−3,600 = 5,169,600, bad 7,200+3,600:
		// 5,169,600 ÷ 5,180,400 = 99.79152…%; cam-e1's spell across midnight is one
		{"R-C3", "摄像机在线率", 2, "99.7915%", Met, sla.Tally{GoodS: 5_169_600, BadS: 10_800, UnknownS: 3_600}, 2},
		{"R-C2", "画面完好率", 1, "99.9305%", Met, sla.Tally{GoodS: 2_590_200, BadS: 1_800}, 1}, // 2,590,200 ÷ 2,592,000
		{"R-C3", "录像完整率", 1, "99.9768%", Met, sla.Tally{GoodS: 2_591_400, BadS: 600}, 1},
		{"R-C2", "闸机可用率", 1, "99.9305%", Met, sla.Tally{GoodS: 2_590_200, BadS: 1_800}, 1},
		{"R-C2", "道闸可用率", 0, "无数据", Undetermined, sla.Tally{}, 0},
		{"R-C2", "LED屏可用率", 1, "100.0000%", Met, sla.Tally{GoodS: 2_584_800, ExcludedS: 7_200}, 0}, // maintenance in neither
	}, got)
	names := func(vs []Value) (out []string) {
		for _, v := range vs {
			out = append(out, v.text())
		}
		return out
	}
	require.Len(t, s.BySite, 3)
	// by name: 东 (U+4E1C) 北 (U+5317) 监 (U+76D1)
	assert.Equal(t, "东停车场", s.BySite[0].Name)
	assert.Equal(t, []string{"99.8609%", "无数据", "无数据", "无数据", "无数据", "无数据"}, names(s.BySite[0].Rates)) // 2,584,800 ÷ 2,588,400
	assert.Equal(t, "北门广场", s.BySite[1].Name)
	assert.Equal(t, []string{"99.7222%", "99.9305%", "无数据", "99.9305%", "无数据", "100.0000%"}, names(s.BySite[1].Rates))
	assert.Equal(t, "监控中心", s.BySite[2].Name)
	assert.Equal(t, []string{"无数据", "无数据", "99.9768%", "无数据", "无数据", "无数据"}, names(s.BySite[2].Rates))
	type fault struct {
		ind, entity, site string
		bad               int64
		spells            int
	}
	var faults []fault
	for _, f := range s.Faults {
		faults = append(faults, fault{f.Indicator, f.Entity, f.Site, f.BadS, f.Spells})
	}
	assert.Equal(t, []fault{
		{"摄像机在线率", "cam-n1", "北门广场", 7_200, 1},
		{"摄像机在线率", "cam-e1", "东停车场", 3_600, 1},
		{"画面完好率", "cam-n1", "北门广场", 1_800, 1}, // ties by bad time: by title, 画 (U+753B) before 闸 (U+95F8)
		{"闸机可用率", "gate-n/北门1号", "北门广场", 1_800, 1},
		{"录像完整率", "nvr-1/101", "监控中心", 600, 1},
	}, faults)
}

func TestBuildScenicIncidents(t *testing.T) {
	r := buildScenicFixture(t)
	s := r.Scenic
	assert.Equal(t, "1", s.Major.text(), "#106, the critical root incident of the area")
	assert.Equal(t, [4]int{1, 1, 0, 0}, s.BySeverity, "#106 critical, #107 major; #108 is suppressed")
	assert.Equal(t, 1, s.Suppressed)
	require.Len(t, s.MajorList, 1)
	assert.Equal(t, "#106", s.MajorList[0].ID)
	last := r.Summary[len(r.Summary)-1]
	assert.Equal(t, SummaryLine{Requirement: "R-C4", Title: "天鹅湖景区重大故障次数", Op: "<=", Target: Value{Kind: Count, Known: true},
		Figure: Value{V: 1, Kind: Count, Known: true}, Verdict: Missed}, last)
	// the other districts' incidents are not the area's: the base fixture has none of its own
	assert.Equal(t, Met, buildFixture(t).Summary[len(r.Summary)-1].Verdict)
}

func TestBuildScenicFlow(t *testing.T) {
	f := buildScenicFixture(t).Scenic.Flow
	assert.Equal(t, 2, f.Gates)
	// 北门1号: Σ(1000+10d) over 1…30 = 34,650, less the 20th (1,200), the 15th 5,000 not 1,150: 37,300;
	// 西门 10 × 200 = 2,000
	assert.Equal(t, "39300", f.VisitorsIn.text())
	assert.Equal(t, "33160", f.VisitorsOut.text()) // Σ(990+10d) 34,350 less the 20th (1,190)
	assert.Equal(t, "9000", f.VehiclesIn.text())
	assert.Equal(t, "8700", f.VehiclesOut.text())
	assert.Equal(t, "2026-11-15", f.PeakDay)
	assert.Equal(t, "5000", f.PeakIn.text())
	require.Len(t, f.Daily, 30)
	assert.Equal(t, DailyFlow{Date: "2026-11-01", VisitorsIn: count64(1210), VisitorsOut: count64(1000),
		VehiclesIn: count64(300), VehiclesOut: count64(290)}, f.Daily[0])
	d20 := f.Daily[19]
	assert.False(t, d20.VisitorsIn.Known, "no gate counted visitors on the 20th: 无数据, not 0")
	assert.Equal(t, "300", d20.VehiclesIn.text())
	assert.Equal(t, []GateFlow{
		{Entity: "gate-n/北门1号", Site: "北门广场", In: count64(37_300), Out: count64(33_160)},
		{Entity: "gate-w/西门", Site: "西门", In: count64(2_000), Out: Value{Kind: Count}},
		{Entity: "plate-1/东停车场入口", Site: "东停车场", Vehicles: true, In: count64(9_000), Out: count64(8_700)},
	}, f.ByGate)
}

func count64(n float64) Value { return Value{V: n, Kind: Count, Known: true} }

// A month without any scenic data shows the section as 无数据: no rate of
// 0 % or 100 %, no count of 0, and the R-C4 line cannot be decided.
func TestBuildScenicNoData(t *testing.T) {
	days := append(append(fixtureAgentDays(), fixtureLinkDays()...), fixtureUsageDays()...)
	r, err := Build(context.Background(), fixtureInput(days))
	require.NoError(t, err)
	s := r.Scenic
	assert.False(t, s.HasData)
	for _, i := range s.Indicators {
		assert.False(t, i.Rate.Known, i.Title)
		assert.Equal(t, Undetermined, i.Verdict, i.Title)
	}
	assert.False(t, s.Major.Known)
	assert.False(t, s.Flow.VisitorsIn.Known)
	assert.Empty(t, s.Flow.PeakDay)
	last := r.Summary[len(r.Summary)-1]
	assert.Equal(t, "R-C4", last.Requirement)
	assert.Equal(t, Undetermined, last.Verdict)
	assert.Equal(t, "无数据", last.Figure.text())
	sec := r.scenicSection()
	assert.Contains(t, sec.paras[0], "本月没有天鹅湖景区的数据")
	require.Len(t, sec.tables, 1, "only the indicators, each 无数据")
	for _, row := range sec.tables[0].rows {
		assert.Equal(t, "无数据", row[3].text)
		assert.Equal(t, "无法判定", row[5].text)
	}
	// an incident of the area alone is data: its count is known
	in := fixtureInput(days)
	in.Info.Incidents = append(in.Info.Incidents, fixtureScenicIncidents()[1])
	r, err = Build(context.Background(), in)
	require.NoError(t, err)
	assert.Equal(t, "0", r.Scenic.Major.text())
}

func TestBuildRefusesBadFlow(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		mutate     func(*Input)
	}{
		{"sli named like a flow figure", "named like a usage or flow figure", func(in *Input) {
			in.SLIs = append(in.SLIs, sla.SLI{Name: sla.FlowVisitorsIn, Good: "== 1"})
		}},
		{"negative count", "count -3 is negative", func(in *Input) {
			in.Days = fixtureInput(append(fixtureDays(), sla.Day{SLI: sla.FlowVisitorsIn, Entity: "gate-x", Date: mDate(2),
				Stats: &sla.Stats{Count: -3, Intervals: 1}})).Days
		}},
		{"flow twice", "day given twice", func(in *Input) {
			in.Days = fixtureInput(append(fixtureDays(), sla.Day{SLI: sla.FlowVisitorsIn, Entity: "gate-w/西门", Date: mDate(3),
				Stats: &sla.Stats{Count: 1, Intervals: 1}})).Days
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := fixtureInput(fixtureDays())
			tc.mutate(&in)
			_, err := Build(context.Background(), in)
			require.ErrorIs(t, err, ErrBadInput)
			assert.ErrorContains(t, err, tc.want)
		})
	}
}

// Every format shows a month without scenic data as 无数据 / 无法判定.
func TestRenderScenicNoData(t *testing.T) {
	days := append(append(fixtureAgentDays(), fixtureLinkDays()...), fixtureUsageDays()...)
	r, err := Build(context.Background(), fixtureInput(days))
	require.NoError(t, err)
	var pdf, xlsx, html bytes.Buffer
	require.NoError(t, RenderPDF(&pdf, *r))
	require.NoError(t, RenderXLSX(&xlsx, *r))
	require.NoError(t, RenderHTML(&html, *r))
	file := filepath.Join(t.TempDir(), "noscenic.pdf")
	require.NoError(t, os.WriteFile(file, pdf.Bytes(), 0o644))
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	dump := dumpXLSX(t, xlsx.Bytes())
	for format, text := range map[string]string{"pdf": flat, "xlsx": dump, "html": html.String()} {
		assert.Contains(t, text, "本月没有天鹅湖景区的数据", format)
		assert.NotContains(t, text, "每日客流与车流", format)
	}
	assert.Contains(t, flat, "R-C3 摄像机在线率 0 无数据 ≥ 98.0000% 无法判定")
	assert.Contains(t, flat, "天鹅湖景区重大故障次数")
	assert.Regexp(t, `B\d+ s - 天鹅湖景区重大故障次数\nC\d+ n 0 0\nD\d+ s - 无数据\nE\d+ s - 无法判定\n`, dump,
		"the R-C4 line: target 0, no figure, undetermined")
}
