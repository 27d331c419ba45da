package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// startSink serves a sink on a free loopback port until the test ends.
func startSink(t *testing.T) (url, logPath string) {
	t.Helper()
	logPath = filepath.Join(t.TempDir(), "sink.jsonl")
	sink, err := NewSink(logPath)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, ln, sink) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
		require.NoError(t, sink.Close())
	})
	return "http://" + ln.Addr().String(), logPath
}

func post(t *testing.T, url, key, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func logRecords(t *testing.T, path string) []Record {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := readLog(f)
	require.NoError(t, err)
	return recs
}

const firingBody = `{"version":"4","status":"firing","receiver":"sink","alerts":[
 {"status":"firing","labels":{"alertname":"InterfaceDown","ifname":"GE0/0/7"},"fingerprint":"abc"}],
 "swanwatch":{"id":"n1","incident_id":42,"step":1}}`

func TestSinkRecordsEachPost(t *testing.T) {
	url, logPath := startSink(t)
	cases := []struct {
		name, key, body string
		code            int
		errPart         string
	}{
		{"firing with SwanWatch fields", "k1", firingBody, 200, ""},
		{"resolved without SwanWatch fields", "", `{"version":"4","status":"resolved","alerts":[{"status":"resolved","fingerprint":"abc"}]}`, 200, ""},
		{"not JSON", "k2", `{"version":`, 400, "decode payload"},
		{"wrong version", "k3", `{"version":"3","alerts":[]}`, 400, `version "3"`},
		{"alert without status", "k4", `{"version":"4","alerts":[{"fingerprint":"x"}]}`, 400, "alert 0: status"},
		{"body over the bound", "k5", `{"version":"4","x":"` + strings.Repeat("a", maxBody) + `"}`, 413, "body over"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := time.Now()
			require.Equal(t, c.code, post(t, url+"/hook", c.key, c.body))
			recs := logRecords(t, logPath)
			last := recs[len(recs)-1]
			assert.Equal(t, c.key, last.Key)
			assert.Equal(t, "/hook", last.Path)
			assert.False(t, last.At.Before(before), "arrival time is taken on arrival")
			if c.errPart == "" {
				assert.Empty(t, last.Error)
			} else {
				assert.Contains(t, last.Error, c.errPart)
			}
		})
	}
	recs := logRecords(t, logPath)
	require.Len(t, recs, len(cases))
	assert.Equal(t, int64(42), recs[0].Incident)
	assert.Equal(t, 1, recs[0].Step)
	assert.Equal(t, []AlertRecord{{Fingerprint: "abc", Status: "firing",
		Labels: map[string]string{"alertname": "InterfaceDown", "ifname": "GE0/0/7"}}}, recs[0].Alerts)

	resp, err := http.Get(url + "/stats")
	require.NoError(t, err)
	defer resp.Body.Close()
	var st struct {
		Posts        int `json:"posts"`
		DistinctKeys int `json:"distinct_keys"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&st))
	assert.Equal(t, len(cases), st.Posts)
	assert.Equal(t, 5, st.DistinctKeys, "k1…k5; the POST without a key has none")
}

// The real Alertmanager 0.25 posts to the sink and every alert of its body is
// recorded with the fingerprint and status the benchmarks count.
func TestSinkReadsTheRealAlertmanagerPayload(t *testing.T) {
	url, logPath := startSink(t)
	am := testpeer.Alertmanager(t, url+"/am")
	alerts := `[{"labels":{"alertname":"AgentOffline","instance":"vm-1"}},{"labels":{"alertname":"AgentOffline","instance":"vm-2"}}]`
	resp, err := http.Post(am.URL+"/api/v2/alerts", "application/json", bytes.NewBufferString(alerts))
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	var recs []Record
	require.Eventually(t, func() bool {
		recs = logRecords(t, logPath)
		return len(recs) > 0
	}, 20*time.Second, 100*time.Millisecond, "Alertmanager's webhook reaches the sink")
	r := recs[0]
	require.Empty(t, r.Error)
	assert.Equal(t, "/am", r.Path)
	assert.Equal(t, "firing", r.Status)
	require.Len(t, r.Alerts, 2)
	for _, a := range r.Alerts {
		assert.Equal(t, "firing", a.Status)
		assert.Len(t, a.Fingerprint, 16, "Alertmanager fingerprints are 16 hex digits")
		assert.Equal(t, "AgentOffline", a.Labels["alertname"])
	}
	assert.NotEqual(t, r.Alerts[0].Fingerprint, r.Alerts[1].Fingerprint)
}

func FuzzParsePayload(f *testing.F) {
	f.Add([]byte(firingBody))
	f.Add([]byte(`{"version":"4","alerts":[{"status":"resolved"}]}`))
	f.Add([]byte(`{"version":"4","alerts":null,"swanwatch":null}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := parsePayload(body)
		if err != nil {
			return
		}
		require.Equal(t, "4", p.Version)
		for _, a := range p.Alerts {
			require.Contains(t, []string{"firing", "resolved"}, a.Status)
		}
	})
}
