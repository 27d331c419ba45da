package bmc

import (
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

// A BMC that accepts and never answers times out by the round's deadline,
// and the other BMCs' rounds of the same collector, at the same time, are
// not held up by it.
func TestHungBMCDoesNotStallOthers(t *testing.T) {
	hung, good := startBMC(t, false), startBMC(t, false)
	hung.setHang(true)
	c := newTestCollector(t, nil)
	const hangTimeout = 5 * time.Second
	var hungErr error
	var hungTook time.Duration
	var hungDone atomic.Bool
	started := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		start := time.Now()
		close(started)
		_, hungErr = poll(t, c, bmcTarget(t, "bmc-hung", hung.URL), hangTimeout)
		hungTook = time.Since(start)
		hungDone.Store(true)
	})
	<-started
	for hung.requests.Load() == 0 { // the hung round is waiting on its BMC
		time.Sleep(5 * time.Millisecond)
	}
	for i := range 3 {
		rec, err := poll(t, c, bmcTarget(t, "bmc-good-"+string(rune('a'+i)), good.URL), hangTimeout)
		require.NoError(t, err)
		assert.Equal(t, 1.0, value(t, rec, `bmc_power_on{}`))
	}
	assert.False(t, hungDone.Load(), "the good BMCs' rounds were done while the hung one still waited")
	wg.Wait()
	require.ErrorIs(t, hungErr, ErrTimeout)
	assert.Contains(t, hungErr.Error(), "连接超时")
	assert.Less(t, hungTook, hangTimeout+500*time.Millisecond, "returned by its deadline")
}

// https: a self-signed certificate is refused (TLS证书校验失败) unless
// tls_skip_verify or a ca_file that signs it.
func TestTLS(t *testing.T) {
	f := startBMC(t, true)
	c := newTestCollector(t, nil)
	_, err := poll(t, c, bmcTarget(t, "bmc-tls", f.URL), 5*time.Second)
	require.ErrorIs(t, err, ErrTLS)
	assert.Contains(t, err.Error(), "tls_skip_verify")

	rec := mustPoll(t, c, bmcTarget(t, "bmc-skip", f.URL, ParamTLSSkipVerify, "true"))
	assert.Equal(t, 1.0, value(t, rec, `bmc_power_on{}`))

	ca := filepath.Join(t.TempDir(), "ca.pem")
	cert := f.srv.Certificate()
	require.NoError(t, os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	rec = mustPoll(t, c, bmcTarget(t, "bmc-ca", f.URL, ParamCAFile, ca))
	assert.Equal(t, 1.0, value(t, rec, `bmc_power_on{}`))

	bad := filepath.Join(t.TempDir(), "bad.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a certificate"), 0o600))
	_, err = poll(t, c, bmcTarget(t, "bmc-badca", f.URL, ParamCAFile, bad), 5*time.Second)
	require.ErrorIs(t, err, ErrParams)
}

// Not a Redfish service (a web page at /redfish/v1/) and a closed port.
func TestNotRedfishAndRefused(t *testing.T) {
	f := startBMC(t, false)
	f.set("", `<html>login</html>`)
	c := newTestCollector(t, nil)
	_, err := poll(t, c, bmcTarget(t, "bmc-html", f.URL), 5*time.Second)
	require.ErrorIs(t, err, ErrNoRoot)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	_, err = poll(t, c, bmcTarget(t, "bmc-closed", "http://"+addr), 5*time.Second)
	require.ErrorIs(t, err, ErrRefused)
}

// Params: secrets never echoed, addresses with credentials refused.
func TestTargetParams(t *testing.T) {
	tgt := bmcTarget(t, "b", "https://bmc-07.example:8443")
	require.NoError(t, ValidateTarget(tgt))
	tp, err := parseTarget(tgt)
	require.NoError(t, err)
	assert.Equal(t, "https://bmc-07.example:8443", tp.base)
	assert.NotContains(t, fmtAll(tp), testPassword)

	for name, change := range map[string]func(*collectors.Target){
		"user in address": func(t *collectors.Target) { t.Address = "https://root:" + testPassword + "@bmc" },
		"path":            func(t *collectors.Target) { t.Address = "https://bmc/ui/login" },
		"no password":     func(t *collectors.Target) { delete(t.Params, ParamPasswordFile) },
		"skip verify":     func(t *collectors.Target) { t.Params[ParamTLSSkipVerify] = "yes" },
		"relative ca":     func(t *collectors.Target) { t.Params[ParamCAFile] = "ca.pem" },
		"missing file":    func(t *collectors.Target) { t.Params[ParamPasswordFile] = "/nonexistent/pw" },
	} {
		bad := bmcTarget(t, "b", "https://bmc")
		change(&bad)
		err := ValidateTarget(bad)
		require.ErrorIs(t, err, ErrParams, name)
		assert.NotContains(t, err.Error(), testPassword, name)
	}
	ok := bmcTarget(t, "b", "https://bmc/redfish/v1")
	require.NoError(t, ValidateTarget(ok))
}

func fmtAll(v any) string { return fmtSprint(v) }

// TestContract runs the collector contract suite against the mockup; the
// silent BMC accepts connections and never answers.
func TestContract(t *testing.T) {
	f := startBMC(t, false)
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t, nil) },
		Target: func(t *testing.T) collectors.Target {
			n++
			return bmcTarget(t, "bmc-"+string(rune('a'+n)), f.URL)
		},
		Silent: func(t *testing.T) collectors.Target {
			s := startBMC(t, false)
			s.setHang(true)
			return bmcTarget(t, "bmc-silent", s.URL)
		},
	})
}

// A BMC whose every resource fails (HTTP 500) fails the round with its
// reason, rather than passing as a server without parts.
func TestEverythingFailsIsAnError(t *testing.T) {
	f := startBMC(t, false)
	for _, p := range []string{"Systems", "Chassis", "Managers"} {
		f.set(p, "")
	}
	c := newTestCollector(t, nil)
	_, err := poll(t, c, bmcTarget(t, "bmc-07", f.URL), 5*time.Second)
	require.ErrorIs(t, err, ErrDevice)
	assert.Contains(t, err.Error(), "带外管理返回错误")
}

// Close logs out of every session: a BMC has few session slots.
func TestCloseLogsOut(t *testing.T) {
	f := startBMC(t, false)
	c := New(Config{}.WithDefaults(), nil)
	mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	f.mu.Lock()
	open := len(f.tokens)
	f.mu.Unlock()
	require.Equal(t, 1, open)
	require.NoError(t, c.Close())
	f.mu.Lock()
	defer f.mu.Unlock()
	assert.Empty(t, f.tokens)
}

// At most `parallelism` requests are in flight on one BMC, however many
// members a round reads side by side.
func TestParallelismBound(t *testing.T) {
	f := startBMC(t, false)
	f.setExpand(false)
	f.mu.Lock()
	f.delay = 5 * time.Millisecond
	f.mu.Unlock()
	c := newTestCollector(t, nil, func(cfg *Config) { cfg.Parallelism = 2 })
	mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.LessOrEqual(t, f.maxIn.Load(), int64(2))
	assert.Equal(t, int64(2), f.maxIn.Load(), "the bound is used")
}

// $expand is sent only where the root advertises it.
func TestExpandOnlyWhenAdvertised(t *testing.T) {
	f := startBMC(t, false)
	f.edit(t, "", func(m map[string]any) { delete(m, "ProtocolFeaturesSupported") })
	c := newTestCollector(t, nil)
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.Zero(t, f.expands.Load())
	assert.Equal(t, 0.0, value(t, rec, h("processor", "CPU1")))

	g := startBMC(t, false)
	mustPoll(t, c, bmcTarget(t, "bmc-08", g.URL))
	assert.NotZero(t, g.expands.Load())
}

// A reply over max_body_bytes is refused (counted) and costs only its part.
func TestOversizeReply(t *testing.T) {
	f := startBMC(t, false)
	big := `{"Id":"437XR1138R2","PowerState":"On","Pad":"` + strings.Repeat("x", 70<<10) + `"}`
	f.set(sysPath, big)
	c := newTestCollector(t, nil, func(cfg *Config) { cfg.MaxBodyBytes = 64 << 10 })
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	absent(t, rec, `bmc_power_on{}`)
	assert.Equal(t, 0.0, value(t, rec, h("chassis", "1U")))
}

// Firmware that advertises $expand but answers 400 to it is read without
// it, in the same round, and not asked with it again.
func TestExpandRefused(t *testing.T) {
	f := startBMC(t, false)
	f.mu.Lock()
	f.badQuery = true
	f.mu.Unlock()
	c := newTestCollector(t, nil)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	rec := mustPoll(t, c, tgt)
	assert.Equal(t, 0.0, value(t, rec, h("processor", "CPU1")))
	assert.Equal(t, 1.0, value(t, rec, h("power_supply", "Power Supply Bay 1")))
	n := f.expands.Load()
	require.NotZero(t, n)
	rec = mustPoll(t, c, tgt)
	assert.Equal(t, n, f.expands.Load(), "no $expand after the refusal")
	assert.Equal(t, 0.0, value(t, rec, h("processor", "CPU1")))
}
