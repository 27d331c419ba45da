package inventory

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

const exampleWorkbook = "../../deploy/examples/estate.xlsx"

func TestTemplate(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteTemplate(&buf))
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer f.Close()
	assert.Equal(t, []string{TemplateSheet, LinkSheet, HelpSheet}, f.GetSheetList())
	header, err := f.GetRows(TemplateSheet)
	require.NoError(t, err)
	assert.Equal(t, []string{"名称", "类型", "地址", "区县", "层级", "站点", "系统", "部门", "上级", "标签", "参数"}, header[0])
	dvs, err := f.GetDataValidations(TemplateSheet)
	require.NoError(t, err)
	lists := map[string]string{}
	for _, dv := range dvs {
		lists[dv.Sqref] = dv.Formula1
	}
	assert.Contains(t, lists["D2:D5000"], "城乡一体化示范区")
	assert.Contains(t, lists["E2:E5000"], "乡镇级")
	assert.Contains(t, lists["B2:B5000"], "agent")
	help, err := f.GetRows(HelpSheet)
	require.NoError(t, err)
	assert.Equal(t, []string{"列名", "英文列名", "必填", "说明"}, help[0])
	assert.Len(t, help, 1+len(Columns)+2+len(LinkColumns)+4)

	path := writeFile(t, "t.xlsx", buf.String())
	ts, ps := Load(context.Background(), Config{Excel: []ExcelSource{{Path: path}}}, agentOnly)
	require.Empty(t, ps, problemStrings(ps))
	assert.Equal(t, []string{"vm-hubin-001", "vm-lingbao-007"}, names(ts), "the example rows load as they are")
	assert.Equal(t, "town", ts[1].Level)

	buf.Reset()
	require.NoError(t, WriteTemplate(&buf, "agent", "snmp"))
	f2, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	defer f2.Close()
	dvs, err = f2.GetDataValidations(TemplateSheet)
	require.NoError(t, err)
	found := false
	for _, dv := range dvs {
		found = found || (dv.Sqref == "B2:B5000" && bytes.Contains([]byte(dv.Formula1), []byte("snmp")))
	}
	assert.True(t, found, "the kinds given fill the 类型 list")
}

// TestExampleWorkbook keeps deploy/examples/estate.xlsx (referenced by the
// example config) equal in content to the template; -update rewrites it.
func TestExampleWorkbook(t *testing.T) {
	if *update {
		var buf bytes.Buffer
		require.NoError(t, WriteTemplate(&buf))
		require.NoError(t, os.WriteFile(exampleWorkbook, buf.Bytes(), 0o644))
	}
	ts, ps := Load(context.Background(), Config{Excel: []ExcelSource{{Path: exampleWorkbook, Sheet: TemplateSheet}}}, agentOnly)
	require.Empty(t, ps, problemStrings(ps))
	assert.Equal(t, []string{"vm-hubin-001", "vm-lingbao-007"}, names(ts))
}
