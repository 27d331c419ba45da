package ledger

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// writeBook saves rows (the first is the header) to a new workbook's first
// sheet, named sheet; a time.Time cell is a real Excel date (a serial number
// with a date format), as the control plane's export writes it.
func writeBook(t *testing.T, sheet string, rows [][]any, merges ...[2]string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", sheet))
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow(sheet, cell, &r))
	}
	for _, m := range merges {
		require.NoError(t, f.MergeCell(sheet, m[0], m[1]))
	}
	path := filepath.Join(t.TempDir(), "资源台账.xlsx")
	require.NoError(t, f.SaveAs(path))
	return path
}

func day0(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestExcelSource(t *testing.T) {
	path := writeBook(t, "台账", [][]any{
		{"资源台账（2026年11月）"}, // a title row above the header is not the header
		{},
		{"序号", "云服务器名称*", "规格", "业务系统", "责任部门", "开始日期", "到期日期（含当日）", "备注"},
		{1, "vm-a", "8C16G", "不动产登记系统", "市自然资源局", day0(2026, 1, 1), day0(2027, 12, 31), ""},
		{2, "vm-b", "4c8g", "不动产登记系统", "", "2026-02-01", "2026/12/10", "合并单元格"},
		{3, "", "2C4G", "", "", "", "", "缺名称"},
		{4, "vm-c", "8核16G", "", "", "", "", "规格错"},
		{5, "vm-d", "2C4G", "", "", day0(2026, 6, 1), day0(2026, 5, 1), "颠倒"},
		{6, "vm-a", "2C4G", "", "", "", "", "重复"},
		{7, "vm-e", "2C4G", "", "", "2026-13-01", "", "日期错"},
		{8, "vm-f", "#REF!", "", "", "", "", "公式错"},
		{},
		{9, "vm-g", "16C32G", "电子政务外网", "市大数据局", "", 46371, "数值日期"},
	}, [2]string{"E4", "E5"}) // 责任部门 merged over vm-a and vm-b
	b, err := (&ExcelSource{Path: path}).Read(context.Background())
	require.NoError(t, err)

	require.Len(t, b.Entries, 3)
	end := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, cst.Location) }
	assert.Equal(t, Entry{VM: "vm-a", Spec: "8C16G", VCPU: 8, MemGB: 16, System: "不动产登记系统", Dept: "市自然资源局",
		TermStart: "2026-01-01", TermEnd: "2027-12-31", end: end(2027, 12, 31), Where: path + " 第4行"}, b.Entries[0])
	assert.Equal(t, Entry{VM: "vm-b", Spec: "4C8G", VCPU: 4, MemGB: 8, System: "不动产登记系统", Dept: "市自然资源局",
		TermStart: "2026-02-01", TermEnd: "2026-12-10", end: end(2026, 12, 10), Where: path + " 第5行"}, b.Entries[1])
	assert.Equal(t, Entry{VM: "vm-g", Spec: "16C32G", VCPU: 16, MemGB: 32, System: "电子政务外网", Dept: "市大数据局",
		TermEnd: "2026-12-15", end: end(2026, 12, 15), Where: path + " 第13行"}, b.Entries[2])

	var got []string
	for _, p := range b.Problems {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		path + " 第6行：云服务器名称为空",
		path + ` 第7行：规格 "8核16G" 无法识别：须写作 vCPU 数 C 内存 GB 数 G，例如 8C16G`,
		path + " 第8行：到期日期 2026-05-01 早于开始日期 2026-06-01",
		path + " 第9行：云服务器 vm-a 重复（第4行已登记），本行跳过",
		path + ` 第10行：开始日期 "2026-13-01" 不是有效日期`,
		path + " 第11行：单元格含公式错误 #REF!",
	}, got)
}

func TestExcelEnglishHeader(t *testing.T) {
	path := writeBook(t, "Sheet1", [][]any{
		{"VM", "Spec", "System", "Department", "Start", "End"},
		{"vm-x", "2C4G", "OA", "办公厅", "2026-01-01", "2026-12-31"},
	})
	b, err := (&ExcelSource{Path: path}).Read(context.Background())
	require.NoError(t, err)
	require.Len(t, b.Entries, 1)
	assert.Equal(t, "办公厅", b.Entries[0].Dept)
	assert.Equal(t, "2026-12-31", b.Entries[0].TermEnd)
	assert.Empty(t, b.Problems)
}

// A file that cannot be read as a ledger is one error naming the file and
// why, never a crash and never an empty ledger taken as good.
func TestExcelBadFiles(t *testing.T) {
	dir := t.TempDir()
	notXLSX := filepath.Join(dir, "台账.xlsx")
	require.NoError(t, os.WriteFile(notXLSX, []byte("云服务器名称,规格\nvm-a,8C16G\n"), 0o600))
	truncated := filepath.Join(dir, "truncated.xlsx")
	good, err := os.ReadFile(writeBook(t, "台账", [][]any{{"云服务器名称"}, {"vm-a"}}))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(truncated, good[:len(good)/2], 0o600))

	for name, tc := range map[string]struct {
		src    ExcelSource
		reason string
	}{
		"not a workbook": {ExcelSource{Path: notXLSX}, "不是有效的 xlsx 工作簿"},
		"truncated":      {ExcelSource{Path: truncated}, "不是有效的 xlsx 工作簿"},
		"missing":        {ExcelSource{Path: filepath.Join(dir, "nope.xlsx")}, "无法打开（no such file or directory）"},
		"too big":        {ExcelSource{Path: notXLSX, MaxBytes: 10}, "超过 10 字节上限"},
		"no vm column":   {ExcelSource{Path: writeBook(t, "台账", [][]any{{"名称", "规格"}, {"vm-a", "8C16G"}})}, "前 10 行中没有含“云服务器名称”（或 vm）列的表头"},
		"twice":          {ExcelSource{Path: writeBook(t, "台账", [][]any{{"云服务器名称", "vm"}, {"vm-a", "vm-b"}})}, `"vm" 列出现两次`},
		"empty":          {ExcelSource{Path: writeBook(t, "台账", nil)}, "工作表为空"},
		"no such sheet":  {ExcelSource{Path: notXLSX + ".ok", Sheet: "x"}, "无法打开"},
	} {
		_, err := tc.src.Read(context.Background())
		assert.ErrorContains(t, err, tc.reason, name)
		assert.ErrorContains(t, err, tc.src.Path, name)
	}
	p := writeBook(t, "台账", [][]any{{"云服务器名称"}, {"vm-a"}})
	_, err = (&ExcelSource{Path: p, Sheet: "资产"}).Read(context.Background())
	assert.ErrorContains(t, err, `读取工作表 "资产" 失败（工作表：台账）`)
}
