package inventory

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"go.uber.org/goleak"
)

var update = flag.Bool("update", false, "rewrite deploy/examples/estate.xlsx")

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var agentOnly = Options{Kinds: []string{"agent"}}

// book writes a workbook with one sheet of rows and the given merged ranges.
func book(t *testing.T, sheet string, rows [][]any, merges ...[2]string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	require.NoError(t, f.SetSheetName("Sheet1", sheet))
	for i := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow(sheet, cell, &rows[i]))
	}
	for _, m := range merges {
		require.NoError(t, f.MergeCell(sheet, m[0], m[1]))
	}
	path := filepath.Join(t.TempDir(), "estate.xlsx")
	require.NoError(t, f.SaveAs(path))
	return path
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func problemStrings(ps []Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.String()
	}
	return out
}

func names(ts []Target) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Name
	}
	return out
}
