package app

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func postReload(t *testing.T, s *started) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.url+"/-/reload", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.sysToken) // the system administrator's
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestReloadKeepsOldConfigOnBadFileAndAppliesGoodOne(t *testing.T) {
	s := startServer(t, agentConfig, map[string]string{"{{node}}": "http://127.0.0.1:1/metrics"})
	good, err := os.ReadFile(s.file)
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(s.file, append(good, []byte("\nbogus_section: 1\n")...), 0o600))
	code, body := postReload(t, s)
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body, "swanwatch.yaml:", "the problem names file and line")
	assert.Contains(t, getJSON(t, s, "/metrics"), "swanwatch_config_last_reload_successful 0")
	assert.Contains(t, getJSON(t, s, "/api/v1/targets"), "vm-gone", "old configuration still in force")

	added := strings.Replace(string(good), "  targets:\n", "  targets:\n    - {name: vm-new, kind: agent, address: \"http://127.0.0.1:1/metrics\", district: 灵宝市}\n", 1)
	require.NoError(t, os.WriteFile(s.file, []byte(added), 0o600))
	code, body = postReload(t, s)
	require.Equal(t, http.StatusOK, code, body)
	assert.Contains(t, getJSON(t, s, "/metrics"), "swanwatch_config_last_reload_successful 1")
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/targets"), "vm-new")
	}, 10*time.Second, 100*time.Millisecond, "the new inventory reaches the runner")
	assert.Contains(t, getJSON(t, s, "/api/v1/audit"), "POST /-/reload", "reloads are audited")
}

func TestSIGHUPReloadsAndABadFileKeepsTheOldConfig(t *testing.T) {
	s := startServer(t, agentConfig, map[string]string{"{{node}}": "http://127.0.0.1:1/metrics"})
	good, err := os.ReadFile(s.file)
	require.NoError(t, err)

	require.NoError(t, os.WriteFile(s.file, []byte("storage: [not, a, map]\n"), 0o600))
	s.hup <- struct{}{}
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/metrics"), "swanwatch_config_last_reload_successful 0")
	}, 5*time.Second, 50*time.Millisecond)
	assert.Contains(t, getJSON(t, s, "/api/v1/targets"), "vm-gone")

	renamed := strings.Replace(string(good), "vm-gone", "vm-renamed", 1)
	require.NoError(t, os.WriteFile(s.file, []byte(renamed), 0o600))
	s.hup <- struct{}{}
	require.Eventually(t, func() bool {
		body := getJSON(t, s, "/api/v1/targets")
		return strings.Contains(body, "vm-renamed") && !strings.Contains(body, "vm-gone")
	}, 10*time.Second, 100*time.Millisecond)
	assert.Contains(t, getJSON(t, s, "/metrics"), "swanwatch_config_last_reload_successful 1")
}
