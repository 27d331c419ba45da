package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestBadFilesGolden: every problem of each bad file, with file and line,
// compared with testdata/bad/<name>.golden.
func TestBadFilesGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			cfg, err := Parse(filepath.Base(f), data)
			require.Error(t, err)
			assert.Nil(t, cfg)
			var ps Problems
			require.True(t, errors.As(err, &ps), "error is a Problems: %T", err)
			golden := strings.TrimSuffix(f, ".yaml") + ".golden"
			cwd, _ := os.Getwd()
			got := strings.ReplaceAll(err.Error(), cwd, "<dir>") + "\n"
			if *update {
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
			}
			want, err2 := os.ReadFile(golden)
			require.NoError(t, err2)
			assert.Equal(t, string(want), got)
			for _, p := range ps {
				assert.Equal(t, filepath.Base(f), p.File)
			}
		})
	}
}

// TestProblemLines pins the line of problems that a golden file would hide in
// a long list: unknown keys at three depths and in lists, and validation.
func TestProblemLines(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"top", "bogus: 1\n", []string{`c.yaml:1: unknown field "bogus" in the top level`}},
		{"nested", "server:\n  tls:\n    key: x\n", []string{`c.yaml:3: unknown field "key" in server.tls`}},
		{"in list", "storage:\n  remote_write:\n    - name: a\n      url: http://x/\n      urll: y\n", []string{`c.yaml:5: unknown field "urll" in storage.remote_write[0]`}},
		{"inline struct", "collectors:\n  agent:\n    keep: [a]\n    intervall: 1s\n", []string{`c.yaml:4: unknown field "intervall" in collectors.agent`}},
		{"target", "inventory:\n  targets:\n    - name: a\n      disrict: x\n", []string{`c.yaml:4: unknown field "disrict" in inventory.targets[0]`}},
		{"anchor merge", "x: &x {interval: 1s}\n", []string{`c.yaml:1: unknown field "x"`}},
		{"validation", "log:\n  level: info\n  format: xml\n", []string{`c.yaml:3: log.format: "xml" is not one of text, json`}},
		{"sub validate", "collectors:\n  agent:\n    keep: [a]\n    interval: 10ms\n", []string{`c.yaml:4: collectors.agent: interval 10ms is below the 1s minimum`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("c.yaml", []byte(tt.yaml))
			require.Error(t, err)
			lines := strings.Split(err.Error(), "\n")
			require.Len(t, lines, len(tt.want), err.Error())
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(lines[i], w), "got %q, want prefix %q", lines[i], w)
			}
		})
	}
}

func TestEmptyFileIsDefault(t *testing.T) {
	for _, data := range []string{"", "# only a comment\n", "---\n"} {
		cfg, err := Parse("swanwatch.yaml", []byte(data))
		require.NoError(t, err, "%q", data)
		def := Default()
		assert.Equal(t, def.Server, cfg.Server)
		assert.Equal(t, def.Collectors, cfg.Collectors)
		assert.Equal(t, def.Storage.Retention, cfg.Storage.Retention)
		assert.True(t, filepath.IsAbs(cfg.Storage.Path))
		assert.Equal(t, "data", filepath.Base(cfg.Storage.Path))
	}
	def := Default()
	assert.Equal(t, "127.0.0.1:9330", def.Server.Listen)
	assert.Equal(t, "http://127.0.0.1:9330", def.Server.ExternalURL)
	assert.Equal(t, 12*time.Hour, def.Server.SessionTTL)
	assert.Equal(t, "90d", def.Storage.Retention.String())
	assert.Equal(t, "180d", def.Events.Retention.String())
	assert.Equal(t, 30*time.Second, def.Rules.EvaluationInterval)
	assert.Equal(t, 30*time.Second, def.Collectors.Agent.Interval)
	assert.Equal(t, "info", def.Log.Level)
}

func TestDefaultsOfSections(t *testing.T) {
	cfg, err := Parse("c.yaml", []byte(`
server: {listen: ":9444", tls: {cert_file: testdata/cert.pem, key_file: testdata/cert.pem}}
storage:
  remote_write: [{name: vm, url: "http://127.0.0.1:8428/api/v1/write"}]
events:
  loki: {url: "http://127.0.0.1:9428/insert/loki/api/v1/push"}
inventory:
  http: [{url: "http://127.0.0.1:1/x"}]
`))
	require.NoError(t, err)
	assert.Equal(t, "https://localhost:9444", cfg.Server.ExternalURL)
	rw := cfg.Storage.RemoteWrite[0]
	assert.Equal(t, 30*time.Second, rw.Timeout)
	assert.Equal(t, 2000, rw.BatchSize)
	assert.Equal(t, Bytes(1e9), rw.MaxSpoolSize)
	assert.Equal(t, 1000, cfg.Events.Loki.BatchSize)
	assert.Equal(t, Bytes(512e6), cfg.Events.Loki.MaxSpoolSize)
	assert.Equal(t, 5*time.Minute, cfg.Inventory.HTTP[0].Interval)
}

func TestRelativePaths(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"cert.pem", "key.pem", "estate.yaml", "estate.xlsx"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600))
	}
	path := filepath.Join(dir, "swanwatch.yaml")
	require.NoError(t, os.WriteFile(path, []byte(`
server: {tls: {cert_file: cert.pem, key_file: /abs/elsewhere/key.pem}}
storage: {path: tsdb}
rules: {files: ["rules/*.yml"]}
inventory:
  files: [estate.yaml]
  excel: [{path: estate.xlsx}]
`), 0o600))
	_, err := Load(path)
	require.Error(t, err, "the absolute key path does not exist")
	assert.Contains(t, err.Error(), "server.tls.key_file: stat /abs/elsewhere/key.pem")

	require.NoError(t, os.WriteFile(path, []byte(`
server: {tls: {cert_file: cert.pem, key_file: key.pem}}
storage: {path: tsdb}
rules: {files: ["rules/*.yml"]}
inventory:
  files: [estate.yaml]
  excel: [{path: estate.xlsx}]
`), 0o600))
	cfg, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "cert.pem"), cfg.Server.TLS.CertFile)
	assert.Equal(t, filepath.Join(dir, "tsdb"), cfg.Storage.Path)
	assert.Equal(t, filepath.Join(dir, "rules/*.yml"), cfg.Rules.Files[0])
	assert.Equal(t, filepath.Join(dir, "estate.yaml"), cfg.Inventory.Files[0])
	assert.Equal(t, filepath.Join(dir, "estate.xlsx"), cfg.Inventory.Excel[0].Path)
	assert.Equal(t, dir, cfg.Dir)
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.yaml"))
	require.Error(t, err)
	var ps Problems
	assert.False(t, errors.As(err, &ps), "an unreadable file is not a content problem")
	assert.Contains(t, err.Error(), "read config")
}

func TestProblemsAreCounted(t *testing.T) {
	c := metrics.GetOrCreateCounter(`swanwatch_config_problems_total`)
	f := metrics.GetOrCreateCounter(`swanwatch_config_load_failures_total`)
	before, beforeF := c.Get(), f.Get()
	_, err := Parse("c.yaml", []byte("a: 1\nb: 2\n"))
	require.Error(t, err)
	assert.Equal(t, before+2, c.Get())
	assert.Equal(t, beforeF+1, f.Get())
}
