package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const (
	rwPass  = "rw-pass-Zq81"
	lokiTok = "loki-token-Hh27"
	cpTok   = "cp-token-Kp55"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	}
	return dir
}

const secretsYAML = `
storage:
  remote_write:
    - name: vm
      url: http://127.0.0.1:8428/api/v1/write
      username: swan
      password_file: secrets/rw
events:
  loki:
    url: http://127.0.0.1:9428/insert/loki/api/v1/push
    bearer_token: ` + lokiTok + `
inventory:
  http:
    - url: http://127.0.0.1:1/export
      bearer_token_file: /ABS/secrets/cp
`

func TestSecretFilesAndMasking(t *testing.T) {
	dir := writeFiles(t, map[string]string{"secrets/rw": rwPass + "\n", "secrets/cp": "  " + cpTok + "  \n"})
	data := []byte(replaceAbs(secretsYAML, dir))
	cfg, err := Parse(filepath.Join(dir, "swanwatch.yaml"), data)
	require.NoError(t, err)
	assert.Equal(t, rwPass, cfg.Storage.RemoteWrite[0].Password.Reveal(), "relative *_file, trimmed")
	assert.Equal(t, lokiTok, cfg.Events.Loki.BearerToken.Reveal())
	assert.Equal(t, cpTok, cfg.Inventory.HTTP[0].BearerToken.Reveal(), "absolute *_file, trimmed")

	var jb strings.Builder
	enc := json.NewEncoder(&jb)
	enc.SetEscapeHTML(false)
	require.NoError(t, enc.Encode(cfg))
	j := jb.String()
	y, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	for name, out := range map[string]string{
		"%v": fmt.Sprintf("%v", cfg), "%+v": fmt.Sprintf("%+v", *cfg), "%#v": fmt.Sprintf("%#v", *cfg),
		"json": string(j), "yaml": string(y),
	} {
		for _, s := range []string{rwPass, lokiTok, cpTok} {
			assert.NotContains(t, out, s, "%s leaks a secret", name)
		}
		assert.Contains(t, out, "<secret>", name)
	}
}

func TestSecretProblemsNeverShowContent(t *testing.T) {
	dir := writeFiles(t, map[string]string{"rw": rwPass, "unreadable": rwPass})
	require.NoError(t, os.Chmod(filepath.Join(dir, "unreadable"), 0))
	tests := []struct {
		name, yaml, want string
	}{
		{"both set", "password: " + rwPass + "\n      password_file: rw",
			"storage.remote_write[0].password_file: set either password or password_file, not both"},
		{"missing file", "password_file: nope",
			"storage.remote_write[0].password_file: read secret file: open " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{"directory", "bearer_token_file: .", "storage.remote_write[0].bearer_token_file: read secret file " + dir},
	}
	if os.Geteuid() != 0 { // root reads a 0000 file, so the case only means something for others
		tests = append(tests, struct{ name, yaml, want string }{"unreadable", "password_file: unreadable", "permission denied"})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := "storage:\n  remote_write:\n    - name: vm\n      url: http://127.0.0.1:8428/api/v1/write\n      username: u\n      " + tt.yaml + "\n"
			_, err := Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(data))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), rwPass)
		})
	}
}

func TestRoundTripYAML(t *testing.T) {
	data, err := os.ReadFile("../../deploy/examples/swanwatch.yaml")
	require.NoError(t, err)
	cfg, err := Parse("../../deploy/examples/swanwatch.yaml", data)
	require.NoError(t, err)
	cfg.Events.Loki.Password = "plain-secret-in-config"
	cfg.Events.Loki.Username = "swan"
	out, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	assert.NotContains(t, string(out), "plain-secret-in-config")
	again, err := Parse("../../deploy/examples/swanwatch.yaml", out)
	require.NoError(t, err, "the marshalled config parses again:\n%s", out)
	assert.Equal(t, Secret("<secret>"), again.Events.Loki.Password, "the masked value is what comes back")
	again.Events.Loki.Password = cfg.Events.Loki.Password
	again.Alerting.Receivers[0].Webhook.URL = cfg.Alerting.Receivers[0].Webhook.URL // a secret: masked too
	again.Alerting.Maintenance, cfg.Alerting.Maintenance = nil, nil                 // compiled schedules are funcs
	again.Inventory.Targets, cfg.Inventory.Targets = nil, nil                       // Source points at other lines
	assert.Equal(t, cfg, again)
}

func replaceAbs(s, dir string) string {
	out := []byte{}
	for i := 0; i < len(s); i++ {
		if i+4 <= len(s) && s[i:i+4] == "/ABS" {
			out = append(out, dir...)
			i += 3
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}
