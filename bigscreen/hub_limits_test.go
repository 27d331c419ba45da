package bigscreen

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHubBadFrames(t *testing.T) {
	hello := `{"type":"hello","screen":"lobby"}`
	cases := []struct {
		name   string
		frames []string // text frames, in order; "" is a binary frame
		kind   string   // bad_frames_total kind, "" when it is a refused hello
		reason string
		code   int
	}{
		{"oversized", []string{hello, `{"type":"resync","x":"` + strings.Repeat("a", 8<<10) + `"}`},
			"oversized", "消息过大", websocket.CloseMessageTooBig},
		{"malformed", []string{hello, `{"type":`}, "malformed", "消息格式错误", websocket.CloseInvalidFramePayloadData},
		{"unknown type", []string{hello, `{"type":"reboot"}`}, "unknown_type", "未知的消息类型",
			websocket.CloseUnsupportedData},
		{"binary", []string{hello, ""}, "binary", "不支持二进制消息", websocket.CloseUnsupportedData},
		{"second hello", []string{hello, hello}, "unexpected", "不应出现的消息", websocket.ClosePolicyViolation},
		{"resync before hello", []string{`{"type":"resync"}`}, "unexpected", "未收到握手消息",
			websocket.ClosePolicyViolation},
		{"too many pinned scenes", []string{`{"type":"hello","screen":"lobby","scenes":["a","b","c","d","e","f","g","h","i"]}`},
			"bad_scenes", "场景参数错误", websocket.ClosePolicyViolation},
		{"bad scene id", []string{`{"type":"hello","screen":"lobby","scenes":["../x"]}`}, "bad_scenes",
			"场景参数错误", websocket.ClosePolicyViolation},
		{"unknown screen", []string{`{"type":"hello","screen":"nowhere"}`}, "", "未配置的大屏",
			websocket.ClosePolicyViolation},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := startHub(t, nil)
			h.Publish(sceneDef("city", 2), kpis(2, 0), t0)
			other := join(t, h.url, "lobby", nil)
			other.next()
			badName := `swanwatch_bigscreen_bad_frames_total{kind="` + tc.kind + `"}`
			bad, refused := counter(badName), counter(`swanwatch_bigscreen_connects_total{result="bad_hello"}`)

			c := dial(t, h.url)
			for _, f := range tc.frames {
				mt, data := websocket.TextMessage, []byte(f)
				if f == "" {
					mt, data = websocket.BinaryMessage, []byte{1, 2, 3}
				}
				require.NoError(t, c.ws.WriteMessage(mt, data))
			}
			reason, code := c.closed()
			assert.Equal(t, tc.reason, reason)
			assert.Equal(t, tc.code, code)
			if tc.kind != "" {
				assert.Equal(t, bad+1, counter(badName))
			}
			if tc.frames[0] != hello {
				assert.Equal(t, refused+1, counter(`swanwatch_bigscreen_connects_total{result="bad_hello"}`))
			}
			h.Publish(sceneDef("city", 2), kpis(2, 5), t0)
			assert.Equal(t, MsgDelta, other.next().Type, "the other screen goes on")
		})
	}
}

func TestHubHelloTimeout(t *testing.T) {
	h := startHub(t, func(o *HubOptions) { o.HelloTimeout = 100 * time.Millisecond })
	before := counter(`swanwatch_bigscreen_connects_total{result="bad_hello"}`)
	c := dial(t, h.url)
	reason, code := c.closed()
	assert.Equal(t, "未收到握手消息", reason)
	assert.Equal(t, websocket.ClosePolicyViolation, code)
	assert.Equal(t, before+1, counter(`swanwatch_bigscreen_connects_total{result="bad_hello"}`))
}

func TestHubRefusedBeforeUpgrade(t *testing.T) {
	errDenied := errors.New("no screen token")
	cases := []struct {
		name   string
		origin string
		auth   error
		status int
		result string
	}{
		{"wrong origin", "http://evil.test", nil, http.StatusForbidden, "bad_origin"},
		{"no origin header", "", nil, http.StatusForbidden, "bad_origin"},
		{"unauthorized", testOrigin, errDenied, http.StatusUnauthorized, "unauthorized"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := startHub(t, func(o *HubOptions) {
				o.Authorize = func(*http.Request) error { return tc.auth }
			})
			name := `swanwatch_bigscreen_connects_total{result="` + tc.result + `"}`
			before := counter(name)
			hdr := http.Header{}
			if tc.origin != "" {
				hdr.Set("Origin", tc.origin)
			}
			_, resp, err := websocket.DefaultDialer.Dial(h.url, hdr)
			require.ErrorIs(t, err, websocket.ErrBadHandshake)
			_ = resp.Body.Close()
			assert.Equal(t, tc.status, resp.StatusCode)
			assert.Equal(t, before+1, counter(name))
			assert.Zero(t, h.Stats().Screens)
		})
	}
}

func TestHubMaxConns(t *testing.T) {
	h := startHub(t, func(o *HubOptions) { o.MaxConns = 2 })
	join(t, h.url, "lobby", nil)
	join(t, h.url, "wall", nil)
	before := counter(`swanwatch_bigscreen_connects_total{result="too_many"}`)
	_, resp, err := websocket.DefaultDialer.Dial(h.url, http.Header{"Origin": {testOrigin}})
	require.ErrorIs(t, err, websocket.ErrBadHandshake)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	assert.Equal(t, before+1, counter(`swanwatch_bigscreen_connects_total{result="too_many"}`))
}

func TestHubRevalidate(t *testing.T) {
	var revokedTok atomic.Bool
	var newChecks atomic.Int64 // revalidations of the screen that stays
	h := startHub(t, func(o *HubOptions) {
		// 200 ms, not less: a screen whose pong is 3 heartbeats late is
		// closed as dead, and a loaded CI machine (load 20 on 2 cores) held
		// the kept screen's reader back past 150 ms.
		o.Heartbeat = 200 * time.Millisecond
		o.Revalidate = func(r *http.Request) error {
			if r.URL.Query().Get("t") == "new" {
				newChecks.Add(1)
			}
			if revokedTok.Load() && r.URL.Query().Get("t") == "old" {
				return errors.New("screen token revoked")
			}
			return nil
		}
	})
	before := counter(`swanwatch_bigscreen_revoked_total`)
	kept := join(t, h.url+"?t=new", "lobby", nil)
	gone := join(t, h.url+"?t=old", "lobby", nil)
	gone.quiet(time.Now()) // revalidated at least once while still valid
	// The kept screen reads on (and so answers pings) while the test waits
	// for the other one, as a page does.
	keptErr := make(chan error, 1)
	go func() {
		for {
			if _, _, err := kept.ws.ReadMessage(); err != nil {
				keptErr <- err
				return
			}
		}
	}()
	revokedTok.Store(true)
	reason, code := gone.closed()
	assert.Equal(t, "令牌已吊销", reason)
	assert.Equal(t, websocket.ClosePolicyViolation, code)
	assert.Equal(t, before+1, counter(`swanwatch_bigscreen_revoked_total`))
	checked := newChecks.Load()
	require.Eventually(t, func() bool { return newChecks.Load() >= checked+3 || len(keptErr) > 0 }, waitLimit,
		10*time.Millisecond, "the kept screen is revalidated on")
	select {
	case err := <-keptErr:
		t.Fatalf("the screen with a valid token was closed: %v", err)
	default:
	}
	assert.Equal(t, 1, h.Stats().Screens)
}

func TestHubShutdown(t *testing.T) {
	h := startHub(t, nil)
	c := join(t, h.url, "lobby", nil)
	done := make(chan error, 1)
	go func() { done <- h.stop() }()
	reason, code := c.closed()
	assert.Equal(t, websocket.CloseGoingAway, code)
	assert.Equal(t, "服务正在重启或停止", reason)
	require.NoError(t, <-done)
	assert.Zero(t, h.Stats().Screens)
}

// A screen that never reads is dropped while another screen receives every
// delta, each before the next Publish; Publish itself never waits.
func TestHubSlowScreenDropped(t *testing.T) {
	h := startHub(t, func(o *HubOptions) {
		o.Heartbeat = 10 * time.Second // the stalled screen must be dropped as slow, not timed out as dead
		o.SendBuffer = 16
		o.WriteTimeout = 300 * time.Millisecond
	})
	def := sceneDef("city", 2)
	big := strings.Repeat("x", 64<<10)
	h.Publish(def, kpis(2, 0), t0)
	good := join(t, h.url, "lobby", nil)
	seq := good.next().Seq
	slow := stalledScreen(t, h.url)
	require.Eventually(t, func() bool { return h.Stats().Screens == 2 }, waitLimit, 10*time.Millisecond)
	before := counter(`swanwatch_bigscreen_dropped_total{reason="queue_full"}`) +
		counter(`swanwatch_bigscreen_dropped_total{reason="write_timeout"}`)

	for i := 0; h.Stats().Dropped == 0; i++ {
		require.Less(t, i, 2000, "the stalled screen was never dropped")
		h.Publish(def, map[string]json.RawMessage{"p0": mustJSON(fmt.Sprint(i, big)), "p1": mustJSON(i)}, t0)
		m := good.next()
		seq++
		require.Equal(t, seq, m.Seq, "the good screen misses nothing")
	}
	assert.Equal(t, before+1, counter(`swanwatch_bigscreen_dropped_total{reason="queue_full"}`)+
		counter(`swanwatch_bigscreen_dropped_total{reason="write_timeout"}`))
	require.Eventually(t, func() bool { return h.Stats().Screens == 1 }, waitLimit, 10*time.Millisecond)
	h.Publish(def, kpis(2, 7), t0)
	assert.Equal(t, seq+1, good.next().Seq)
	_ = slow // kept open and unread until the end
}

// stalledScreen says hello and then never reads, with a tiny receive buffer.
func stalledScreen(t *testing.T, url string) *websocket.Conn {
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err == nil {
			err = c.(*net.TCPConn).SetReadBuffer(4096)
		}
		return c, err
	}}
	ws, resp, err := d.Dial(url, http.Header{"Origin": {testOrigin}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	t.Cleanup(func() { _ = ws.Close() })
	require.NoError(t, ws.WriteJSON(ClientMessage{Type: ClientHello, Screen: "lobby"}))
	return ws
}

// 1,000 connection attempts in about a second: most are refused before the
// upgrade, and a screen already on the wall receives every delta meanwhile.
func TestHubConnectStorm(t *testing.T) {
	// Default limit: 50/s, burst 100. A long heartbeat: starved of CPU by
	// the storm, the good screen may answer a ping late, which must not
	// count as dead here (TestHubDeadScreenTimedOut tests that).
	h := startHub(t, func(o *HubOptions) { o.Heartbeat = 10 * time.Second })
	def := sceneDef("city", 20)
	h.Publish(def, kpis(20, 0), t0)
	c := join(t, h.url, "lobby", nil)
	seq := c.next().Seq
	limitedBefore := counter(`swanwatch_bigscreen_connects_total{result="rate_limited"}`)

	var limited, upgraded atomic.Int64
	storm := make(chan struct{})
	go func() {
		defer close(storm)
		attempt(h.url, 1000, 16, &limited, &upgraded)
	}()
	for i := 0; ; i++ {
		select {
		case <-storm:
			t.Logf("storm: %d refused rate_limited, %d upgraded, %d deltas meanwhile", limited.Load(),
				upgraded.Load(), i)
			assert.Greater(t, limited.Load(), int64(700))
			assert.Equal(t, int64(1000), limited.Load()+upgraded.Load())
			assert.Equal(t, limitedBefore+uint64(limited.Load()),
				counter(`swanwatch_bigscreen_connects_total{result="rate_limited"}`))
			return
		default:
		}
		h.Publish(def, kpis(20, float64(i+1)), t0)
		seq++
		require.Equal(t, seq, c.next().Seq)
	}
}

// attempt makes n upgrade attempts from workers goroutines, closing the
// ones that succeed at once.
func attempt(url string, n, workers int, limited, upgraded *atomic.Int64) {
	var wg sync.WaitGroup
	jobs := make(chan struct{})
	for range workers {
		wg.Go(func() {
			for range jobs {
				ws, resp, err := websocket.DefaultDialer.Dial(url, http.Header{"Origin": {testOrigin}})
				if resp != nil && resp.StatusCode == http.StatusTooManyRequests {
					limited.Add(1)
				}
				if err == nil {
					upgraded.Add(1)
					_ = ws.Close()
				}
				if resp != nil {
					_ = resp.Body.Close()
				}
			}
		})
	}
	for range n {
		jobs <- struct{}{}
	}
	close(jobs)
	wg.Wait()
}

// A screen that answers no ping for three heartbeats is closed as dead; it
// does not count as a slow screen.
func TestHubDeadScreenTimedOut(t *testing.T) {
	h := startHub(t, func(o *HubOptions) { o.Heartbeat = 50 * time.Millisecond })
	stalledScreen(t, h.url)
	require.Eventually(t, func() bool { return h.Stats().Screens == 1 }, waitLimit, 5*time.Millisecond)
	require.Eventually(t, func() bool { return h.Stats().Screens == 0 }, waitLimit, 10*time.Millisecond)
	assert.Zero(t, h.Stats().Dropped)
}
