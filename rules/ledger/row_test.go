package ledger

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

func TestParseDate(t *testing.T) {
	want := time.Date(2026, 3, 1, 0, 0, 0, 0, cst.Location)
	for _, s := range []string{"2026-03-01", " 2026-3-1 ", "2026/03/01", "2026.3.1", "2026年3月1日",
		"2026-03-01T10:00:00+08:00", "2026-02-28T16:30:00Z"} {
		got, err := parseDate(s, false)
		require.NoError(t, err, s)
		assert.True(t, want.Equal(got), "%s → %s", s, got)
	}
	// 46082 is 2026-03-01 in the 1900 date system; a time of day is dropped.
	for _, s := range []string{"46082", "46082.75"} {
		got, err := parseDate(s, true)
		require.NoError(t, err, s)
		assert.True(t, want.Equal(got), "%s → %s", s, got)
	}
	_, err := parseDate("46082", false)
	assert.ErrorContains(t, err, "无法识别", "JSON dates are text")
	for s, reason := range map[string]string{
		"2026-13-01": "不是有效日期", "2026-02-30": "不是有效日期", "1999-12-31": "超出", "明年": "无法识别",
		"0": "不是有效的 Excel 日期", "-5": "不是有效的 Excel 日期", "NaN": "不是有效的 Excel 日期",
		"1e300": "不是有效的 Excel 日期", "100": "超出", "3000000": "不是有效的 Excel 日期",
	} {
		_, err := parseDate(s, true)
		assert.ErrorContains(t, err, reason, s)
	}
	got, err := parseDate("  ", true)
	assert.NoError(t, err)
	assert.True(t, got.IsZero())
}

func TestParseRaw(t *testing.T) {
	e, err := parseRaw(raw{VM: " vm-1 ", Spec: "8c16g", System: "不动产登记系统", Dept: "市自然资源局",
		Start: "2026-01-01", End: "2027-12-31"}, false)
	require.NoError(t, err)
	assert.Equal(t, Entry{VM: "vm-1", Spec: "8C16G", VCPU: 8, MemGB: 16, System: "不动产登记系统", Dept: "市自然资源局",
		TermStart: "2026-01-01", TermEnd: "2027-12-31", end: time.Date(2027, 12, 31, 0, 0, 0, 0, cst.Location)}, e)

	e, err = parseRaw(raw{VM: "vm-2"}, false)
	require.NoError(t, err, "only the name is required")
	assert.Equal(t, "", e.Spec)
	assert.True(t, e.end.IsZero())

	for name, tc := range map[string]struct {
		r      raw
		reason string
	}{
		"no name":      {raw{Spec: "8C16G"}, "云服务器名称为空"},
		"blank name":   {raw{VM: "  "}, "云服务器名称为空"},
		"spec":         {raw{VM: "v", Spec: "8核16G"}, `规格 "8核16G" 无法识别`},
		"start":        {raw{VM: "v", Start: "2026-02-30"}, "开始日期"},
		"end":          {raw{VM: "v", End: "下个月"}, "到期日期"},
		"end first":    {raw{VM: "v", Start: "2026-05-01", End: "2026-04-30"}, "到期日期 2026-04-30 早于开始日期 2026-05-01"},
		"long name":    {raw{VM: strings.Repeat("x", 300)}, "云服务器名称无效"},
		"control char": {raw{VM: "v", System: "a\x00b"}, "业务系统无效"},
		"not utf-8":    {raw{VM: "v", Dept: "\xff\xfe"}, "责任部门无效"},
	} {
		_, err := parseRaw(tc.r, false)
		assert.ErrorContains(t, err, tc.reason, name)
	}
}

func TestBookSkipsDuplicates(t *testing.T) {
	b := newBook("台账.xlsx", false)
	b.add(2, raw{VM: "vm-1", Spec: "2C4G"}, true)
	b.add(3, raw{VM: "vm-1", Spec: "4C8G"}, true)
	b.add(4, raw{VM: ""}, true)
	require.Len(t, b.Entries, 1)
	assert.Equal(t, "2C4G", b.Entries[0].Spec, "the first row wins")
	assert.Equal(t, "台账.xlsx 第2行", b.Entries[0].Where)
	require.Len(t, b.Problems, 2)
	assert.Equal(t, "台账.xlsx 第3行：云服务器 vm-1 重复（第2行已登记），本行跳过", b.Problems[0].String())
	assert.Equal(t, "台账.xlsx 第4行：云服务器名称为空", b.Problems[1].String())
}
