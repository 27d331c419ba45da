package bigscreen

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// TestMain checks for leaked goroutines across the whole package, and
// doubles as the client process of BenchmarkHub100Screens (see benchClients).
func TestMain(m *testing.M) {
	if spec := os.Getenv(benchClientsEnv); spec != "" {
		os.Exit(benchClients(spec))
	}
	goleak.VerifyTestMain(m)
}

const testOrigin = "http://wall.test"

// waitLimit bounds how long a test waits for a frame or a state it expects:
// generous, since a loaded CI machine under -race is slow; it only decides
// how long a broken hub takes to fail.
const waitLimit = 30 * time.Second

// testScreens are the configured screens of the tests: a wall rotating two
// scenes and a lobby showing one.
func testScreens(name string) (ScreenConfig, bool) {
	switch name {
	case "wall":
		return ScreenConfig{Name: "wall", Playlist: []string{"city", "wan"}, Dwell: 30 * time.Second,
			Fit: "width", Columns: 2, StaleAfter: time.Minute}, true
	case "lobby":
		return ScreenConfig{Name: "lobby", Playlist: []string{"city"}, Dwell: time.Minute, Fit: "height"}, true
	}
	return ScreenConfig{}, false
}

type testHub struct {
	*Hub
	url  string
	stop func() error // ends Run and returns its error
}

// startHub runs a hub behind an httptest server; mod adjusts the options.
func startHub(t testing.TB, mod func(*HubOptions)) *testHub {
	t.Helper()
	opts := HubOptions{
		Screens:     testScreens,
		CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == testOrigin },
		// Quick enough for tests waiting on a heartbeat (quiet), slow enough
		// that a screen the test does not read for a moment on a loaded
		// machine is not closed as dead (3 heartbeats without a pong).
		Heartbeat: 500 * time.Millisecond,
	}
	if mod != nil {
		mod(&opts)
	}
	h := NewHub(opts)
	srv := httptest.NewServer(h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.Run(ctx) }()
	stopped := false
	th := &testHub{Hub: h, url: "ws" + strings.TrimPrefix(srv.URL, "http")}
	th.stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		return <-done
	}
	t.Cleanup(func() {
		require.NoError(t, th.stop())
		srv.Close()
	})
	return th
}

// sceneDef is a scene of n KPI panels p0…p(n-1).
func sceneDef(id string, n int) *scene.Def {
	d := &scene.Def{ID: id, Title: "全市总览"}
	for i := range n {
		d.Panels = append(d.Panels, scene.Panel{ID: fmt.Sprintf("p%d", i), Title: "插件在线率", Type: scene.PanelKPI,
			Grid: scene.Grid{X: i % 6 * 4, Y: i / 6 * 3, W: 4, H: 3}, Format: "percent"})
	}
	return d
}

// kpis returns panel data for p0…p(n-1) with value base+i.
func kpis(n int, base float64) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, n)
	for i := range n {
		v := base + float64(i)
		out[fmt.Sprintf("p%d", i)] = mustJSON(scene.KPIData{Value: &v, State: "ok"})
	}
	return out
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

type wsClient struct {
	t  testing.TB
	ws *websocket.Conn
}

// dial opens a socket with the allowed Origin; the caller sends the hello.
func dial(t testing.TB, url string) *wsClient {
	t.Helper()
	ws, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {testOrigin}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	t.Cleanup(func() { _ = ws.Close() })
	return &wsClient{t: t, ws: ws}
}

// join dials and says hello as screen, optionally with last seqs and pins.
func join(t testing.TB, url, screen string, last map[string]uint64, pinned ...string) *wsClient {
	t.Helper()
	c := dial(t, url)
	c.send(ClientMessage{Type: ClientHello, Screen: screen, LastSeq: last, Scenes: pinned})
	m := c.next()
	require.Equal(t, MsgScreen, m.Type)
	require.Equal(t, screen, m.Screen.Name)
	return c
}

func (c *wsClient) send(v any) {
	c.t.Helper()
	require.NoError(c.t, c.ws.WriteJSON(v))
}

// next returns the next frame that is not a heartbeat.
func (c *wsClient) next() Message {
	c.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for time.Now().Before(deadline) {
		m := c.nextAny()
		if m.Type != MsgHeartbeat {
			return m
		}
	}
	require.FailNow(c.t, "only heartbeats for "+waitLimit.String())
	return Message{}
}

func (c *wsClient) nextAny() Message {
	c.t.Helper()
	require.NoError(c.t, c.ws.SetReadDeadline(time.Now().Add(waitLimit)))
	var m Message
	require.NoError(c.t, c.ws.ReadJSON(&m))
	return m
}

// quiet asserts that no data frame was queued before a heartbeat the hub
// built after since (frames keep their order in a screen's queue).
func (c *wsClient) quiet(since time.Time) {
	c.t.Helper()
	for {
		m := c.nextAny()
		if m.Type == MsgHeartbeat && !m.At.Before(since) {
			return
		}
		require.Equal(c.t, MsgHeartbeat, m.Type, "unexpected frame %+v", m)
	}
}

// closed reads to the end: the error frame's reason and the close code.
func (c *wsClient) closed() (reason string, code int) {
	c.t.Helper()
	require.NoError(c.t, c.ws.SetReadDeadline(time.Now().Add(waitLimit)))
	for {
		var m Message
		err := c.ws.ReadJSON(&m)
		var ce *websocket.CloseError
		if err != nil {
			require.ErrorAs(c.t, err, &ce, "want a close frame")
			return reason, ce.Code
		}
		if m.Type == MsgError {
			reason = m.Reason
		}
	}
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }
