package sim

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// expectMode checks how an agent answers: 200, 503, a hang until the client's
// deadline, or a connection closed without a response.
func expectMode(t *testing.T, c *http.Client, u string, m Mode) {
	t.Helper()
	began := time.Now()
	resp, err := c.Get(u)
	if err == nil {
		resp.Body.Close()
	}
	switch m {
	case ModeUp:
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
	case Mode503:
		require.NoError(t, err)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
	case ModeHang:
		var ne net.Error
		require.ErrorAs(t, err, &ne)
		assert.True(t, ne.Timeout(), "timeout, got %v", err)
		assert.GreaterOrEqual(t, time.Since(began), 250*time.Millisecond)
	case ModeClose:
		require.Error(t, err)
		var ne net.Error
		assert.False(t, errors.As(err, &ne) && ne.Timeout(), "closed, not timed out: %v", err)
	}
}

func post(t *testing.T, c *http.Client, u string) (int, map[string]string) {
	t.Helper()
	resp, err := c.Post(u, "", nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]string
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, body
}

func TestForcedOffline(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := startSim(t, Options{VMs: 50, Seed: 1, Now: clk.Now, OfflineShare: -1})
	c := client(t, 300*time.Millisecond)
	v := s.est.vms[7]
	base, agent := "http://"+s.Addr(), "http://"+s.Addr()+"/vm/"+v.Name+"/metrics"
	expectMode(t, c, agent, ModeUp)
	for _, m := range []Mode{Mode503, ModeHang, ModeClose} {
		t.Run(m.String(), func(t *testing.T) {
			code, body := post(t, c, base+"/control/vm/"+v.Name+"/offline?mode="+m.String())
			require.Equal(t, http.StatusOK, code, body)
			expectMode(t, c, agent, m)

			var st controlState
			code, raw := get(t, c, base+"/control")
			require.Equal(t, http.StatusOK, code)
			require.NoError(t, json.Unmarshal(raw, &st))
			require.Equal(t, 1, st.OfflineCount)
			assert.Equal(t, OfflineAgent{Name: v.Name, District: v.District, Site: v.Site, Parent: v.Parent,
				Reason: ReasonForced, Mode: m.String()}, st.Offline[0])
			assert.Equal(t, map[string]string{v.Name: "offline/" + m.String()}, st.Forced)
		})
	}
	code, _ := post(t, c, base+"/control/vm/"+v.Name+"/auto")
	require.Equal(t, http.StatusOK, code)
	expectMode(t, c, agent, ModeUp)
}

// TestScheduledOffline scrapes agents that the schedule has offline, in each
// mode, then forces one online and hands it back to the schedule.
func TestScheduledOffline(t *testing.T) {
	clk := newClock(mustTime(t, "2026-11-25 10:00:00"))
	s := startSim(t, Options{Seed: 1, Now: clk.Now})
	c := client(t, 300*time.Millisecond)
	byMode := map[string]OfflineAgent{}
	for _, o := range s.Offline(clk.Now()) {
		byMode[o.Mode] = o
	}
	require.Len(t, byMode, 3, "all three failure modes at one instant in 3,000 VMs")
	for _, m := range []Mode{Mode503, ModeHang, ModeClose} {
		t.Run(m.String(), func(t *testing.T) {
			expectMode(t, c, "http://"+s.Addr()+"/vm/"+byMode[m.String()].Name+"/metrics", m)
		})
	}
	name := byMode["503"].Name
	agent := "http://" + s.Addr() + "/vm/" + name + "/metrics"
	require.NoError(t, s.Force(name, "online", ""))
	expectMode(t, c, agent, ModeUp)
	require.NoError(t, s.Force(name, "auto", ""))
	expectMode(t, c, agent, Mode503)
}

func TestControlBadRequests(t *testing.T) {
	s := startSim(t, Options{VMs: 20, Seed: 1})
	c := client(t, 5*time.Second)
	base, name := "http://"+s.Addr(), s.est.vms[0].Name
	cases := []struct {
		name, method, path string
		code               int
		counter            interface{ Get() uint64 }
	}{
		{"get on an action", http.MethodGet, "/control/vm/" + name + "/offline", 405, badMethod},
		{"upper case", http.MethodPost, "/control/vm/ZWY/offline", 400, badPath},
		{"no action", http.MethodPost, "/control/vm/" + name, 400, badPath},
		{"bad action", http.MethodPost, "/control/vm/" + name + "/reboot", 400, badPath},
		{"extra segment", http.MethodPost, "/control/vm/" + name + "/offline/x", 400, badPath},
		{"other kind", http.MethodPost, "/control/camera/x/offline", 400, badPath},
		{"unknown vm", http.MethodPost, "/control/vm/zwy-nope-app-01/offline", 404, badUnknownVM},
		{"bad mode", http.MethodPost, "/control/vm/" + name + "/offline?mode=slow", 400, badMode},
		{"unknown agent", http.MethodGet, "/vm/zwy-nope-app-01/metrics", 404, badUnknownVM},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.counter.Get()
			req, err := http.NewRequest(tc.method, base+tc.path, nil)
			require.NoError(t, err)
			resp, err := c.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tc.code, resp.StatusCode)
			assert.Equal(t, before+1, tc.counter.Get(), "counted in own metrics")
		})
	}
	for _, v := range s.est.vms {
		assert.Equal(t, forceAuto, v.forced.Load(), "bad requests changed nothing: %s", v.Name)
	}
}

// TestRunReleasesHeldRequests stops the simulator while a client without a
// deadline waits on a hanging agent: Run returns and the client gets an error.
func TestRunReleasesHeldRequests(t *testing.T) {
	s, err := New(Options{VMs: 20, Seed: 1})
	require.NoError(t, err)
	require.NoError(t, s.Start())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	require.NoError(t, s.Force(s.est.vms[0].Name, "offline", "hang"))
	c := client(t, 0)
	got := make(chan error, 1)
	go func() {
		resp, err := c.Get("http://" + s.Addr() + "/vm/" + s.est.vms[0].Name + "/metrics")
		if err == nil {
			resp.Body.Close()
		}
		got <- err
	}()
	time.Sleep(200 * time.Millisecond) // let the request reach the handler
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return with a request held")
	}
	require.Error(t, <-got)
}

func TestParseControlPath(t *testing.T) {
	for _, p := range []string{"/control/vm/zwy-bdc-app-01/offline", "/control/vm/a/online", "/control/vm/9-9/auto"} {
		name, action, err := parseControlPath(p)
		require.NoError(t, err, p)
		assert.Equal(t, p, "/control/vm/"+name+"/"+action)
	}
	for _, p := range []string{"", "/control/vm/", "/control/vm//offline", "/control/vm/a/b/offline", "/control/vm/a/",
		"/control/vm/zwy_bdc/offline", "/control/vm/" + strings.Repeat("a", 101) + "/offline", "/control/vm/资源/offline"} {
		_, _, err := parseControlPath(p)
		assert.ErrorIs(t, err, errBadControlPath, p)
	}
}

// FuzzControlPath drives the parser and the whole /control handler with any
// path: no panic, a clean answer, and a parse that round-trips.
func FuzzControlPath(f *testing.F) {
	for _, p := range []string{"/control/vm/zwy-bdc-app-01/offline", "/control/vm/x/online", "/control/vm/%zz/auto", "/control/vm/a/b/c", "/control/",
		"/control/link/smx-core-01~smx-core-02/down", "/control/link/smx-core-01~isp-ct/up", "/control/link/a~b~c/auto", "/control/link/~/down"} {
		f.Add(p, "hang")
	}
	s, err := New(Options{VMs: 20, Seed: 1, WANScale: 0.1})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, p, mode string) {
		fuzzLinkPath(t, s, p)
		name, action, err := parseControlPath(p)
		if err == nil {
			require.True(t, validName(name))
			require.Equal(t, p, "/control/vm/"+name+"/"+action)
		}
		req := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: p, RawQuery: url.Values{"mode": {mode}}.Encode()}, Header: http.Header{}}
		rec := httptest.NewRecorder()
		s.serveControlAction(rec, req.WithContext(context.Background()))
		require.Contains(t, []int{200, 400, 404}, rec.Code)
		require.Equal(t, err != nil, rec.Code == 400 && !strings.Contains(rec.Body.String(), "bad mode"), rec.Body.String())
		require.Less(t, rec.Body.Len(), 1024, "errors quote at most a short piece of the input")
	})
}

// fuzzLinkPath drives the link parser and handler with p: a parse round-trips
// into two device names, and the handler answers 400 exactly when it fails.
func fuzzLinkPath(t *testing.T, s *Sim, p string) {
	name, state, err := parseLinkPath(p)
	if err == nil {
		a, b, _ := strings.Cut(name, "~")
		require.True(t, validName(a) && validName(b))
		require.Equal(t, p, "/control/link/"+name+"/"+state)
	}
	req := &http.Request{Method: http.MethodPost, URL: &url.URL{Path: p}, Header: http.Header{}}
	rec := httptest.NewRecorder()
	s.serveLinkControl(rec, req.WithContext(context.Background()))
	require.Contains(t, []int{200, 400, 404}, rec.Code)
	require.Equal(t, err != nil, rec.Code == 400, rec.Body.String())
	require.Less(t, rec.Body.Len(), 1024, "errors quote at most a short piece of the input")
}
