package sim

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/device"
)

// TestFirewallSNMP: each firewall of the inventory export, polled by the
// device collector with its profile (as the demo polls it), gives the
// border firewall's series: sessions, their capacity, CPU per board and an
// active HA state, with the export's role=firewall.
func TestFirewallSNMP(t *testing.T) {
	sink := startLogSink(t)
	s, _ := startLogSim(t, sink, 1)
	c, err := device.New(device.Config{}.WithDefaults(), nil)
	require.NoError(t, err)
	defer c.Close()
	var fws []ExportTarget
	for _, e := range s.Inventory().Targets {
		if e.Labels["role"] == "firewall" {
			fws = append(fws, e)
		}
	}
	require.Len(t, fws, 3)
	for _, e := range fws {
		t.Run(e.Name, func(t *testing.T) {
			assert.Equal(t, "device", e.Kind)
			assert.True(t, strings.HasPrefix(e.Address, "127.34.0."), e.Address)
			tgt := collectors.Target{Kind: device.Kind, Name: e.Name, Address: e.Address, Params: e.Params,
				Labels: map[string]string{"district": e.District, "site": e.Site, "role": "firewall"}}
			require.NoError(t, c.ValidateTarget(tgt))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			rec := collectortest.NewRecorder(tgt)
			require.NoError(t, c.Collect(ctx, tgt, rec.Emit))
			rec.Close()
			assert.Empty(t, rec.Problems())
			sums := map[string]float64{}
			counts := map[string]int{}
			for _, k := range rec.Series() {
				v, _ := rec.Value(k)
				name := k[:strings.IndexByte(k, '{')]
				sums[name] += v
				counts[name]++
				if name == "device_fw_cpu_ratio" {
					assert.True(t, v > 0.05 && v < 0.6, "%s = %v", k, v)
				}
				if name == "device_fw_ha_state" {
					assert.Equal(t, 1.0, v, "%s: active", k)
				}
			}
			assert.Greater(t, sums["device_fw_sessions"], 1000.0, "%v", rec.Series())
			assert.Less(t, sums["device_fw_sessions"], sums["device_fw_session_capacity"], "%v", rec.Series())
			assert.Equal(t, 1, counts["device_fw_session_capacity"])
			assert.GreaterOrEqual(t, counts["device_fw_cpu_ratio"], 1, "%v", rec.Series())
			assert.GreaterOrEqual(t, counts["device_fw_ha_state"], 1, "%v", rec.Series())
			if e.Params["profile"] != "firewall-hillstone" {
				assert.Equal(t, 2, counts["device_fw_sessions"], "one series per board: %v", rec.Series())
				assert.Equal(t, 2, counts["device_fw_cpu_ratio"], "the chassis has no CPU: %v", rec.Series())
			}
		})
	}
}

// TestServerTargets: each server is a device target whose sshd answers a
// reachability check on the server's own address.
func TestServerTargets(t *testing.T) {
	sink := startLogSink(t)
	s, _ := startLogSim(t, sink, 1)
	c, err := device.New(device.Config{}.WithDefaults(), nil)
	require.NoError(t, err)
	defer c.Close()
	n := 0
	for _, e := range s.Inventory().Targets {
		if e.Labels["os"] != "linux" {
			continue
		}
		n++
		assert.True(t, strings.HasPrefix(e.Address, "127.34.1."), e.Address)
		tgt := collectors.Target{Kind: device.Kind, Name: e.Name, Address: e.Address, Params: e.Params,
			Labels: map[string]string{"district": e.District}}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		rec := collectortest.NewRecorder(tgt)
		err := c.Collect(ctx, tgt, rec.Emit)
		cancel()
		rec.Close()
		require.NoError(t, err, e.Name)
		assert.Len(t, rec.Series(), 1, e.Name)
	}
	assert.Equal(t, 4, n)
}
