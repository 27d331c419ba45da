package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

var cellTypes = map[excelize.CellType]string{
	excelize.CellTypeUnset: "n", excelize.CellTypeNumber: "n", excelize.CellTypeBool: "b",
	excelize.CellTypeSharedString: "s", excelize.CellTypeInlineString: "s", excelize.CellTypeDate: "d",
}

// dumpXLSX lists every non-empty cell of every sheet as
// "ref type format raw-value": the structure (sheets, header rows) and the
// proof that figures are numbers with formats, not text.
func dumpXLSX(t *testing.T, data []byte) string {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	require.NoError(t, err)
	defer func() { require.NoError(t, f.Close()) }()
	var b strings.Builder
	for _, sheet := range f.GetSheetList() {
		fmt.Fprintf(&b, "== %s\n", sheet)
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		require.NoError(t, err)
		for r, row := range rows {
			for c, v := range row {
				if v == "" {
					continue
				}
				ref := cellName(c+1, r+1)
				typ, err := f.GetCellType(sheet, ref)
				require.NoError(t, err)
				fmt.Fprintf(&b, "%s %s %s %s\n", ref, cellTypes[typ], numFmt(t, f, sheet, ref), v)
			}
		}
	}
	return b.String()
}

func numFmt(t *testing.T, f *excelize.File, sheet, ref string) string {
	id, err := f.GetCellStyle(sheet, ref)
	require.NoError(t, err)
	st, err := f.GetStyle(id)
	require.NoError(t, err)
	if st.CustomNumFmt == nil {
		return "-"
	}
	return strings.ReplaceAll(*st.CustomNumFmt, " ", "_")
}

func TestRenderXLSXGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, RenderXLSX(&buf, fixtureReport()))
	dump := dumpXLSX(t, buf.Bytes())
	golden(t, "report_xlsx.dump", dump)
	for _, want := range []string{
		"== 概要\n", "== 插件在线率\n", "== 链路质量\n", "== 事件统计\n", "== 资源使用\n", "== 天鹅湖景区\n", "== 方法说明\n", "== 数据缺口\n",
		"D7 n 0.0000% 0.99996\n", // R-A1 figure: a number, truncated, with a percent format
		"E7 n \"达标\";\"未达标\";\"未达标\" 0\n",
	} {
		assert.Contains(t, dump, want)
	}
}

func TestExcelTimeIsShanghaiWallClock(t *testing.T) {
	// 2026-11-01 00:00 CST is 2026-10-31 16:00 UTC; the sheet must show the 1st.
	got := excelTime(at(1, 0, 0))
	assert.InDelta(t, 46327.0, got, 1e-9) // =DATE(2026,11,1) in Excel
	assert.InDelta(t, 46327.0+13.5/24, excelTime(at(1, 13, 30)), 1e-9)
}
