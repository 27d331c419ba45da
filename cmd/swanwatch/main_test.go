package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = realMain(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestCheckConfigAcceptsTheShippedExample(t *testing.T) {
	code, out, errs := runCLI(t, "", "check-config", "../../deploy/examples/swanwatch.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "ok")
}

func TestCheckConfigListsEveryProblemWithFileAndLine(t *testing.T) {
	file := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(file, []byte("server:\n  listn: x\nstorage:\n  retention: soon\n"), 0o600))
	code, _, errs := runCLI(t, "", "check-config", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "bad.yaml:2:")
	assert.Contains(t, errs, "bad.yaml:4:")
}

func TestCheckConfigReportsBadInventoryRows(t *testing.T) {
	file := filepath.Join(t.TempDir(), "inv.yaml")
	cfg := "inventory:\n  targets:\n    - {name: a, kind: agent, address: 'http://127.0.0.1:1/metrics', district: 义马市}\n    - {name: b, kind: agent, address: 'http://127.0.0.1:1/metrics', district: 火星}\n"
	require.NoError(t, os.WriteFile(file, []byte(cfg), 0o600))
	code, _, errs := runCLI(t, "", "check-config", file)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "inv.yaml:4")
	assert.Contains(t, errs, "火星")
}

func TestUsageAndVersion(t *testing.T) {
	code, _, errs := runCLI(t, "", "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "Usage:")
	code, out, _ := runCLI(t, "", "version")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "swanwatch ")
}

func TestInventoryTemplateIsAWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "模板.xlsx")
	code, _, errs := runCLI(t, "", "inventory", "template", path)
	require.Equal(t, 0, code, errs)
	f, err := excelize.OpenFile(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := f.GetRows("资产清单")
	require.NoError(t, err)
	assert.Contains(t, rows[0], "区县")
	code, _, _ = runCLI(t, "", "inventory", "template", path)
	assert.Equal(t, 1, code, "an existing file is never overwritten")
}

func TestUserAddThenBackup(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, []byte("storage: {path: data}\n"), 0o600))
	code, out, errs := runCLI(t, "Str0ng-enough-pw\n", "user", "add", "--config", file, "--name", "zhangsan", "--role", "operator", "--password-stdin")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "zhangsan")
	code, _, errs = runCLI(t, "short\n", "user", "add", "--config", file, "--name", "lisi", "--password-stdin")
	assert.Equal(t, 1, code, "a weak password is refused")
	assert.NotEmpty(t, errs)

	backup := filepath.Join(dir, "backup.db")
	code, _, errs = runCLI(t, "", "backup", "--config", file, "--out", backup)
	require.Equal(t, 0, code, errs)
	st, err := os.Stat(backup)
	require.NoError(t, err)
	assert.Positive(t, st.Size())
}
