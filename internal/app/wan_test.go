package app

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A link from the inventory becomes a link info series and a dual-stack probe
// whose per-family figures are queryable and joined to the link by name.
func TestLinkFromInventoryIsProbedOverBothFamilies(t *testing.T) {
	cfg := `
server: {listen: "127.0.0.1:{{port}}"}
storage: {path: "{{dir}}/data"}
rules: {evaluation_interval: 1s}
collectors:
  link: {interval: 1s}
  netprobe: {interval: 2s, packets: 5, spacing: 20ms}
inventory:
  links:
    - {name: city-lingbao-1, level: county, district: 灵宝市, a_device: sx-core-01, a_interface: XGE1/0/1,
       b_device: lingbao-agg-01, b_interface: XGE0/0/1, bandwidth: 10G, group: city-lingbao,
       ipv4: 127.0.0.1, ipv6: "::1"}
`
	s := startServer(t, cfg, map[string]string{})
	ctx := context.Background()
	var vec model.Vector
	require.Eventually(t, func() bool {
		res, _, _, err := s.api.Query(ctx, `probe_rtt_avg_seconds{link="city-lingbao-1"}`, time.Now())
		if err != nil {
			return false
		}
		vec = res.(model.Vector)
		return len(vec) == 2
	}, 20*time.Second, 200*time.Millisecond, "one RTT series per family")
	families := map[model.LabelValue]bool{}
	for _, smp := range vec {
		families[smp.Metric["family"]] = true
		assert.Less(t, float64(smp.Value), 0.05, "loopback answers fast")
	}
	assert.Equal(t, map[model.LabelValue]bool{"ipv4": true, "ipv6": true}, families)

	require.Eventually(t, func() bool { // the link collector's first round has its own phase
		res, _, _, err := s.api.Query(ctx, `swanwatch_link_bandwidth_bits_per_second{link="city-lingbao-1"}`, time.Now())
		return err == nil && len(res.(model.Vector)) == 1 && float64(res.(model.Vector)[0].Value) == 1e10
	}, 10*time.Second, 100*time.Millisecond, "contracted 10G from the inventory")
}
