package device

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/devicefake"
)

const pushToken = "push-token-0123456789abcdef"

// pushRig is a collector whose plate receiver is served over HTTP, on a
// settable clock.
type pushRig struct {
	c   *Collector
	srv *httptest.Server
	clk *clock
}

func newPushRig(t *testing.T, change ...func(*Config)) *pushRig {
	t.Helper()
	clk := newClock(time.Date(2026, 5, 1, 9, 0, 0, 0, time.Local))
	cfg := Config{PushTokenFile: secretFile(t, "token", pushToken)}
	for _, f := range change {
		f(&cfg)
	}
	cfg = cfg.WithDefaults()
	require.NoError(t, cfg.Validate())
	c, err := New(cfg, nil, WithClock(clk.now))
	require.NoError(t, err)
	srv := httptest.NewServer(c.Plates())
	t.Cleanup(srv.Close)
	return &pushRig{c: c, srv: srv, clk: clk}
}

func (r *pushRig) camera(serial string) *devicefake.PlateCamera {
	return devicefake.NewPlateCamera(r.srv.URL+"/push?token="+pushToken, serial, "10.1.2.3")
}

func plateTarget(serial string, kv ...string) collectors.Target {
	return target("lpr-north-in", "vzenith-plate", "http://10.1.2.3",
		append([]string{"serialno", serial, "gate", "北门车道", "direction_map", "4=in,3=out", "barrier_input", "0"}, kv...)...)
}

// TestPlateCounting: reads are counted per direction, a re-sent read and a
// no-plate trigger are not, and the reply acknowledges without opening.
func TestPlateCounting(t *testing.T) {
	r := newPushRig(t)
	cam := r.camera("fe71e106-57263272")
	ctx := context.Background()
	for _, d := range []int{4, 4, 3} {
		reply, err := cam.Read(ctx, "豫M12345", d)
		require.NoError(t, err)
		assert.Equal(t, "no", reply.Response.Info, "the platform does not open the barrier")
		assert.Positive(t, reply.Response.PlateID, "the reply carries the plateid")
	}
	_, err := cam.Repeat(ctx)
	require.NoError(t, err)
	_, err = cam.Read(ctx, "_无_", 4)
	require.NoError(t, err)
	rec, err := poll(t, r.c, plateTarget("fe71e106-57263272"))
	require.NoError(t, err)
	assert.Equal(t, 2.0, value(t, rec, `vehicle_passages_total{direction="in",gate="北门车道"}`))
	assert.Equal(t, 1.0, value(t, rec, `vehicle_passages_total{direction="out",gate="北门车道"}`))

	rec, err = poll(t, r.c, plateTarget("fe71e106-57263272", "direction_map", "", "direction", "in"))
	require.NoError(t, err)
	assert.Equal(t, 3.0, value(t, rec, `vehicle_passages_total{direction="in",gate="北门车道"}`), "one lane, every read in")

	rec, err = poll(t, r.c, plateTarget("", "direction_map", "", "direction", "in"))
	require.NoError(t, err, "a target without serialno finds the camera by the IP in its address")
	assert.Equal(t, 3.0, value(t, rec, `vehicle_passages_total{direction="in",gate="北门车道"}`))
}

// TestPlateOfflineResend: reads kept while the platform was away come back
// with isoffline 1, each acknowledged with ContinuePushOffline, and a
// record sent twice counts once.
func TestPlateOfflineResend(t *testing.T) {
	r := newPushRig(t)
	cam := devicefake.NewPlateCamera("http://"+closedPort(t)+"/push", "cam-2", "10.1.2.4")
	ctx := context.Background()
	for range 3 {
		_, err := cam.Read(ctx, "豫M00001", 4)
		require.Error(t, err)
	}
	require.Equal(t, 3, cam.Offline())
	cam.URL = r.srv.URL + "/push?token=" + pushToken
	n, err := cam.Resend(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	// The protocol allows a record to come twice; the platform counts it once.
	_, _ = cam.Read(ctx, "豫M00002", 4)
	_, err = cam.Repeat(ctx)
	require.NoError(t, err)
	rec, err := poll(t, r.c, plateTarget("cam-2"))
	require.NoError(t, err)
	assert.Equal(t, 4.0, value(t, rec, `vehicle_passages_total{direction="in",gate="北门车道"}`))
}

// TestPlateAuth: a push without the token, with a wrong one, or a GET is
// refused; the token works in the URL and as the basic password.
func TestPlateAuth(t *testing.T) {
	r := newPushRig(t)
	ctx := context.Background()
	for _, url := range []string{r.srv.URL + "/push", r.srv.URL + "/push?token=wrong-token-0123456789"} {
		cam := devicefake.NewPlateCamera(url, "cam-3", "10.1.2.5")
		require.Error(t, cam.Heartbeat(ctx), url)
	}
	cam := devicefake.NewPlateCamera(r.srv.URL+"/push", "cam-3", "10.1.2.5")
	cam.Client = &http.Client{Transport: basicTransport{user: "camera", pass: pushToken, next: http.DefaultTransport}}
	require.NoError(t, cam.Heartbeat(ctx))

	resp, err := http.Get(r.srv.URL + "/push?token=" + pushToken)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)

	noToken, err := New(Config{}.WithDefaults(), nil)
	require.NoError(t, err)
	srv := httptest.NewServer(noToken.Plates())
	defer srv.Close()
	require.Error(t, devicefake.NewPlateCamera(srv.URL+"/push?token="+pushToken, "c", "10.0.0.1").Heartbeat(ctx),
		"without push_token_file every push is refused")
}

// TestPlateBadPushes: garbage and an oversized body are refused with the
// reason and change nothing.
func TestPlateBadPushes(t *testing.T) {
	r := newPushRig(t, func(c *Config) { c.PushMaxBytes = 64 << 10 })
	post := func(ct string, body []byte) int {
		resp, err := http.Post(r.srv.URL+"/push?token="+pushToken, ct, bytes.NewReader(body))
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, http.StatusBadRequest, post("application/json", []byte("<html>")))
	assert.Equal(t, http.StatusBadRequest, post("application/json", []byte(`{"AlarmInfoPlate":{"result":{}}}`)))
	assert.Equal(t, http.StatusBadRequest, post("application/json", []byte(`{"AlarmInfoPlate":{"result":{"PlateResult":{"license":"x"}}}}`)),
		"a read that names no camera")
	assert.Equal(t, http.StatusRequestEntityTooLarge, post("application/json", bytes.Repeat([]byte("a"), 70<<10)))
	assert.Equal(t, http.StatusBadRequest, post("multipart/form-data; boundary=x", []byte("--x\r\nnot a part")))
	r.clk.add(2 * defaultSilence)
	_, err := poll(t, r.c, plateTarget("fe71e106-57263272"))
	require.ErrorIs(t, err, ErrSilent, "bad pushes are no sign of life")
}

// TestPlateSilence: a camera that beats is up; silent past its silence it is
// down; a camera never heard from is only down after the start's grace.
func TestPlateSilence(t *testing.T) {
	r := newPushRig(t)
	_, err := poll(t, r.c, plateTarget("cam-4"))
	require.NoError(t, err, "within the first silence after the start nobody had the time to beat")
	require.NoError(t, r.camera("cam-4").Heartbeat(context.Background()))
	r.clk.add(60 * time.Second)
	rec, err := poll(t, r.c, plateTarget("cam-4"))
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, `vehicle_passages_total{direction="in",gate="北门车道"}`), "born at 0 for increase()")
	r.clk.add(60 * time.Second)
	_, err = poll(t, r.c, plateTarget("cam-4"))
	require.ErrorIs(t, err, ErrSilent)
	_, err = poll(t, r.c, plateTarget("cam-never"))
	require.ErrorIs(t, err, ErrSilent)
	assert.Contains(t, err.Error(), "since the start")
}

// TestBarrierOpenSeconds: read → the barrier's open-position input, timed on
// the receiver's clock; the first change after a read counts.
func TestBarrierOpenSeconds(t *testing.T) {
	r := newPushRig(t)
	cam := r.camera("cam-5")
	ctx := context.Background()
	_, err := cam.Read(ctx, "豫M55555", 4)
	require.NoError(t, err)
	r.clk.add(2500 * time.Millisecond)
	require.NoError(t, cam.IOInput(ctx, 0, 1))
	r.clk.add(3 * time.Second)
	require.NoError(t, cam.IOInput(ctx, 0, 1)) // a bounce: not this read's opening
	rec, err := poll(t, r.c, plateTarget("cam-5"))
	require.NoError(t, err)
	assert.InDelta(t, 2.5, value(t, rec, `barrier_open_seconds{gate="北门车道"}`), 1e-9)

	_, err = cam.Read(ctx, "豫M66666", 4)
	require.NoError(t, err)
	r.clk.add(90 * time.Second)
	require.NoError(t, cam.IOInput(ctx, 0, 1)) // too late to be this read's
	rec, err = poll(t, r.c, plateTarget("cam-5"))
	require.NoError(t, err)
	assert.InDelta(t, 2.5, value(t, rec, `barrier_open_seconds{gate="北门车道"}`), 1e-9, "the last measure stays")

	rec, err = poll(t, r.c, plateTarget("cam-5", "barrier_input", "1"))
	require.NoError(t, err)
	_, ok := rec.Value(`barrier_open_seconds{gate="北门车道"}`)
	assert.False(t, ok, "another input was never timed")
}

// TestPlateOpenBarrier: push_open_barrier answers info "ok".
func TestPlateOpenBarrier(t *testing.T) {
	r := newPushRig(t, func(c *Config) { c.PushOpenBarrier = true })
	reply, err := r.camera("cam-6").Read(context.Background(), "豫M77777", 4)
	require.NoError(t, err)
	assert.Equal(t, "ok", reply.Response.Info)
}

// TestPlateParams: the params a plate camera needs.
func TestPlateParams(t *testing.T) {
	c := newTestCollector(t)
	for _, kv := range [][]string{{"direction_map", "", "direction", ""}, {"direction_map", "4=inward"},
		{"barrier_input", "7"}, {"silence", "2s"}, {"serialno", "", "direction", "in"}} {
		tgt := plateTarget("cam-7", kv...)
		if kv[0] == "serialno" {
			tgt.Address = ""
		}
		assert.ErrorIs(t, c.ValidateTarget(tgt), ErrConfig, "%v", kv)
	}
	assert.NoError(t, c.ValidateTarget(plateTarget("cam-7")))
}

// TestValidateTargets: check-config sees each driver's address and params.
func TestValidateTargets(t *testing.T) {
	c := newTestCollector(t)
	good := []collectors.Target{
		target("g", "hikvision-turnstile", "http://10.0.0.5", "username", "admin", "password_file", secretFile(t, "p", "x")),
		target("m", "modbus-gate-board", "10.0.0.6"),
		target("s", "broadcast-sip", "10.0.0.7"),
		target("t", "tcp-reachability", "10.0.0.8:8899"),
		target("a", "huawei-wlan-ac", "10.0.0.9", "version", "2c", "community_file", secretFile(t, "c", "ro")),
	}
	for _, tgt := range good {
		assert.NoError(t, c.ValidateTarget(tgt), tgt.Name)
	}
	bad := []collectors.Target{
		target("g", "hikvision-turnstile", "http://10.0.0.5", "username", "admin"),
		target("g", "hikvision-turnstile", "http://10.0.0.5/?x=1", "username", "admin", "password_file", secretFile(t, "p", "x")),
		target("m", "modbus-gate-board", "10.0.0.6", "unit_id", "300"),
		target("t", "tcp-reachability", "10.0.0.8"),
		target("a", "huawei-wlan-ac", "10.0.0.9", "version", "2c"),
		target("x", "nope", "10.0.0.1"),
	}
	for _, tgt := range bad {
		assert.Error(t, c.ValidateTarget(tgt), tgt.Name+" "+tgt.Address)
	}
}
