package sim

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// testLogDevices lays out the senders with a small WAN (its switches) and
// the park, each with its random source, as newCityLogs does.
func testLogDevices(t *testing.T) []*logDevice {
	t.Helper()
	wan, err := newWANServer(Options{WANScale: 0.02, Seed: 1})
	require.NoError(t, err)
	devs := layoutLogDevices(2, wan, true)
	for i, d := range devs {
		d.rng = rand.New(rand.NewPCG(1, uint64(i)))
	}
	return devs
}

func byKind(devs []*logDevice, kind string) []*logDevice {
	var out []*logDevice
	for _, d := range devs {
		if d.kind == kind {
			out = append(out, d)
		}
	}
	return out
}

// TestLogLayout: three firewalls of three vendors, the WAN's Huawei core
// pair and an H3C switch, four servers, each on an address of its own.
func TestLogLayout(t *testing.T) {
	devs := testLogDevices(t)
	vendors := map[string][]string{}
	ips := map[string]string{}
	for _, d := range devs {
		vendors[d.kind] = append(vendors[d.kind], d.vendor)
		require.Empty(t, ips[d.ip], "%s and %s share %s", ips[d.ip], d.name, d.ip)
		ips[d.ip] = d.name
	}
	assert.Equal(t, []string{"huawei-usg", "h3c-secpath", "hillstone"}, vendors[kindFirewall])
	assert.Equal(t, []string{"huawei", "huawei", "h3c"}, vendors[kindSwitch])
	assert.Len(t, vendors[kindServer], 4)
	assert.Equal(t, "smx-core-01", byKind(devs, kindFirewall)[0].parent)
	assert.Equal(t, "lb-agg-01", byKind(devs, kindFirewall)[1].parent)
	assert.Equal(t, "127.32.0.1", byKind(devs, kindSwitch)[0].ip, "a switch sends from its SNMP agent's address")
}

// TestFirewallLines: the background of each firewall is permits, NAT
// translations and a few denies, every line valid RFC 3164 and classified
// as meant, with the flow's fields (and the translation's for NAT).
func TestFirewallLines(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 15, 2, 0, shanghai)
	for _, d := range byKind(testLogDevices(t), kindFirewall) {
		t.Run(d.vendor, func(t *testing.T) {
			classes := map[string]int{}
			const n = 2000
			for range n {
				l := d.fwLine(at)
				r := checkLine(t, d, l)
				classes[r.Class]++
				assert.NotEmpty(t, r.Fields["src_ip"], l.text)
				assert.NotEmpty(t, r.Fields["dst_port"], l.text)
				if r.Class == "nat" {
					assert.True(t, r.Fields["nat_src_ip"] != "" || r.Fields["nat_dst_ip"] != "", l.text)
				}
			}
			assert.InDelta(t, 0.04*n, classes["fw_deny"], 0.02*n, "%v", classes)
			assert.InDelta(t, 0.41*n, classes["fw_session"], 0.05*n, "%v", classes)
			assert.InDelta(t, 0.55*n, classes["nat"], 0.05*n, "%v", classes)
		})
	}
}

// TestDenyBurstLines: a scan's lines are denies from the one source
// against the firewall's published address, port after port.
func TestDenyBurstLines(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 15, 2, 0, shanghai)
	for _, d := range byKind(testLogDevices(t), kindFirewall) {
		ports := map[string]bool{}
		for i := range 150 {
			r := checkLine(t, d, d.scanDeny(at, "198.51.100.77", i))
			assert.Equal(t, "198.51.100.77", r.Fields["src_ip"])
			assert.Equal(t, d.fw.spec.vips[0], r.Fields["dst_ip"])
			assert.Equal(t, "deny", r.Fields["action"])
			ports[r.Fields["dst_port"]] = true
		}
		assert.Len(t, ports, 150, "%s: every probe a new port", d.name)
	}
}

// runSchedule plays a device's schedule from start for span in steps of
// 20 s (the loop ticks faster; the slots do not care) and returns every
// line of the sessions begun.
func runSchedule(d *logDevice, start time.Time, span time.Duration) []logLine {
	var out []logLine
	d.last = start
	for t := start.Add(20 * time.Second); !t.After(start.Add(span)); t = t.Add(20 * time.Second) {
		switch d.kind {
		case kindSwitch:
			d.switchSchedule(t)
		case kindServer:
			d.serverSchedule(t)
		}
		d.last = t
		out = append(out, d.due(t)...)
	}
	return append(out, d.due(start.Add(span+time.Hour))...) // a session's later lines
}

// TestSwitchAndServerSchedules: over four hours a switch logs the backup
// account's 24 logins and two configuration sessions; a server 16 operator
// sessions with sudo and 4 mistyped passwords, the SFTP server 12 stray
// guesses besides; every line valid and classified (RFC 5424 for the
// servers).
func TestSwitchAndServerSchedules(t *testing.T) {
	start := time.Date(2026, 12, 7, 8, 0, 0, 0, shanghai)
	devs := testLogDevices(t)
	for _, d := range append(byKind(devs, kindSwitch), byKind(devs, kindServer)...) {
		classes := map[string]int{}
		users := map[string]int{}
		for _, l := range runSchedule(d, start, 4*time.Hour) {
			r := checkLine(t, d, l)
			classes[r.Class]++
			users[r.Fields["user"]]++
		}
		switch d.kind {
		case kindSwitch:
			assert.Equal(t, map[string]int{"login_ok": 26, "config_change": 6}, classes, d.name)
			assert.Equal(t, 24, users["netbackup"], d.name)
		default:
			want := map[string]int{"login_ok": 20, "sudo": 16, "login_fail": 4}
			if d.role == "sftp" {
				want["login_fail"] += 12
			}
			assert.Equal(t, want, classes, d.name)
		}
	}
}

// TestBruteForceLines: 40 failures from the one source over four minutes,
// at least ten within any five.
func TestBruteForceLines(t *testing.T) {
	at := time.Date(2026, 12, 7, 3, 12, 0, 0, shanghai)
	d := byKind(testLogDevices(t), kindServer)[0]
	users := map[string]bool{}
	for i := range bruteForceLines {
		r := checkLine(t, d, d.sshGuess(at, "203.0.113.250", i))
		assert.Equal(t, "203.0.113.250", r.Fields["src_ip"])
		users[r.Fields["user"]] = true
	}
	assert.True(t, users["root"])
	assert.Greater(t, len(users), 3, "a tool tries several accounts")
	assert.GreaterOrEqual(t, bruteForceLines*int(5*time.Minute/bruteForceOver), 10)
}

// startLogSim runs a simulator with the logs only, aimed at sink, and
// returns it with its stop.
func startLogSim(t *testing.T, sink *logSink, rate float64) (*Sim, func()) {
	t.Helper()
	s, err := New(Options{VMs: 10, Seed: 1, Logs: &LogOptions{UDP: sink.udp.LocalAddr().String(),
		TCP: sink.tcp.Addr().String(), Rate: rate, SecretsDir: t.TempDir()}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	<-s.Ready()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return 10 s after its context ended")
		}
	}
	t.Cleanup(stop)
	return s, stop
}

// classifiedFrames parses every frame and classifies it, failing on a
// frame that is not valid syslog or that no profile recognises.
func classifiedFrames(t *testing.T, fs []gotFrame) []map[string]string {
	t.Helper()
	var out []map[string]string
	for _, f := range fs {
		v, err := parseFrame(f.raw)
		require.NoError(t, err, f.raw)
		r, ok := classify(v)
		require.True(t, ok, "unrecognised: %q", f.raw)
		fields := map[string]string{"class": r.Class}
		for k, x := range r.Fields {
			fields[k] = x
		}
		out = append(out, fields)
	}
	return out
}

// TestLogSending: the senders reach a receiver over UDP and TCP from their
// own addresses (the Hillstone and the servers over TCP with octet
// counting, the servers in RFC 5424); a deny burst arrives as ≥ 100 denies
// from the one source within a minute; a silenced firewall sends nothing
// until resumed; the stop leaves no goroutine behind.
func TestLogSending(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	sink := startLogSink(t)
	s, stop := startLogSim(t, sink, 40)
	usg, secpath, hill := logIP(0, 0), logIP(0, 1), logIP(0, 2)
	for _, ip := range []string{usg, secpath, hill} {
		fs := sink.waitFrom(t, ip, 10*time.Second, func(fs []gotFrame) bool { return len(fs) >= 20 })
		for _, f := range classifiedFrames(t, fs) {
			assert.Contains(t, []string{"fw_session", "nat", "fw_deny"}, f["class"])
		}
		assert.Equal(t, ip == hill, fs[0].tcp, ip)
	}

	const scanner = "198.51.100.77"
	require.NoError(t, s.DenyBurst("smx-fw-01", scanner, 120, 2*time.Second))
	denies := func(fs []gotFrame) []gotFrame {
		var out []gotFrame
		for i, f := range classifiedFrames(t, fs) {
			if f["class"] == "fw_deny" && f["src_ip"] == scanner {
				out = append(out, fs[i])
			}
		}
		return out
	}
	burst := denies(sink.waitFrom(t, usg, 20*time.Second, func(fs []gotFrame) bool { return len(denies(fs)) >= 120 }))
	assert.Less(t, burst[len(burst)-1].at.Sub(burst[0].at), time.Minute)

	require.NoError(t, s.BruteForce("bastion-smx-01", "203.0.113.250"))
	require.NoError(t, s.BruteForce("ticket-park-01", "203.0.113.251"))
	for ip, src := range map[string]string{logIP(1, 0): "203.0.113.250", logIP(1, 3): "203.0.113.251"} {
		fs := sink.waitFrom(t, ip, 10*time.Second, func(fs []gotFrame) bool { return len(fs) >= 1 })
		f := classifiedFrames(t, fs[:1])[0]
		assert.Equal(t, "login_fail", f["class"])
		assert.Equal(t, src, f["src_ip"])
		assert.True(t, strings.Contains(fs[0].raw, ">1 "), "RFC 5424: %q", fs[0].raw)
		assert.Equal(t, ip == logIP(1, 0), fs[0].tcp)
	}

	require.NoError(t, s.SilenceFirewall("lb-fw-01"))
	time.Sleep(300 * time.Millisecond) // a tick in flight
	quiet := len(sink.from(secpath))
	before := len(sink.from(usg))
	time.Sleep(1500 * time.Millisecond)
	assert.Equal(t, quiet, len(sink.from(secpath)), "a silenced firewall sends nothing")
	assert.Greater(t, len(sink.from(usg)), before+20, "the others go on")
	require.NoError(t, s.ResumeFirewall("lb-fw-01"))
	sink.waitFrom(t, secpath, 5*time.Second, func(fs []gotFrame) bool { return len(fs) > quiet+10 })

	assert.Error(t, s.DenyBurst("bastion-smx-01", scanner, 10, time.Second), "a server is no firewall")
	assert.Error(t, s.DenyBurst("smx-fw-01", "not-an-ip", 10, time.Second))
	assert.Error(t, s.SilenceFirewall("no-such-fw"))
	assert.Empty(t, sink.bad, "framing errors")
	stop()
	sink.close()
}

// TestLogOptionsRejected: a receiver off loopback, a bad port, a rate out
// of bounds or no secrets directory is refused with the reason.
func TestLogOptionsRejected(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		o    LogOptions
		want string
	}{
		{LogOptions{UDP: "192.0.2.1:514", SecretsDir: dir}, "loopback"},
		{LogOptions{TCP: "localhost:514", SecretsDir: dir}, "loopback"},
		{LogOptions{UDP: "127.0.0.1:0", SecretsDir: dir}, "port"},
		{LogOptions{TCP: "127.0.0.1", SecretsDir: dir}, "missing port"},
		{LogOptions{Rate: 5000, SecretsDir: dir}, "log rate"},
		{LogOptions{Rate: -1, SecretsDir: dir}, "log rate"},
		{LogOptions{UDP: "127.0.0.1:514"}, "SecretsDir"},
	} {
		_, err := New(Options{VMs: 10, Logs: &tc.o})
		require.Error(t, err, "%+v", tc.o)
		assert.Contains(t, err.Error(), tc.want)
	}
	s, err := New(Options{VMs: 10})
	require.NoError(t, err)
	assert.ErrorIs(t, s.DenyBurst("smx-fw-01", "198.51.100.7", 10, time.Second), errNoLogs)
	assert.Empty(t, s.LogSenders())
	s, err = New(Options{VMs: 10, Logs: &LogOptions{SecretsDir: dir}})
	require.NoError(t, err)
	assert.Error(t, s.SetSyslogTarget("10.0.0.1:514", ""))
	assert.Error(t, s.SetSyslogTarget("", "[::1]:601"), "the senders are on 127/8")
	assert.NoError(t, s.SetSyslogTarget("127.0.0.1:514", "127.0.0.1:601"))
	assert.Equal(t, []string{"smx-fw-01", "lb-fw-01", "fw-park-border"}, s.LogSenders()[kindFirewall])
	assert.Error(t, s.DenyBurst("smx-fw-01", "198.51.100.7", 0, time.Second))
	assert.Error(t, s.DenyBurst("smx-fw-01", "198.51.100.7", 10, -time.Second))
	assert.Error(t, s.BruteForce("smx-fw-01", "198.51.100.7"), "a firewall is no server")
}
