package report

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

func buildFixtureInspection(t *testing.T, in InspectionInput) *Inspection {
	t.Helper()
	out, err := BuildInspection(in)
	require.NoError(t, err)
	return out
}

func TestRenderInspectionHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, RenderInspectionHTML(&buf, buildFixtureInspection(t, fixtureInspectionInput())))
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	var b strings.Builder
	outline(doc, 0, &b)
	golden(t, "inspection_html.outline", b.String())
	page := buf.String()
	assert.NotContains(t, page, "<script", "self-contained and static")
	assert.NotRegexp(t, regexp.MustCompile(`(?i)(src|href)=`), page, "nothing fetched")
	// The figures as a person reads them: 2 of 3 is truncated, never 66.6667 %.
	for _, w := range []string{"插件在线率 75.0000%", ">66.6666%<", ">无数据<", ">已超过<", ">2026-12-10<",
		">91.00%<", ">62.00%<", "冗余 正常→中断", ">2026-11-25 10:05:00<", "6天23小时", "2.00%/天"} {
		assert.Contains(t, page, w)
	}
}

func TestRenderInspectionHTMLEscapes(t *testing.T) {
	input := fixtureInspectionInput()
	input.Open[0].Title = `<script>alert("x")</script>`
	input.Today.Agents[2].Instance = `a&b"<img>`
	var buf bytes.Buffer
	require.NoError(t, RenderInspectionHTML(&buf, buildFixtureInspection(t, input)))
	assert.NotContains(t, buf.String(), "<script>")
	assert.NotContains(t, buf.String(), "<img>")
	assert.Contains(t, buf.String(), "&lt;script&gt;")
}

func TestRenderInspectionRefuses(t *testing.T) {
	good := buildFixtureInspection(t, fixtureInspectionInput())
	cases := []struct {
		name string
		in   *Inspection
	}{
		{"nil", nil},
		{"date not of generation", func() *Inspection { c := *good; c.Date = "2026-11-26"; return &c }()},
		{"ratio over 1", func() *Inspection { c := *good; c.Total.AgentRate.V = 1.2; return &c }()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.ErrorIs(t, RenderInspectionHTML(&buf, c.in), ErrInvalid)
			require.ErrorIs(t, RenderInspectionPDF(&buf, c.in), ErrInvalid)
			assert.Zero(t, buf.Len(), "nothing written")
		})
	}
}

func renderInspectionPDF(t *testing.T) string {
	t.Helper()
	dir := *pngDir
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var buf bytes.Buffer
	require.NoError(t, RenderInspectionPDF(&buf, buildFixtureInspection(t, bulkInspectionInput())))
	file := filepath.Join(dir, "inspection.pdf")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
	return file
}

func TestRenderInspectionPDFText(t *testing.T) {
	file := renderInspectionPDF(t)
	fonts := poppler(t, "pdffonts", file)
	for _, name := range []string{fontCJK, fontLatin} {
		assert.Regexp(t, regexp.MustCompile(`(?m)^utf8`+name+`\s+CID TrueType\s+Identity-H\s+yes\s`), fonts)
	}
	info := poppler(t, "pdfinfo", file)
	assert.Regexp(t, `Page size:\s+595.28 x 841.89 pts \(A4\)`, info)
	pages := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	require.Len(t, pages, 2)
	n := mustAtoi(t, pages[1])
	require.GreaterOrEqual(t, n, 3, "the bulk change table continues on more pages")
	flat := strings.Join(strings.Fields(poppler(t, "pdftotext", "-layout", file, "-")), " ")
	for _, w := range []string{"日常巡检报告", "巡检日期 2026-11-27", "一、总体情况", "四、水位趋势（磁盘与带宽）",
		"vm-sbj-01", "wan-ym-c01", "2026-12-10", "INC-20261127-0001", "义马市汇聚链路中断", "未确认", "无数据",
		"未恢复事件 5 起（紧急 1、重要 1、次要 1、提示 1、级别不明 1", "六、天鹅湖景区", "画面故障 cam-n2 北门广场 画面模糊、画面偏移",
		"A区 东停车场 80 200 40.0000%", "七、政务云平台", "esx-03 政务云集群A 宕机或失联",
		"esx-02 A-01 预测性故障 硬盘 Disk.Bay.1 预测即将失效", "oa-db-backup 协同办公 作业失败", "ups-2 主机房 电池供电 12.5 40.0000%",
		"主机房 A-05 B路PDU无响应", "ds-01 91.0000% 6.5", "八、数据说明"} {
		assert.Contains(t, flat, w)
	}
	// pdftotext keeps or drops the spaces of the small centred footer
	pageNo := func(p string) *regexp.Regexp {
		return regexp.MustCompile(`第 ?` + p + ` ?页 ?/ ?共 ?` + pages[1] + ` ?页`)
	}
	assert.Regexp(t, pageNo("1"), flat)
	assert.Len(t, regexp.MustCompile(`日常巡检报告 2026-11-27 · 生成时间 2026-11-27 08:00:00`).FindAllString(flat, -1), n, "a footer on every page")
	assert.Len(t, pageNo(`\d+`).FindAllString(flat, -1), n)
	// the change table's header is repeated where it continues
	assert.GreaterOrEqual(t, len(regexp.MustCompile(`变化 对象 区县 说明 时间`).FindAllString(flat, -1)), 2)
}

func TestRenderInspectionPDFPages(t *testing.T) {
	file := renderInspectionPDF(t)
	prefix := filepath.Join(filepath.Dir(file), "inspection")
	poppler(t, "pdftoppm", "-png", "-r", "80", file, prefix)
	pngs, err := filepath.Glob(prefix + "-*.png")
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(pngs), 3)
}

func TestRenderInspectionPDFReproducible(t *testing.T) {
	in := buildFixtureInspection(t, fixtureInspectionInput())
	var a, b bytes.Buffer
	require.NoError(t, RenderInspectionPDF(&a, in))
	require.NoError(t, RenderInspectionPDF(&b, in))
	assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()))
	assert.Less(t, a.Len(), 1<<20, "fonts are subset: %d bytes", a.Len())
}

func TestUsagePct(t *testing.T) {
	cases := []struct {
		v    float64
		want string
	}{{0.89996, "89.99%"}, {0.9, "90.00%"}, {0.58, "58.00%"}, {0.62, "62.00%"}, {0.1 + 0.2, "30.00%"}, {1, "100.00%"}, {0, "0.00%"}}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) { assert.Equal(t, c.want, usagePct(c.v)) })
	}
}

// A morning with nothing to report still renders, every table saying （无）.
func TestRenderInspectionEmpty(t *testing.T) {
	in := buildFixtureInspection(t, InspectionInput{At: inspectionAt})
	var h, p bytes.Buffer
	require.NoError(t, RenderInspectionHTML(&h, in))
	require.NoError(t, RenderInspectionPDF(&p, in))
	assert.Contains(t, h.String(), "插件在线率 无数据")
	assert.Contains(t, h.String(), "本次巡检的输入数据完整，无剔除项。")
	assert.Equal(t, 4, strings.Count(h.String(), "（无）"), "systems, changes, trends, incidents")
	assert.True(t, bytes.HasPrefix(p.Bytes(), []byte("%PDF-")))
}

// A heading that a page break sends to the next page keeps its size (the
// running head of the new page used to leave its 8 pt behind): in the
// empty report 六 starts page 2, as tall as the one before and after it.
func TestRenderPDFHeadingKeepsItsSizeOnANewPage(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, RenderInspectionPDF(&buf, buildFixtureInspection(t, InspectionInput{At: inspectionAt})))
	file := filepath.Join(t.TempDir(), "empty.pdf")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
	boxes := poppler(t, "pdftotext", "-bbox", file, "-")
	height := func(word string) (page int, h float64) {
		for _, p := range strings.Split(boxes, "<page ")[1:] {
			page++
			m := regexp.MustCompile(`yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">` + word + `<`).FindStringSubmatch(p)
			if m != nil {
				return page, mustFloat(t, m[2]) - mustFloat(t, m[1])
			}
		}
		t.Fatalf("%s not in the PDF", word)
		return 0, 0
	}
	p5, h5 := height("五、未恢复事件")
	p6, h6 := height("六、天鹅湖景区")
	p7, h7 := height("七、政务云平台")
	p8, h8 := height("八、数据说明")
	require.Equal(t, []int{1, 2, 2, 2}, []int{p5, p6, p7, p8}, "a heading starts page 2")
	assert.InDelta(t, h5, h6, 0.01)
	assert.InDelta(t, h6, h7, 0.01)
	assert.InDelta(t, h7, h8, 0.01)
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	require.NoError(t, err)
	return f
}
