package sim

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/bmc"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

// bmcEvents keeps what the collector hands to its event sink.
type bmcEvents struct {
	mu  sync.Mutex
	evs []collectors.Event
}

func (e *bmcEvents) AppendEvents(_ context.Context, evs []collectors.Event) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.evs = append(e.evs, evs...)
	return nil
}

func (e *bmcEvents) take() []collectors.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := e.evs
	e.evs = nil
	return out
}

// bmcCollector is the real collector with its defaults.
func bmcCollector(t *testing.T, sink collectors.EventSink, now func() time.Time) *bmc.Collector {
	cfg := bmc.Config{}.WithDefaults()
	require.NoError(t, cfg.Validate())
	opts := []bmc.Option{bmc.WithClock(now)}
	if sink != nil {
		opts = append(opts, bmc.WithEvents(sink))
	}
	c := bmc.New(cfg, nil, opts...)
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func bmcTargets(s *Sim) []ExportTarget {
	var out []ExportTarget
	for _, tg := range s.Inventory().Targets {
		if tg.Kind == "bmc" {
			out = append(out, tg)
		}
	}
	return out
}

func asTarget(r ExportTarget) collectors.Target {
	labels := map[string]string{"district": r.District, "site": r.Site, "system": r.System}
	for k, v := range r.Labels {
		labels[k] = v
	}
	return collectors.Target{Kind: r.Kind, Name: r.Name, Address: r.Address, Labels: labels, Params: r.Params}
}

func bmcRound(t *testing.T, c *bmc.Collector, tg collectors.Target) *collectortest.Recorder {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec := collectortest.NewRecorder(tg)
	err := c.Collect(ctx, tg, rec.Emit)
	rec.Close()
	require.NoError(t, err, tg.Name)
	require.Empty(t, rec.Problems(), tg.Name)
	return rec
}

// names are the metric names a round recorded.
func names(rec *collectortest.Recorder) map[string]bool {
	out := map[string]bool{}
	for _, k := range rec.Series() {
		n, _, _ := strings.Cut(k, "{")
		out[n] = true
	}
	return out
}

// The simulated BMCs of a 20-VM estate, one simulator for all (it takes
// seconds to start).
func TestBMCs(t *testing.T) {
	s, _, _ := startCloudSim(t, 20)
	t.Run("export", func(t *testing.T) { testBMCExportOnePerHost(t, s) })
	t.Run("contract", func(t *testing.T) { testBMCServesTheContract(t, s) })
	t.Run("fail_psu", func(t *testing.T) { testBMCFailPSUAndWrongPassword(t, s) })
	t.Run("sessions", func(t *testing.T) { testBMCSessions(t, s) })
}

// DSP0266's access rules as a client meets them: the root open, the rest
// behind a session token or Basic; a deleted session is gone; the
// certificate is the BMC's own, for its address.
func testBMCSessions(t *testing.T, s *Sim) {
	tg := bmcTargets(s)[0]
	pw, err := os.ReadFile(tg.Params["password_file"])
	require.NoError(t, err)
	tr := &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}} // #nosec G402 -- the BMC's self-signed certificate
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	do := func(method, path, token string, basic bool, body string) *http.Response {
		req, err := http.NewRequest(method, tg.Address+path, strings.NewReader(body))
		require.NoError(t, err)
		if token != "" {
			req.Header.Set("X-Auth-Token", token)
		}
		if basic {
			req.SetBasicAuth(bmcUser, strings.TrimSpace(string(pw)))
		}
		resp, err := hc.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
		return resp
	}
	assert.Equal(t, http.StatusOK, do("GET", "/redfish/v1/", "", false, "").StatusCode)
	resp := do("GET", "/redfish/v1/Systems/1", "", false, "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.NotNil(t, resp.TLS)
	cert := resp.TLS.PeerCertificates[0]
	assert.Equal(t, tg.Name, cert.Subject.CommonName)
	assert.Equal(t, http.StatusOK, do("GET", "/redfish/v1/Systems/1", "", true, "").StatusCode, "Basic")
	login := do("POST", "/redfish/v1/SessionService/Sessions", "", false,
		`{"UserName":"`+bmcUser+`","Password":"`+strings.TrimSpace(string(pw))+`"}`)
	require.Equal(t, http.StatusCreated, login.StatusCode)
	token, loc := login.Header.Get("X-Auth-Token"), login.Header.Get("Location")
	require.NotEmpty(t, token)
	assert.Equal(t, http.StatusOK, do("GET", "/redfish/v1/Chassis/1", token, false, "").StatusCode)
	assert.Equal(t, http.StatusNoContent, do("DELETE", loc, token, false, "").StatusCode)
	assert.Equal(t, http.StatusUnauthorized, do("GET", "/redfish/v1/Chassis/1", token, false, "").StatusCode, "logged out")
	assert.Equal(t, http.StatusUnauthorized, do("POST", "/redfish/v1/SessionService/Sessions", "", false,
		`{"UserName":"`+bmcUser+`","Password":"wrong"}`).StatusCode)
}

// The export lists one bmc target per hypervisor host, on its own 127.33
// address over https, with the contract's params and labels.
func testBMCExportOnePerHost(t *testing.T, s *Sim) {
	hosts := map[string]bool{}
	for _, v := range s.est.vms {
		hosts[v.Parent] = true
	}
	tgs := bmcTargets(s)
	require.Len(t, tgs, len(hosts))
	addrs := map[string]bool{}
	for _, tg := range tgs {
		server := tg.Labels["server"]
		assert.True(t, hosts[server], "%s names a host of the estate", tg.Name)
		assert.Equal(t, "bmc-"+server, tg.Name)
		assert.NoError(t, bmc.ValidateTarget(asTarget(tg)), "the collector takes %s", tg.Name)
		assert.NotEmpty(t, tg.Labels["rack"])
		assert.Equal(t, "机房基础设施", tg.System)
		assert.NotEmpty(t, tg.Site)
		assert.Equal(t, "true", tg.Params["tls_skip_verify"])
		assert.Equal(t, bmcUser, tg.Params["username"])
		u, err := url.Parse(tg.Address)
		require.NoError(t, err)
		assert.Equal(t, "https", u.Scheme)
		assert.True(t, strings.HasPrefix(u.Hostname(), "127.33."), tg.Address)
		addrs[u.Host] = true
		pw, err := os.ReadFile(tg.Params["password_file"])
		require.NoError(t, err)
		assert.NotEmpty(t, strings.TrimSpace(string(pw)))
	}
	assert.Len(t, addrs, len(tgs), "one address per BMC")
}

// Every series of docs/cloud.md's bmc table comes from a simulated BMC
// through the real collector, for the legacy Thermal/Power firmware and
// the new ThermalSubsystem/PowerSubsystem one alike.
func testBMCServesTheContract(t *testing.T, s *Sim) {
	c := bmcCollector(t, nil, time.Now)
	models := map[bool]bool{}
	for _, tg := range bmcTargets(s) {
		b := s.cloud.bmcs.byHost[tg.Labels["server"]]
		if models[b.vendor.NewModel] {
			continue
		}
		models[b.vendor.NewModel] = true
		rec := bmcRound(t, c, asTarget(tg))
		got := names(rec)
		want := []string{"bmc_health", "bmc_health_rollup", "bmc_power_on", "bmc_temperature_celsius",
			"bmc_temperature_upper_critical_celsius", "bmc_fan_speed_rpm", "bmc_psu_input_watts",
			"bmc_memory_correctable_errors", "bmc_memory_uncorrectable_errors", "bmc_drive_predicted_failure",
			"bmc_drive_life_left_ratio"}
		if b.vendor.NewModel {
			want = append(want, "bmc_fan_speed_ratio") // the legacy Thermal gives RPM only
		}
		for _, n := range want {
			assert.True(t, got[n], "%s (new model %t) lacks %s; has %v", tg.Name, b.vendor.NewModel, n, rec.Series())
		}
		for _, comp := range []string{"system", "chassis", "processor", "memory", "drive", "storage", "power_supply", "fan", "temperature"} {
			found := false
			for _, k := range rec.Series() {
				found = found || strings.HasPrefix(k, `bmc_health{component="`+comp+`"`)
			}
			assert.True(t, found, "%s: no bmc_health of %s", tg.Name, comp)
		}
		v, _ := rec.Value(`bmc_power_on{}`)
		assert.Equal(t, 1.0, v)
		v, ok := rec.Value(`bmc_health{component="power_supply",id="PSU2"}`)
		assert.True(t, ok && v == 0, "PSU2 healthy before FailPSU")
		dimms := 0
		for _, k := range rec.Series() {
			if strings.HasPrefix(k, "bmc_memory_correctable_errors{") {
				dimms++
			}
		}
		assert.True(t, dimms >= 8 && dimms <= 16, "%d DIMMs", dimms)
	}
	assert.Len(t, models, 2, "both models are served")
}

// FailPSU shows in the next round: the supply Critical, the rollup
// Critical, and the BMC's log entry as a Critical event; a wrong password
// is refused.
func testBMCFailPSUAndWrongPassword(t *testing.T, s *Sim) {
	ev := &bmcEvents{}
	c := bmcCollector(t, ev, time.Now)
	tgs := bmcTargets(s)
	sort.Slice(tgs, func(a, b int) bool { return tgs[a].Name < tgs[b].Name })
	for _, tg := range tgs[:2] { // one of each model
		host := tg.Labels["server"]
		target := asTarget(tg)
		bmcRound(t, c, target) // learns the log
		require.NoError(t, s.FailPSU(host))
		rec := bmcRound(t, c, target)
		v, _ := rec.Value(`bmc_health{component="power_supply",id="PSU2"}`)
		assert.Equal(t, 2.0, v, host)
		v, _ = rec.Value(`bmc_health_rollup{}`)
		assert.Equal(t, 2.0, v, host)
		v, _ = rec.Value(`bmc_psu_input_watts{psu="PSU2"}`)
		assert.Zero(t, v, host)
		var critical []collectors.Event
		for _, e := range ev.take() {
			if e.Labels["severity"] == "Critical" && e.Labels["event"] == "" {
				critical = append(critical, e)
			}
		}
		require.Len(t, critical, 1, host)
		assert.Equal(t, "Power Supply / Converter", critical[0].Labels["sensor_type"])
		assert.Contains(t, critical[0].Text, "PSU2")
		require.NoError(t, s.RestorePSU(host))
		rec = bmcRound(t, c, target)
		v, _ = rec.Value(`bmc_health{component="power_supply",id="PSU2"}`)
		assert.Zero(t, v, host)
	}
	require.Error(t, s.FailPSU("no-such-host"))

	wrong := asTarget(tgs[0])
	wrong.Name = "bmc-wrong"
	wrong.Params = map[string]string{"username": bmcUser, "password_file": writeSecret(t, "not-the-password"),
		"tls_skip_verify": "true"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := c.Collect(ctx, wrong, collectortest.NewRecorder(wrong).Emit)
	require.ErrorIs(t, err, bmc.ErrAuth)
}

func writeSecret(t *testing.T, v string) string {
	p := t.TempDir() + "/pw"
	require.NoError(t, os.WriteFile(p, []byte(v+"\n"), 0o600))
	return p
}

// The scheduled faults: one DIMM's correctable errors rise over an hour
// (past the hardware pack's 10 an hour) and it turns Warning at the BMC's
// limit; one drive predicts its failure from 3 minutes on; nothing else.
func TestBMCScheduledFaults(t *testing.T) {
	est := buildEstate(60, 7)
	f, err := newBMCFleet(est, t.TempDir())
	require.NoError(t, err)
	start := 1.8e9
	f.now, f.start = func() float64 { return start }, start
	require.NotEqual(t, f.ecc, f.drive, "the faults are on two servers")

	at := func(b *bmcServer, mins float64) bmcReading { return b.reading(start + mins*60) }
	before := at(f.ecc, 1)
	assert.Equal(t, -1, before.dimmWarn)
	assert.Less(t, before.ecc[eccDIMM], 4.0, "small before the story")
	prev := 0.0
	for m := 3.0; m <= 62; m += 5 {
		n := at(f.ecc, m).ecc[eccDIMM]
		assert.Greater(t, n, prev, "rising at minute %g", m)
		prev = n
	}
	assert.Greater(t, at(f.ecc, 62).ecc[eccDIMM]-at(f.ecc, 2).ecc[eccDIMM], 10.0, "more than 10 within the hour")
	assert.Equal(t, at(f.ecc, 70).ecc[eccDIMM], at(f.ecc, 90).ecc[eccDIMM], "flat after the hour")
	late := at(f.ecc, 30)
	assert.Equal(t, eccDIMM, late.dimmWarn)
	assert.Equal(t, "Warning", late.worstHealth)
	assert.Contains(t, late.entries[len(late.entries)-1].message, "Correctable ECC")
	for _, b := range f.servers {
		if b == f.ecc {
			continue
		}
		for i, n := range at(b, 30).ecc {
			assert.Less(t, n, 4.0, "%s DIMM %d stays small", b.host, i)
		}
	}

	assert.Equal(t, -1, at(f.drive, 2).drivePred)
	r := at(f.drive, 4)
	assert.Equal(t, f.drive.drives-1, r.drivePred)
	assert.Equal(t, "Warning", r.worstHealth)
	for _, b := range f.servers {
		if b != f.ecc && b != f.drive {
			assert.Equal(t, "OK", at(b, 30).worstHealth, b.host)
		}
	}
}
