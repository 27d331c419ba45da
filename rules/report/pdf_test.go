package report

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var pngDir = flag.String("png", "", "keep the fixture PDF and its page PNGs in this directory, to look at")

// poppler runs a poppler-utils tool (scripts/install-peers.sh installs them);
// the test fails, never skips, when it is missing.
func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	path, err := exec.LookPath(tool)
	require.NoError(t, err, "%s missing: run scripts/install-peers.sh (apt poppler-utils)", tool)
	out, err := exec.Command(path, args...).CombinedOutput()
	require.NoError(t, err, "%s: %s", tool, out)
	return string(out)
}

func renderFixturePDF(t *testing.T) (string, []byte) {
	t.Helper()
	dir := *pngDir
	if dir == "" {
		dir = t.TempDir()
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	var buf bytes.Buffer
	require.NoError(t, RenderPDF(&buf, fixtureReport()))
	file := filepath.Join(dir, "report.pdf")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))
	return file, buf.Bytes()
}

func TestRenderPDFFontsEmbedded(t *testing.T) {
	file, _ := renderFixturePDF(t)
	fonts := poppler(t, "pdffonts", file)
	// fpdf names them utf8<family>; both are embedded (emb yes), and the file
	// size test below shows they are subset.
	for _, name := range []string{fontCJK, fontLatin} {
		re := regexp.MustCompile(`(?m)^utf8` + name + `\s+CID TrueType\s+Identity-H\s+yes\s`)
		assert.Regexp(t, re, fonts, "font %s embedded", name)
	}
	assert.Equal(t, 2+2, len(strings.Split(strings.TrimSpace(fonts), "\n")), "exactly the two fonts:\n%s", fonts)
}

func TestRenderPDFText(t *testing.T) {
	file, _ := renderFixturePDF(t)
	text := poppler(t, "pdftotext", "-layout", file, "-")
	assert.NotContains(t, text, "Syntax Error")
	info := poppler(t, "pdfinfo", file)
	pages := regexp.MustCompile(`Pages:\s+(\d+)`).FindStringSubmatch(info)
	require.Len(t, pages, 2)
	want := []string{
		"月度SLA服务报告", "市行政审批和政务信息管理局", "R-A1", "监控插件在线率", "99.9960%", "未达标",
		"vm-sz-0107", "义马市 300 99.9999%", "Database cluster failover", "城乡一体化示范区",
		"第 1 页 / 共 " + pages[1] + " 页", "第 " + pages[1] + " 页 / 共 " + pages[1] + " 页",
		"生成时间 2026-12-01 00:10:00", fixtureReport().InputSHA256, "wan-sz-v057", "关停", "无数据",
		"六、天鹅湖景区（R-C2…R-C4）", "R-C4 天鹅湖景区重大故障次数", "画面完好率 418 94.8710% ≥ 95.0000% 未达标",
		"单日入园最多为 2026-11-15", "园区视频全部中断:湖心岛", "gate-n/北门1号 北门广场 客流 120331 118002",
		"2026-11-20 无数据 无数据 2040 2033", "七、政务云平台（R-A8、R-A9、R-C1）", "HA自动重启或迁移 2 台（停机时长中位数",
		"esx-07 vm-c 超时未恢复", "总体备份成功率 94.1176%", "主机房 A-05 双路供电缺失 重要", "九、方法说明", "十、数据缺口",
	}
	flat := strings.Join(strings.Fields(text), " ")
	for _, w := range want {
		assert.Contains(t, flat, w)
	}
	assert.NotContains(t, flat, "义马市 300 100", "a ratio just under 100 % is not shown as 100 %")
	// every page carries the checksum and its number in the footer
	n := mustAtoi(t, pages[1])
	assert.Len(t, regexp.MustCompile(`输入校验 SHA-256 `+fixtureReport().InputSHA256).FindAllString(flat, -1), n)
	assert.Len(t, regexp.MustCompile(`第 \d+ 页 / 共 `+pages[1]+` 页`).FindAllString(flat, -1), n)
}

func TestRenderPDFPages(t *testing.T) {
	file, _ := renderFixturePDF(t)
	prefix := filepath.Join(filepath.Dir(file), "page")
	poppler(t, "pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "4", file, prefix)
	pngs, err := filepath.Glob(prefix + "-*.png")
	require.NoError(t, err)
	assert.Len(t, pngs, 4)
}

func TestRenderPDFReproducible(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, RenderPDF(&a, fixtureReport()))
	require.NoError(t, RenderPDF(&b, fixtureReport()))
	assert.True(t, bytes.Equal(a.Bytes(), b.Bytes()), "the same report renders to the same bytes")
	assert.Less(t, a.Len(), 1<<20, "fonts are subset: %d bytes", a.Len())
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, c := range s {
		require.True(t, c >= '0' && c <= '9', s)
		n = n*10 + int(c-'0')
	}
	return n
}
