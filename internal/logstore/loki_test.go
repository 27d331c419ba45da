package logstore

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// runStore runs s.Run until the test ends.
func runStore(t *testing.T, s *Store) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { assert.NoError(t, s.Run(ctx)) })
	t.Cleanup(func() { cancel(); wg.Wait() })
}

func fastLoki(url string) *LokiOptions {
	return &LokiOptions{URL: url, BatchWait: 100 * time.Millisecond, MinBackoff: 50 * time.Millisecond,
		MaxBackoff: 400 * time.Millisecond, Timeout: waitFor, ExtraLabels: map[string]string{"source": "swanwatch"}}
}

// queryVL runs a LogsQL query and returns the matching rows.
func queryVL(t *testing.T, vl *testpeer.VictoriaLogsPeer, q string) []map[string]string {
	t.Helper()
	resp, err := http.PostForm(vl.QueryURL(), url.Values{"query": {q}})
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var rows []map[string]string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var row map[string]string
		require.NoError(t, json.Unmarshal(sc.Bytes(), &row))
		rows = append(rows, row)
	}
	require.NoError(t, sc.Err())
	return rows
}

// waitRows polls until the query returns n rows (VictoriaLogs makes lines
// searchable about a second after the push).
func waitRows(t *testing.T, vl *testpeer.VictoriaLogsPeer, q string, n int) []map[string]string {
	t.Helper()
	var rows []map[string]string
	require.Eventually(t, func() bool {
		rows = queryVL(t, vl, q)
		return len(rows) >= n
	}, waitFor, 200*time.Millisecond, "VictoriaLogs never returned %d rows for %s", n, q)
	return rows
}

func TestLokiPushToVictoriaLogs(t *testing.T) {
	vl := testpeer.VictoriaLogs(t)
	s := openTest(t, t.TempDir(), nil, fastLoki(vl.LokiPushURL()))
	runStore(t, s)
	now := time.Now()
	require.NoError(t, s.Append(context.Background(),
		ev(now.Add(-2*time.Second), "云服务器监控插件离线 vm-yima-01", "district", "义马市", "kind", "agent", "severity", "major"),
		ev(now.Add(-time.Second), "接口 GE0/0/1 中断", "district", "渑池县", "kind", "snmp"),
		ev(now, "监控插件离线 vm-yima-02", "district", "义马市", "kind", "agent", "severity", "major"),
	))
	rows := waitRows(t, vl, `{kind="agent"} *离线* | sort by (_time)`, 2)
	require.Len(t, rows, 2)
	assert.Equal(t, "云服务器监控插件离线 vm-yima-01", rows[0]["_msg"])
	assert.Equal(t, "监控插件离线 vm-yima-02", rows[1]["_msg"])
	assert.Equal(t, "义马市", rows[0]["district"])
	assert.Equal(t, "swanwatch", rows[0]["source"], "extra labels are added")
	ts, err := time.Parse(time.RFC3339Nano, rows[0]["_time"])
	require.NoError(t, err)
	assert.True(t, ts.Equal(now.Add(-2*time.Second)), "timestamp kept to the nanosecond: %s", rows[0]["_time"])
	waitRows(t, vl, `{district="渑池县"}`, 1)
	require.Eventually(t, func() bool { return s.pusher.spool.Pending() == 0 }, waitFor, 50*time.Millisecond)
}

func TestLokiReceiverDownSpoolsThenDelivers(t *testing.T) {
	vl := testpeer.VictoriaLogs(t)
	dir := t.TempDir()
	s := openTest(t, dir, nil, fastLoki(vl.LokiPushURL()))
	runStore(t, s)
	ctx := context.Background()
	require.NoError(t, s.Append(ctx, ev(time.Now(), "接收端在线", "kind", "state")))
	waitRows(t, vl, `{kind="state"}`, 1)

	vl.Stop()
	failedBefore := lokiFailedNet.Get()
	var batch []Event
	for i := range 50 {
		batch = append(batch, ev(time.Now(), "接收端停机期间的事件 "+string(rune('A'+i%26)), "kind", "state", "phase", "down"))
	}
	require.NoError(t, s.Append(ctx, batch...), "appending never waits for the receiver")
	got, err := s.Query(ctx, Query{Start: time.Now().Add(-time.Minute), End: time.Now(), Matchers: `{phase="down"}`})
	require.NoError(t, err)
	assert.Len(t, got, 50, "the store has them at once")
	require.Eventually(t, func() bool { return lokiFailedNet.Get() > failedBefore+1 }, waitFor, 20*time.Millisecond,
		"the pusher keeps retrying")
	assert.Positive(t, s.pusher.spool.Pending(), "unsent events wait in the spool")
	assert.Positive(t, spoolFileBytes(t, filepath.Join(dir, "spool")))

	vl.Restart(t)
	rows := waitRows(t, vl, `{phase="down"}`, 50)
	assert.Len(t, rows, 50, "each event arrives once")
	require.Eventually(t, func() bool { return s.pusher.spool.Pending() == 0 }, waitFor, 50*time.Millisecond)
}

func spoolFileBytes(t *testing.T, dir string) int64 {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var n int64
	for _, e := range entries {
		if info, err := e.Info(); err == nil && filepath.Ext(e.Name()) == ".seg" {
			n += info.Size()
		}
	}
	return n
}
