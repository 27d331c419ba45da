package app

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A rule's alert becomes an incident; an operator acknowledges it through the
// API (who and when recorded, a second ack refused), and the ack is audited.
func TestAlertBecomesAnIncidentThatAnOperatorAcknowledges(t *testing.T) {
	rulesFile := filepath.Join(t.TempDir(), "fast.yml")
	require.NoError(t, os.WriteFile(rulesFile, []byte(`groups:
  - name: fast
    rules:
      - alert: AgentDownNow
        expr: up{instance="vm-gone"} == 0
        labels: {severity: major}
        annotations: {summary: "监控插件离线:{{ $labels.instance }}"}
`), 0o600))
	cfg := strings.Replace(agentConfig, "rules: {evaluation_interval: 1s}",
		"rules: {evaluation_interval: 1s, files: [\""+rulesFile+"\"]}", 1)
	s := startServer(t, cfg, map[string]string{"{{node}}": "http://127.0.0.1:1/metrics"})

	var list struct {
		Data struct {
			Incidents []struct {
				ID        int64
				Alertname string
				Severity  string
				Labels    map[string]string
				AckedBy   string `json:"acked_by"`
			}
		}
	}
	require.Eventually(t, func() bool {
		// (the shipped event rule AgentOffline opens its own incident for the same VM)
		require.NoError(t, json.Unmarshal([]byte(getJSON(t, s, "/api/v1/incidents?open=1&alertname=AgentDownNow&district=%E5%8D%A2%E6%B0%8F%E5%8E%BF")), &list))
		return len(list.Data.Incidents) == 1
	}, 20*time.Second, 200*time.Millisecond, "the firing alert opens one incident in 卢氏县")
	inc := list.Data.Incidents[0]
	assert.Equal(t, "AgentDownNow", inc.Alertname)
	assert.Equal(t, "major", inc.Severity)

	ack := func() int {
		req, _ := http.NewRequest(http.MethodPost, s.url+"/api/v1/incidents/"+itoa(inc.ID)+"/ack", nil)
		req.SetBasicAuth("ops", testPassword)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		_, _ = io.Copy(io.Discard, resp.Body)
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, ack())
	assert.Equal(t, http.StatusConflict, ack(), "the first acknowledgement stands")
	detail := getJSON(t, s, "/api/v1/incidents/"+itoa(inc.ID))
	assert.Contains(t, detail, `"acked_by":"ops"`)
	assert.Contains(t, detail, `"kind":"acked"`)
	assert.Contains(t, getJSON(t, s, "/api/v1/audit"), "/ack")
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
