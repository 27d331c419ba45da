package netprobe

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, 20, c.Packets)
	assert.Equal(t, 100*time.Millisecond, c.Spacing)
	assert.Equal(t, 30*time.Second, c.Interval)
	assert.Equal(t, 24*time.Second, c.Timeout)
	assert.Equal(t, 2900*time.Millisecond, c.EchoRoundLength())
	assert.Equal(t, ModeAuto, c.ICMPMode)
}

func TestConfigYAML(t *testing.T) {
	var c Config
	require.NoError(t, yaml.Unmarshal([]byte("interval: 10s\npackets: 50\nspacing: 20ms\nicmp_mode: raw\n"), &c))
	c = c.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, 10*time.Second, c.Interval)
	assert.Equal(t, 50, c.Packets)
	assert.Equal(t, 20*time.Millisecond, c.Spacing)
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"too many packets", Config{Packets: 5000}, "packets 5000"},
		{"flooding spacing", Config{Spacing: time.Millisecond}, "below 10ms"},
		{"round longer than timeout", Config{Packets: 200, Spacing: time.Second}, "longer than the timeout"},
		{"probe timeout beyond round", Config{ProbeTimeout: time.Minute}, "probe_timeout 1m0s"},
		{"tiny body bound", Config{MaxBodyBytes: 10}, "max_body_bytes 10"},
		{"unknown mode", Config{ICMPMode: "magic"}, `icmp_mode "magic"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.WithDefaults().Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, err = New(tc.cfg, nil)
			assert.ErrorContains(t, err, tc.want, "New refuses it too")
		})
	}
}
