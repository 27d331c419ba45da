package app

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer/tunhost"
)

// Two links behind emulated impaired hosts (TUN devices answering echo after
// the delays we choose): the per-link promise series must say which promise
// each link breaks, and the v6-versus-v4 comparison must name the worse family.
func TestLinkPromisesFollowTheImpairedPath(t *testing.T) {
	// Margins are wide (30 ms over or 30 ms under the 50 ms promise) because a
	// loaded CI machine adds scheduling delay to every reply (a 30 ms path was
	// once measured over 50 ms while the wall's browser test ran in another
	// package); the netprobe tests compare figures with the emulator's record.
	slowV4 := tunhost.Start(t, tunhost.Options{V4Delay: 80 * time.Millisecond, V4Jitter: time.Millisecond,
		V6Delay: 10 * time.Millisecond, V6Jitter: time.Millisecond, Seed: 1})
	slowV6 := tunhost.Start(t, tunhost.Options{V4Delay: 5 * time.Millisecond, V4Jitter: time.Millisecond,
		V6Delay: 20 * time.Millisecond, V6Jitter: time.Millisecond, Seed: 2})
	cfg := `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
rules: {evaluation_interval: 1s}
collectors:
  netprobe: {interval: 2s, packets: 5, spacing: 20ms}
inventory:
  links:
    - {name: slow-v4, level: town, district: 卢氏县, a_device: ls-agg-01, a_interface: GE0/0/1, bandwidth: 100M, ipv4: "%s", ipv6: "%s"}
    - {name: slow-v6, level: town, district: 卢氏县, a_device: ls-agg-01, a_interface: GE0/0/2, bandwidth: 100M, ipv4: "%s", ipv6: "%s"}
`
	cfg = fmt.Sprintf(cfg, slowV4.Addr4(), slowV4.Addr6(), slowV6.Addr4(), slowV6.Addr6())
	s := startServer(t, cfg, map[string]string{})

	want := map[string]float64{ // link/promise → met
		"slow-v4/latency": 0, "slow-v4/v6_not_worse": 1, "slow-v4/loss": 1,
		"slow-v6/latency": 1, "slow-v6/v6_not_worse": 0, "slow-v6/loss": 1,
	}
	got := map[string]float64{}
	assert.Eventually(t, func() bool {
		res, _, _, err := s.api.Query(context.Background(), `swanwatch:link_promise_met{promise=~"latency|loss|v6_not_worse"}`, time.Now())
		if err != nil {
			return false
		}
		got = map[string]float64{}
		for _, smp := range res.(model.Vector) {
			got[string(smp.Metric["link"])+"/"+string(smp.Metric["promise"])] = float64(smp.Value)
		}
		// Equal, not only present: a reply the busy machine held back in the
		// first rounds weighs on the early averages, and later rounds bring
		// them back; a wrong rule never converges.
		return assert.ObjectsAreEqual(want, got)
	}, 60*time.Second, 250*time.Millisecond, "promise series for both links")
	require.Equal(t, want, got)

	res, _, _, err := s.api.Query(context.Background(), `swanwatch:link_v6_minus_v4_latency_seconds`, time.Now())
	require.NoError(t, err)
	delta := map[string]float64{}
	for _, smp := range res.(model.Vector) {
		delta[string(smp.Metric["link"])] = float64(smp.Value)
	}
	// Both families of a link are probed in the same round, so load shifts
	// them alike: the sign of the difference stays (70 and 15 ms emulated; a
	// loaded CI run once measured the 15 ms as 5.6 ms, so only the sign of
	// the small one is asked for).
	require.Less(t, delta["slow-v4"], -0.04, "IPv4 is the worse family")
	require.Greater(t, delta["slow-v6"], 0.002, "IPv6 is the worse family")
}
