package device

import (
	_ "embed"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/devicefake"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

//go:embed testdata/sipp-options-uas.xml
var sippScenario string

// startSipp runs sipp (Debian sip-tester) as a SIP UAS answering OPTIONS
// with status (e.g. "486 Busy Here").
func startSipp(t *testing.T, status string) string {
	t.Helper()
	dir := t.TempDir()
	sf := filepath.Join(dir, "uas.xml")
	require.NoError(t, os.WriteFile(sf, []byte(strings.Replace(sippScenario, "SIP/2.0 200 OK", "SIP/2.0 "+status, 1)), 0o600))
	peer := testpeer.Start(t, testpeer.Spec{Name: "sipp", Binary: "sipp", Hint: "apt-get install sip-tester",
		Args: []string{"-sf", sf, "-i", "127.0.0.1", "-p", "{{port}}", "-nostdin", "-trace_err",
			"-error_file", filepath.Join(dir, "errors.log")}})
	addr := testpeer.Addr(peer.Port)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ctx, cancel := contextWithTimeout(300 * time.Millisecond)
		_, err := sipOptions(ctx, addr)
		cancel()
		if err == nil {
			return addr
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("sipp does not answer OPTIONS on %s:\n%s", addr, peer.Tail())
	return ""
}

// TestSIPOptionsSipp: a real SIP UA (sipp) answering 200 and 486; both mean
// the terminal is alive.
func TestSIPOptionsSipp(t *testing.T) {
	c := newTestCollector(t)
	for status, code := range map[string]float64{"200 OK": 200, "486 Busy Here": 486} {
		addr := startSipp(t, status)
		rec, err := poll(t, c, target("pa-isle", "broadcast-sip", addr, "zone", "湖心岛"))
		require.NoError(t, err, status)
		assert.Equal(t, 1.0, value(t, rec, `broadcast_zone_up{zone="湖心岛"}`), status)
		assert.Equal(t, code, value(t, rec, `device_sip_status_code{zone="湖心岛"}`))
		assert.Less(t, value(t, rec, `device_sip_rtt_seconds{zone="湖心岛"}`), 1.0)
	}
}

// TestSIPOptionsFaults: 503 answers (up, zone down), silence (timeout by the
// deadline, after retransmissions) and a closed port (refused at once).
func TestSIPOptionsFaults(t *testing.T) {
	term, err := devicefake.NewSIPTerminal("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { term.Close() })
	c := newTestCollector(t)
	tgt := target("pa-north", "broadcast-sip", term.Addr(), "zone", "北门广场")
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `broadcast_zone_up{zone="北门广场"}`))

	term.SetStatus(503)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err, "the terminal answered")
	assert.Equal(t, 0.0, value(t, rec, `broadcast_zone_up{zone="北门广场"}`), "but is out of service")

	term.SetSilent(true)
	before := term.Requests()
	ctx, cancel := contextWithTimeout(2 * time.Second)
	defer cancel()
	start := time.Now()
	err = c.Collect(ctx, tgt, func(string, float64, ...string) {})
	require.ErrorIs(t, err, ErrTimeout)
	assert.Less(t, time.Since(start), 2500*time.Millisecond)
	assert.GreaterOrEqual(t, term.Requests()-before, int64(2), "OPTIONS is retransmitted (T1, 2·T1)")

	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := u.LocalAddr().String()
	u.Close()
	_, err = poll(t, c, target("pa-x", "broadcast-sip", closed, "zone", "x"))
	require.ErrorIs(t, err, ErrRefused)
}

// TestSIPResponseMatching: answers to another transaction and garbage are
// dropped; only this transaction's final answer counts.
func TestSIPResponseMatching(t *testing.T) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer conn.Close()
	go func() {
		buf := make([]byte, 4096)
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			return
		}
		req := string(buf[:n])
		via := header(req, "Via")
		other := strings.Replace(via, "branch=z9hG4bK", "branch=z9hG4bKother", 1)
		for _, m := range []string{"\x00garbage", answer(other, req, "200 OK"), answer(via, req, "100 Trying"),
			answer(via, req, "404 Not Found")} {
			_, _ = conn.WriteTo([]byte(m), from)
		}
	}()
	ctx, cancel := contextWithTimeout(2 * time.Second)
	defer cancel()
	res, err := sipOptions(ctx, conn.LocalAddr().String())
	require.NoError(t, err)
	assert.Equal(t, 404, res.code)
}

func header(msg, name string) string {
	for _, l := range strings.Split(msg, "\r\n") {
		if strings.HasPrefix(l, name+":") {
			return l
		}
	}
	return ""
}

func answer(via, req, status string) string {
	return "SIP/2.0 " + status + "\r\n" + via + "\r\n" + header(req, "From") + "\r\n" + header(req, "To") +
		";tag=x\r\n" + header(req, "Call-ID") + "\r\n" + header(req, "CSeq") + "\r\nContent-Length: 0\r\n\r\n"
}

// TestTCPReachability: a listener is up with its connect time; a closed port
// is refused; a PA amplifier's TCP port comes back after SetDown(false).
func TestTCPReachability(t *testing.T) {
	svc, err := devicefake.NewTCPService("127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	c := newTestCollector(t)
	rec, err := poll(t, c, target("kiosk", "tcp-reachability", svc.Addr()))
	require.NoError(t, err)
	assert.Less(t, value(t, rec, "device_tcp_connect_seconds{}"), 1.0)
	tgt := target("pa-amp", "broadcast-tcp", svc.Addr(), "zone", "南门")
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `broadcast_zone_up{zone="南门"}`))

	require.NoError(t, svc.SetDown(true))
	_, err = poll(t, c, tgt)
	require.ErrorIs(t, err, ErrRefused)
	require.NoError(t, svc.SetDown(false))
	_, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, svc.Accepted(), int64(3))

	_, err = poll(t, c, target("x", "tcp-reachability", "127.0.0.1"))
	require.ErrorIs(t, err, ErrAddress, "no port in the address and none in the profile")
}
