package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
)

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// `swanwatch report`: from a stopped server's data directory, then from a
// running server over the API; the running server's TSDB lock sends the
// data-directory way to --server.
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(file, fmt.Appendf(nil, "server: {listen: \"127.0.0.1:%d\"}\nstorage: {path: data}\n", freePort(t)), 0o600))
	month := time.Now().In(cst.Location).Format("2006-01")

	out := filepath.Join(dir, "r.xlsx")
	code, _, errs := runCLI(t, "", "report", "--config", file, "--month", month, "--format", "xlsx", "-o", out)
	require.Equal(t, 0, code, errs)
	x, err := excelize.OpenFile(out)
	require.NoError(t, err)
	assert.Contains(t, x.GetSheetList(), "概要")
	require.NoError(t, x.Close())

	require.NoError(t, app.AddUser(context.Background(), file, "ops", "viewer", "Str0ng-enough-pw"))
	cfg, err := config.Load(file)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	ready, done := make(chan string, 1), make(chan error, 1)
	go func() {
		done <- app.Run(ctx, app.Options{ConfigFile: file, Config: cfg, Logger: slog.New(slog.DiscardHandler),
			Ready: func(u string) { ready <- u }})
	}()
	t.Cleanup(func() { cancel(); <-done })
	url := <-ready

	t.Setenv("SWANWATCH_PASSWORD", "Str0ng-enough-pw")
	code, stdout, errs := runCLI(t, "", "report", "--server", url, "--user", "ops", "--month", month, "--format", "html", "-o", "-")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, stdout, "月度SLA服务报告")

	t.Setenv("SWANWATCH_PASSWORD", "wrong")
	code, _, errs = runCLI(t, "", "report", "--server", url, "--user", "ops", "--month", month, "-o", filepath.Join(dir, "x.pdf"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "401")
	assert.NoFileExists(t, filepath.Join(dir, "x.pdf"), "no half file left behind")

	code, _, errs = runCLI(t, "", "report", "--config", file, "--month", month, "-o", filepath.Join(dir, "y.pdf"))
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "use --server")

	code, _, _ = runCLI(t, "", "report", "--month", month)
	assert.Equal(t, 2, code, "either --server or --config")
}
