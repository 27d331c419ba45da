package netprobe

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer/tunhost"
)

// serve accepts and closes connections until l is closed (at test cleanup).
func serve(t *testing.T, l net.Listener) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
}

// TestTCPAcrossNamespace connects to real listeners inside a network namespace
// over a veth link, on both families in one round.
func TestTCPAcrossNamespace(t *testing.T) {
	ns := tunhost.Netns(t)
	l4 := ns.Listen(t, "tcp", net.JoinHostPort(ns.Remote4.String(), "0"))
	port := strconv.Itoa(l4.Addr().(*net.TCPAddr).Port)
	l6 := ns.Listen(t, "tcp", net.JoinHostPort(ns.Remote6.String(), port))
	serve(t, l4)
	serve(t, l6)
	c := newTestCollector(t, Config{ProbeTimeout: 500 * time.Millisecond})
	params := func(port string) map[string]string {
		return map[string]string{"probe": ProbeTCP, "ipv4": ns.Remote4.String(), "ipv6": ns.Remote6.String(), "port": port}
	}
	cases := []struct {
		name   string
		port   string
		linkUp bool
		want   float64
		maxDur time.Duration
	}{
		{"open port", port, true, 1, deadlineSlack},
		{"closed port refuses at once", "1", true, 0, deadlineSlack},
		{"link down times out", port, false, 0, 500*time.Millisecond + deadlineSlack},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ns.SetLinkDown(t, !tc.linkUp)
			rec, err, took := collectWithin(t, c, target("portal-tcp", params(tc.port)), 5*time.Second, tc.maxDur)
			require.NoError(t, err)
			assert.Less(t, took, tc.maxDur)
			for _, fam := range []string{FamilyV4, FamilyV6} {
				key := "probe_success{family=\"" + fam + "\",probe=\"tcp\"}"
				assert.Equal(t, tc.want, value(t, rec, key), fam)
				d := value(t, rec, "probe_duration_seconds{family=\""+fam+"\",probe=\"tcp\"}")
				assert.Positive(t, d)
			}
		})
	}
}

// TestTCPDeadlineWins: a ctx shorter than probe_timeout fails the round.
func TestTCPDeadlineWins(t *testing.T) {
	ns := tunhost.Netns(t)
	ns.SetLinkDown(t, true)
	c := newTestCollector(t, Config{ProbeTimeout: 5 * time.Second})
	_, err, took := collectWithin(t, c, target("slow", map[string]string{"probe": ProbeTCP, "ipv4": ns.Remote4.String(), "port": "80"}),
		300*time.Millisecond, 300*time.Millisecond+deadlineSlack)
	require.ErrorContains(t, err, "tcp connect to")
	assert.Less(t, took, 300*time.Millisecond+deadlineSlack)
}
