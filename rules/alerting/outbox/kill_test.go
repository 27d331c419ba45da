package outbox_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// The kill test's child is this test binary run again with these variables.
const (
	killEnvMode = "SWANWATCH_OUTBOX_CHILD" // "enqueue" or "drain"
	killEnvDB   = "SWANWATCH_OUTBOX_DB"
	killEnvSink = "SWANWATCH_OUTBOX_SINK"
	killEnvRun  = "SWANWATCH_OUTBOX_RUN"
	killRuns    = 20
)

// postSender is a minimal webhook: it posts the notification's ID as JSON.
type postSender struct{ url string }

func (p postSender) Send(ctx context.Context, n notice.Notification) error {
	body, _ := json.Marshal(map[string]string{"id": n.ID})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sink: status %d", resp.StatusCode)
	}
	return nil
}

// TestOutboxKill SIGKILLs a process that enqueues and delivers notifications
// at random moments, restarts it on the same database, lets it drain and then
// checks nothing was lost, nothing arrived more than twice, and every POST the
// receiver got is an attempt on the incident's timeline.
func TestOutboxKill(t *testing.T) {
	t.Cleanup(func() { goleak.VerifyNone(t) })
	var mu sync.Mutex
	arrived := map[string]int{}
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ ID string }
		if err := json.NewDecoder(io.LimitReader(r.Body, 4096)).Decode(&m); err != nil || m.ID == "" {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		time.Sleep(time.Duration(rand.IntN(3000)) * time.Microsecond) // widen the in-flight window
		mu.Lock()
		arrived[m.ID]++
		mu.Unlock()
	}))
	t.Cleanup(sink.Close)
	dbPath := filepath.Join(t.TempDir(), "state.db")
	confirmed := map[string]bool{} // Enqueue returned for these
	for run := range killRuns {
		// A child lives at least 200 ms: long enough to finish resending what the
		// previous kill interrupted. Kills closer than one delivery can repeat a
		// notification once per kill (seen once under a loaded machine with a
		// 50 ms floor: 3 arrivals); the guarantee is one repeat per interrupted send.
		for _, id := range runKillChild(t, "enqueue", dbPath, sink.URL, run, 200+rand.IntN(300)) {
			confirmed[id] = true
		}
	}
	runKillChild(t, "drain", dbPath, sink.URL, killRuns, 0)

	db, err := statestore.Open(dbPath, nil)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	stored := storedIDs(t, db)
	mu.Lock()
	defer mu.Unlock()
	lost, dups, worst := 0, 0, 0
	for id := range stored {
		lost += map[bool]int{true: 1}[arrived[id] == 0]
		dups += max(arrived[id]-1, 0)
		worst = max(worst, arrived[id])
	}
	for id := range confirmed {
		assert.True(t, stored[id], "confirmed %s is not stored", id)
	}
	t.Logf("kill test: %d kills, %d confirmed, %d stored, %d arrivals, lost %d, duplicates %d, max arrivals per id %d",
		killRuns, len(confirmed), len(stored), len(arrived), lost, dups, worst)
	assert.Greater(t, len(confirmed), killRuns, "the children enqueued too little to test anything")
	assert.Zero(t, lost)
	assert.LessOrEqual(t, worst, 2)
	assert.LessOrEqual(t, dups, killRuns*2, "at most one repeat per in-flight send (2 per channel) per kill")
	assert.Len(t, arrived, len(stored), "only stored IDs may arrive")
	assertTimelines(t, db, stored, arrived)
}

// assertTimelines checks the timeline of the children's incident: for every
// notification one attempt for every attempt its row counts, at least one for
// every POST received, numbered in order, and exactly one 已通知.
func assertTimelines(t *testing.T, db *statestore.DB, stored map[string]bool, arrived map[string]int) {
	t.Helper()
	var incID int64
	require.NoError(t, db.SQL().QueryRow(`SELECT id FROM incidents WHERE fingerprint = 'kill-test'`).Scan(&incID))
	tl, err := alerting.NewIncidents(db, nil).Timeline(context.Background(), incID)
	require.NoError(t, err)
	tried, notified := map[string]int{}, map[string]int{}
	for _, e := range tl {
		_, id, _ := strings.Cut(e.Detail, killTitle)
		switch e.Kind {
		case "notify_attempt":
			tried[id]++
			assert.Equal(t, fmt.Sprintf("第%d次发送至 webhook：%s%s", tried[id], killTitle, id), e.Detail)
		case "notified":
			notified[id]++
		}
	}
	twice := 0
	for id := range stored {
		var attempts int
		require.NoError(t, db.SQL().QueryRow(`SELECT attempts FROM outbox WHERE id = ?`, id).Scan(&attempts))
		assert.Equal(t, attempts, tried[id], "%s: the row and the timeline count the same attempts", id)
		assert.GreaterOrEqual(t, tried[id], arrived[id], "%s: every POST received is an attempt on the timeline", id)
		assert.Equal(t, 1, notified[id], "%s: one 已通知", id)
		if arrived[id] >= 2 {
			twice++
			assert.GreaterOrEqual(t, tried[id], 2, "%s: the receiver got two POSTs, the timeline shows two attempts", id)
		}
	}
	t.Logf("kill test: %d notifications arrived more than once, each with as many attempts on its timeline", twice)
}

// runKillChild starts the child; in enqueue mode it kills it after killAfterMs
// and returns the IDs the child confirmed. Drain mode waits for a clean exit.
func runKillChild(t *testing.T, mode, dbPath, sink string, run, killAfterMs int) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOutboxKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killEnvMode+"="+mode, killEnvDB+"="+dbPath, killEnvSink+"="+sink,
		fmt.Sprint(killEnvRun, "=", run))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	ids, up := make(chan []string), make(chan struct{})
	go func() { ids <- scanConfirmed(out, up) }()
	if mode == "drain" {
		timer := time.AfterFunc(2*time.Minute, func() { _ = cmd.Process.Kill() })
		defer timer.Stop()
		got := <-ids
		require.NoError(t, cmd.Wait(), "drain child: %s", stderr.String())
		return got
	}
	// Kill only once the child is up: a kill during start-up could catch the
	// rows the previous kill left in flight a second time, which is more than
	// the one duplicate per kill this test holds the outbox to.
	select {
	case <-up:
	case <-time.After(time.Minute):
	}
	time.Sleep(time.Duration(killAfterMs) * time.Millisecond)
	require.NoError(t, cmd.Process.Kill()) // SIGKILL: no deferred code runs in the child
	got := <-ids
	_ = cmd.Wait() // "signal: killed"
	return got
}

// scanConfirmed collects the child's confirmed IDs, closing up at the first.
func scanConfirmed(r io.Reader, up chan struct{}) []string {
	var ids []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if id, ok := strings.CutPrefix(sc.Text(), "enqueued "); ok {
			if ids = append(ids, id); len(ids) == 1 {
				close(up)
			}
		}
	}
	return ids
}

func storedIDs(t *testing.T, db *statestore.DB) map[string]bool {
	t.Helper()
	rows, err := db.SQL().Query(`SELECT id, state FROM outbox`)
	require.NoError(t, err)
	defer rows.Close()
	ids := map[string]bool{}
	for rows.Next() {
		var id, state string
		require.NoError(t, rows.Scan(&id, &state))
		assert.Equal(t, "sent", state, id)
		ids[id] = true
	}
	require.NoError(t, rows.Err())
	return ids
}
