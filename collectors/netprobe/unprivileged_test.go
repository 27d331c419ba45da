package netprobe

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer/tunhost"
)

// TestUnprivilegedPingSocket exercises the documented alternative to raw
// sockets: Linux "ping" datagram sockets, allowed by net.ipv4.ping_group_range.
// The sysctl is per network namespace, so the test allows them in a namespace
// of its own (never on the machine) and opens the socket there; the kernel
// then rewrites the echo ID, and replies are matched by payload.
func TestUnprivilegedPingSocket(t *testing.T) {
	machine, err := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
	require.NoError(t, err)
	t.Cleanup(func() {
		now, err := os.ReadFile("/proc/sys/net/ipv4/ping_group_range")
		require.NoError(t, err)
		assert.Equal(t, string(machine), string(now), "the machine's own sysctl is untouched")
	})
	ns := tunhost.Netns(t)
	c := newTestCollector(t, Config{ICMPMode: ModeUnprivileged, Packets: 5, Spacing: 20 * time.Millisecond, ReplyWait: 300 * time.Millisecond})
	t.Run("refused while the range excludes us", func(t *testing.T) {
		require.NoError(t, ns.Do(func() error { return writeSysctl("net/ipv4/ping_group_range", "1 0") }))
		err := ns.Do(func() error { _, err := c.pinger(FamilyV4); return err })
		require.Error(t, err)
		assert.Contains(t, err.Error(), "ping_group_range", "the error names the fix")
	})
	require.NoError(t, ns.Do(func() error { return writeSysctl("net/ipv4/ping_group_range", "0 2147483647") }))
	var p4, p6 *pinger
	require.NoError(t, ns.Do(func() error {
		var err error
		if p4, err = c.pinger(FamilyV4); err != nil {
			return err
		}
		p6, err = c.pinger(FamilyV6)
		return err
	}))
	require.False(t, p4.raw, "a ping socket, not a raw one")
	require.False(t, p6.raw)
	// The sockets live in the namespace: probe the namespace's own addresses.
	tgt := target("in-ns", map[string]string{"probe": ProbeICMP, "ipv4": ns.Remote4.String(), "ipv6": ns.Remote6.String()})
	rec, err, _ := collect(t, c, tgt, 5*time.Second)
	require.NoError(t, err)
	for _, fam := range []string{FamilyV4, FamilyV6} {
		assert.Equal(t, 0.0, value(t, rec, series("probe_loss_ratio", fam)), fam)
		assert.Equal(t, 5.0, value(t, rec, series("probe_packets_received", fam)), fam)
	}
}

// writeSysctl writes a sysctl of the calling thread's network namespace.
func writeSysctl(name, v string) error {
	return os.WriteFile("/proc/sys/"+name, []byte(v), 0o644)
}
