package inventory

import (
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var zhHeader = []any{"名称", "类型", "地址", "区县", "层级", "站点", "系统", "部门", "上级", "标签", "参数", "备注"}

func loadBook(t *testing.T, path, sheet string) ([]Target, []Problem) {
	t.Helper()
	return Load(context.Background(), Config{Excel: []ExcelSource{{Path: path, Sheet: sheet}}}, agentOnly)
}

func TestExcelGoodRows(t *testing.T) {
	path := book(t, "资产清单", [][]any{
		{}, // a blank first row: the header is the first non-blank row
		zhHeader,
		{"vm-1", "agent", "http://10.0.0.1:9100/metrics", "湖滨区", "县级", "湖滨机房", "不动产", "自然资源局", "hubin-core", "os=linux；env=prod", "path=/metrics", "备注随便写"},
		{},
		{" vm-2 ", "agent", "http://10.0.0.2:9100/metrics", "LingBao", "village", "", "", "", "", "", "", ""},
	})
	ts, ps := loadBook(t, path, "")
	require.Empty(t, ps, problemStrings(ps))
	require.Equal(t, []string{"vm-1", "vm-2"}, names(ts))
	assert.Equal(t, Target{Name: "vm-1", Kind: "agent", Address: "http://10.0.0.1:9100/metrics", District: "湖滨区",
		Level: "county", Site: "湖滨机房", System: "不动产", Dept: "自然资源局", Parent: "hubin-core",
		Labels: map[string]string{"os": "linux", "env": "prod"}, Params: map[string]string{"path": "/metrics"},
		Source: path + ":资产清单!R3"}, ts[0])
	assert.Equal(t, "灵宝市", ts[1].District, "slug, any case")
	assert.Equal(t, "village", ts[1].Level)
	assert.Equal(t, map[string]string{"district": "湖滨区", "level": "county", "site": "湖滨机房", "system": "不动产",
		"dept": "自然资源局", "parent": "hubin-core", "os": "linux", "env": "prod"}, ts[0].AllLabels())
}

func TestExcelEnglishHeaders(t *testing.T) {
	path := book(t, "Sheet1", [][]any{
		{"Address", "名称*", "Kind", "district (区县)", "Department"},
		{"http://10.0.0.1:9100/metrics", "vm-1", "agent", "yima", "财政局"},
	})
	ts, ps := loadBook(t, path, "Sheet1")
	require.Empty(t, ps, problemStrings(ps))
	require.Len(t, ts, 1)
	assert.Equal(t, "义马市", ts[0].District)
	assert.Equal(t, "财政局", ts[0].Dept)
}

func TestExcelBadRows(t *testing.T) {
	path := book(t, "资产清单", [][]any{
		zhHeader,
		{"vm-ok", "agent", "http://a:1/", "湖滨区"},
		{"vm-bad-district", "agent", "http://a:2/", "义马"},
		{"vm-bad-kind", "snmpp", "http://a:3/", "湖滨区", "省级"},
		{"", "agent", "http://a:4/", "湖滨区"},
		{"vm-ref", "agent", "#REF!", "湖滨区"},
		{"vm-labels", "agent", "http://a:6/", "湖滨区", "", "", "", "", "", "env=prod;oops"},
		{"vm-reserved", "agent", "http://a:7/", "湖滨区", "", "", "", "", "", "district=x;bad-name=1"},
		{"vm-ok", "agent", "http://a:8/", "湖滨区"},
	})
	ts, ps := loadBook(t, path, "")
	assert.Equal(t, []string{"vm-ok"}, names(ts), "bad rows are skipped, the rest loads, the first duplicate wins")
	want := []string{
		path + `:资产清单!D3: unknown district "义马" (one of 市本级 义马市 渑池县 湖滨区 陕州区 灵宝市 卢氏县 经济开发区 城乡一体化示范区 现代服务业开发区, or its ASCII slug)`,
		path + `:资产清单!B4: unknown kind "snmpp" (known: agent)`,
		path + `:资产清单!E4: unknown level "省级" (city/county/town/village or 市级/县级/乡镇级/村级)`,
		path + `:资产清单!A5: name is empty`,
		path + `:资产清单!C6: cell error #REF! in column 地址 (address)`,
		path + `:资产清单!J7: labels: "oops" is not key=value (write k=v;k=v)`,
		path + `:资产清单!J8: label name "bad-name" is not a valid Prometheus label name`,
		path + `:资产清单!J8: label "district" is reserved: use the district field or drop it`,
		path + `:资产清单!R9: duplicate target vm-ok (kind agent): already defined at ` + path + `:资产清单!R2, this one is ignored`,
	}
	assert.Equal(t, want, problemStrings(ps))
}

func TestExcelMissingColumn(t *testing.T) {
	path := book(t, "资产清单", [][]any{
		{"名称", "类型", "层级"},
		{"vm-1", "agent", "市级"},
	})
	ts, ps := loadBook(t, path, "")
	assert.Empty(t, ts)
	assert.Equal(t, []string{
		path + ":资产清单!1:1: missing required column 地址 (address): nothing loaded from this sheet",
		path + ":资产清单!1:1: missing required column 区县 (district): nothing loaded from this sheet",
	}, problemStrings(ps))

	path = book(t, "资产清单", [][]any{{"名称", "类型", "地址", "区县", "name"}, {"a", "agent", "x", "湖滨区", "b"}})
	ts, ps = loadBook(t, path, "")
	assert.Empty(t, ts)
	assert.Equal(t, []string{path + `:资产清单!E1: column "name" appears twice (also column A): nothing loaded from this sheet`}, problemStrings(ps))
}

func TestExcelMergedCells(t *testing.T) {
	path := book(t, "资产清单", [][]any{
		zhHeader,
		{"vm-1", "agent", "http://a:1/", "渑池县"},
		{"vm-2", "agent", "http://a:2/", ""},
		{"vm-3", "agent", "http://a:3/", ""},
		{"vm-4", "agent", "http://a:4/", "卢氏县", "县级站点"},
		{"vm-5", "agent", "http://a:5/", "卢氏县"},
	}, [2]string{"D2", "D4"}, [2]string{"E5", "F6"}, [2]string{"A1", "A1"})
	ts, ps := loadBook(t, path, "")
	assert.Equal(t, []string{"vm-1", "vm-2", "vm-3"}, names(ts))
	for _, tg := range ts {
		assert.Equal(t, "渑池县", tg.District, "a merge within one column applies to each of its rows")
	}
	assert.Equal(t, []string{path + ":资产清单!E5: merged cells E5:F6 span several columns: unmerge them; rows 5-6 skipped"}, problemStrings(ps))
}

func TestExcelBadWorkbooks(t *testing.T) {
	garbage := writeFile(t, "x.xlsx", "this is not a zip")
	good := book(t, "资产清单", [][]any{zhHeader})
	big := writeFile(t, "big.xlsx", string(make([]byte, 2048)))
	tests := []struct {
		name  string
		src   ExcelSource
		opts  Options
		wantP string
	}{
		{"garbage", ExcelSource{Path: garbage}, agentOnly, garbage + ": open workbook: zip: not a valid zip file"},
		{"missing file", ExcelSource{Path: garbage + ".nope"}, agentOnly, garbage + ".nope: open workbook: open: no such file or directory"},
		{"missing sheet", ExcelSource{Path: good, Sheet: "Sheet9"}, agentOnly, good + `: no sheet "Sheet9" (sheets: 资产清单)`},
		{"too big", ExcelSource{Path: big}, Options{Kinds: []string{"agent"}, MaxBodyBytes: 1024}, big + ": read workbook: larger than 1024 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, ps := Load(context.Background(), Config{Excel: []ExcelSource{tt.src}}, tt.opts)
			assert.Empty(t, ts)
			require.Len(t, ps, 1)
			assert.Contains(t, ps[0].String(), tt.wantP)
		})
	}
	_, err := os.Stat(good)
	require.NoError(t, err)
}
