package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is written by run's goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunPrintsInventoryAndStops(t *testing.T) {
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-vms", "40", "-listen", "127.0.0.1:0", "-seed", "2"}, &out, &errOut)
	}()

	var url string
	require.Eventually(t, func() bool {
		first, _, ok := strings.Cut(out.String(), "\n")
		url, ok = strings.CutPrefix(first, "inventory: ")
		return ok
	}, 5*time.Second, 20*time.Millisecond)

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(url)
	require.NoError(t, err)
	var inv sim.Export
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&inv))
	resp.Body.Close()
	assert.Len(t, inv.Targets, 40)

	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, errOut.String(), "simulated estate stopped")
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-vms", "-3"}, {"-bogus"}, {"-offline-share", "0.9"}, {"-listen", "256.0.0.1:1"}, {"-wan-scale", "5"}, {"-wan-scale", "0.01", "-traps", "127.0.0.1"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut syncBuffer
			err := run(context.Background(), args, &out, &errOut)
			require.Error(t, err)
			assert.Empty(t, out.String(), "nothing printed as if it had started")
		})
	}
}

// startRun runs swansim with args until the test ends and returns its base URL.
func startRun(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, &out, &errOut) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
	var base string
	require.Eventually(t, func() bool {
		first, _, _ := strings.Cut(out.String(), "\n")
		u, ok := strings.CutPrefix(first, "inventory: ")
		base, _ = strings.CutSuffix(u, "/inventory")
		return ok
	}, 10*time.Second, 20*time.Millisecond, "stderr: %s", errOut.String())
	return base
}

// TestRunWANForcedLinkSendsTraps: -wan-scale adds the WAN's devices and links
// to the inventory, and -traps/-trap-community make a link forced down through
// the control plane send a real SNMPv2c linkDown trap with that community.
func TestRunWANForcedLinkSendsTraps(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer pc.Close()
	base := startRun(t, "-vms", "1", "-wan-scale", "0.01", "-listen", "127.0.0.1:0",
		"-traps", pc.LocalAddr().String(), "-trap-community", "bench-c")

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	resp, err := client.Get(base + "/inventory")
	require.NoError(t, err)
	var inv sim.Export
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&inv))
	resp.Body.Close()
	require.NotEmpty(t, inv.Links, "a WAN at -wan-scale 0.01")
	assert.Greater(t, len(inv.Targets), 1, "the WAN's SNMP devices besides the one VM")

	link := inv.Links[0].Name
	resp, err = client.Post(base+"/control/link/"+link+"/down", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	buf := make([]byte, 4096)
	require.NoError(t, pc.SetReadDeadline(time.Now().Add(5*time.Second)))
	n, _, err := pc.ReadFrom(buf)
	require.NoError(t, err, "a linkDown trap for %s", link)
	pkt, err := (&gosnmp.GoSNMP{Version: gosnmp.Version2c, Logger: gosnmp.NewLogger(nil)}).SnmpDecodePacket(buf[:n])
	require.NoError(t, err)
	assert.Equal(t, "bench-c", pkt.Community)
	assert.Equal(t, gosnmp.SNMPv2Trap, pkt.PDUType)
	require.GreaterOrEqual(t, len(pkt.Variables), 2)
	assert.Equal(t, ".1.3.6.1.6.3.1.1.5.3", pkt.Variables[1].Value, "snmpTrapOID.0 = linkDown")
}

func TestRunWithoutWANHasNoLinks(t *testing.T) {
	base := startRun(t, "-vms", "2", "-listen", "127.0.0.1:0")
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Post(base+"/control/link/a~b/down", "", nil)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "no WAN: no link to force")
}
