package syslog

import (
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// peerWait is how long a real peer's lines may take to arrive (rsyslog's
// imfile polls, and everything runs beside other packages' tests).
const peerWait = 30 * time.Second

// TestRsyslogForwards sends lines through a real rsyslogd (imfile → omfwd) over
// every transport and framing, and checks each arrives once, whole, labelled.
func TestRsyslogForwards(t *testing.T) {
	c := makeCerts(t)
	cfg := local()
	cfg.TLS, cfg.CertFile, cfg.KeyFile = "127.0.0.1:0", c.Cert, c.Key
	sink := newMemSink()
	r := start(t, cfg, sink, nil)
	tls := func(driver string) *testpeer.RsyslogTLS { return &testpeer.RsyslogTLS{Driver: driver, CAFile: c.CA} }
	forwards := map[string]testpeer.RsyslogForward{
		"udp-3164":           {Target: r.UDPAddr(), Protocol: "udp"},
		"udp-5424":           {Target: r.UDPAddr(), Protocol: "udp", Template: "RSYSLOG_SyslogProtocol23Format"},
		"tcp-lf-3164":        {Target: r.TCPAddr(), Protocol: "tcp"},
		"tcp-octet-5424":     {Target: r.TCPAddr(), Protocol: "tcp", Framing: "octet-counted", Template: "RSYSLOG_SyslogProtocol23Format"},
		"tls-gtls-octet5424": {Target: r.TLSAddr(), Protocol: "tcp", Framing: "octet-counted", Template: "RSYSLOG_SyslogProtocol23Format", TLS: tls("gtls")},
		"tls-ossl-lf-3164":   {Target: r.TLSAddr(), Protocol: "tcp", TLS: tls("ossl")},
	}
	var fwd []testpeer.RsyslogForward
	for _, f := range forwards {
		fwd = append(fwd, f)
	}
	peer := testpeer.Rsyslog(t, testpeer.RsyslogSpec{Forward: fwd, Tag: "sshd[77]:", Facility: "authpriv", Severity: "warning"})
	const n = 20
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("Failed password for root from 10.9.8.%d port 22 ssh2 第%d行", i, i)
	}
	peer.Send(t, lines...)
	evs := sink.WaitFor(t, n*len(forwards), peerWait)
	time.Sleep(500 * time.Millisecond) // a duplicate would arrive now
	evs = sink.Events()
	require.Len(t, evs, n*len(forwards), "each line once per forward")
	count := map[string]int{}
	for _, ev := range evs {
		count[ev.Text]++
		assert.Equal(t, map[string]string{"source": "syslog", "instance": "core-sw-01", "district": "湖滨区",
			"site": "市政务中心", "system": "电子政务外网", "kind": "switch", "facility": "authpriv",
			"syslog_severity": "warning", "severity": "warning", "app": "sshd"}, ev.Labels, ev.Text)
		assert.WithinDuration(t, time.Now(), ev.Time, peerWait)
	}
	for _, l := range lines {
		assert.Equal(t, len(forwards), count[l], "line %q", l)
	}
}

// TestRsyslogMutualTLS: with a client CA, rsyslog's client certificate is
// required and accepted, and a sender without one is refused and counted.
func TestRsyslogMutualTLS(t *testing.T) {
	c := makeCerts(t)
	sink := newMemSink()
	r := start(t, Config{TLS: "127.0.0.1:0", CertFile: c.Cert, KeyFile: c.Key, ClientCAFile: c.CA}, sink, nil)
	before := counter(`swanwatch_syslog_rejected_total{reason="tls_handshake"}`)
	anon := testpeer.Rsyslog(t, testpeer.RsyslogSpec{Forward: []testpeer.RsyslogForward{{Target: r.TLSAddr(),
		Protocol: "tcp", Framing: "octet-counted", TLS: &testpeer.RsyslogTLS{Driver: "gtls", CAFile: c.CA}}}})
	anon.Send(t, "without a client certificate")
	require.Eventually(t, func() bool {
		return counter(`swanwatch_syslog_rejected_total{reason="tls_handshake"}`) > before
	}, peerWait, 50*time.Millisecond, "the handshake without a client certificate is refused")
	anon.Stop()
	peer := testpeer.Rsyslog(t, testpeer.RsyslogSpec{Forward: []testpeer.RsyslogForward{{Target: r.TLSAddr(),
		Protocol: "tcp", Framing: "octet-counted", Template: "RSYSLOG_SyslogProtocol23Format",
		TLS: &testpeer.RsyslogTLS{Driver: "ossl", CAFile: c.CA, CertFile: c.ClientCert, KeyFile: c.ClientKey}}}})
	peer.Send(t, "with a client certificate")
	evs := sink.WaitFor(t, 1, peerWait)
	assert.Equal(t, "with a client certificate", evs[0].Text)
	for _, ev := range sink.Events() {
		assert.NotEqual(t, "without a client certificate", ev.Text, "a refused sender's line was stored")
	}
}

// TestLogger sends with util-linux logger in both formats over UDP and TCP,
// octet-counted or not.
func TestLogger(t *testing.T) {
	bin := testpeer.LookBinary(t, "logger", "apt-get install bsdutils")
	sink := newMemSink()
	r := start(t, local(), sink, nil)
	port := func(addr string) string { return addr[strings.LastIndexByte(addr, ':')+1:] }
	cases := []struct {
		args []string
		addr string
	}{
		{[]string{"--udp", "--rfc3164"}, r.UDPAddr()},
		{[]string{"--udp", "--rfc5424"}, r.UDPAddr()},
		{[]string{"--tcp", "--rfc3164"}, r.TCPAddr()},
		{[]string{"--tcp", "--rfc5424", "--octet-count"}, r.TCPAddr()},
		{[]string{"--tcp", "--rfc5424=notq,notime", "--octet-count"}, r.TCPAddr()},
	}
	for i, c := range cases {
		msg := "logger line " + strconv.Itoa(i) + " 登录失败"
		args := append([]string{"-n", "127.0.0.1", "-P", port(c.addr), "-t", "sudo", "-p", "local7.err", "--msgid", "M" + strconv.Itoa(i)}, c.args...)
		out, err := exec.Command(bin, append(args, msg)...).CombinedOutput()
		require.NoError(t, err, "logger %v: %s", args, out)
		evs := sink.WaitFor(t, i+1, peerWait)
		ev := evs[i]
		assert.Equal(t, msg, ev.Text, "logger %v", c.args)
		assert.Equal(t, "sudo", ev.Labels["app"], "logger %v", c.args)
		assert.Equal(t, "local7", ev.Labels["facility"])
		assert.Equal(t, "err", ev.Labels["syslog_severity"])
		assert.Equal(t, "major", ev.Labels["severity"])
		assert.Equal(t, "core-sw-01", ev.Labels["instance"])
	}
}

// TestRsyslogFloodLosesNothing: rsyslog forwards a flood over TCP above the
// sender's rate (300/s: rsyslog's imfile forwards several times that even on
// a loaded machine); the connection is paced, every line arrives once, and
// another sender's lines arrive at once meanwhile.
func TestRsyslogFloodLosesNothing(t *testing.T) {
	sink := newMemSink()
	const rate, burst, n = 300, 300, 3000
	r := start(t, Config{UDP: "127.0.0.1:0", TCP: "127.0.0.1:0", RatePerSource: rate, Burst: burst}, sink, nil)
	pacedBefore := counter(`swanwatch_syslog_paced_total`)
	peer := testpeer.Rsyslog(t, testpeer.RsyslogSpec{Forward: []testpeer.RsyslogForward{{Target: r.TCPAddr(),
		Protocol: "tcp", Framing: "octet-counted", Template: "RSYSLOG_SyslogProtocol23Format"}}})
	lines := make([]string, n)
	for i := range lines {
		lines[i] = fmt.Sprintf("flood %05d", i)
	}
	began := time.Now()
	peer.Send(t, lines...)
	other, err := net.DialUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2)}, udpAddr(t, r.UDPAddr()))
	require.NoError(t, err)
	defer other.Close()
	require.Eventually(t, func() bool { return countPrefix(sink, "flood ") > burst }, peerWait, 5*time.Millisecond)
	for i := range 5 {
		line := fmt.Sprintf("other %d", i)
		_, err := fmt.Fprintf(other, "<13>%s", line)
		require.NoError(t, err)
		require.Eventually(t, func() bool { return hasText(sink, line) }, time.Second, 2*time.Millisecond,
			"the other sender's line %d waited behind the flood", i)
	}
	assert.Less(t, countPrefix(sink, "flood "), n, "the flood was still being paced while the other sender's lines came in")
	require.Eventually(t, func() bool { return countPrefix(sink, "flood ") >= n }, peerWait, 20*time.Millisecond)
	elapsed := time.Since(began)
	time.Sleep(300 * time.Millisecond)
	seen := map[string]int{}
	for _, ev := range sink.Events() {
		if strings.HasPrefix(ev.Text, "flood ") {
			seen[ev.Text]++
		}
	}
	assert.Len(t, seen, n, "every line arrived")
	for text, c := range seen {
		if c != 1 {
			t.Errorf("%q arrived %d times", text, c)
		}
	}
	assert.Greater(t, counter(`swanwatch_syslog_paced_total`)-pacedBefore, uint64(n-burst)/4, "the flood was paced, not dropped")
	assert.GreaterOrEqual(t, elapsed.Seconds(), 0.9*(n-burst)/rate, "at the sender's rate")
	t.Logf("%d lines in %s", n, elapsed.Round(time.Millisecond))
}
