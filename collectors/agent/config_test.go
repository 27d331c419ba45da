package agent

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, collectors.Schedule{Interval: 30 * time.Second, Timeout: 24 * time.Second, Concurrency: 64}, c.Schedule)
	assert.Equal(t, DefaultKeep, c.Keep)
	assert.Equal(t, int64(4<<20), c.MaxBodyBytes)
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"prefix pattern", Config{Keep: []string{"node_cpu_*", "*"}}, ""},
		{"empty entry", Config{Keep: []string{""}}, "keep[0]: empty family name"},
		{"star inside", Config{Keep: []string{"node_*_bytes"}},
			"keep[0]: \"node_*_bytes\" is not a metric family name (a `*` may only end a prefix)"},
		{"bad name", Config{Keep: []string{"node-load"}},
			"keep[0]: \"node-load\" is not a metric family name (a `*` may only end a prefix)"},
		{"tiny body limit", Config{MaxBodyBytes: 10}, "max_body_bytes 10 is below 1024"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.WithDefaults().Validate()
			if tc.wantErr == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.wantErr)
		})
	}
}

func TestKeepSet(t *testing.T) {
	k := newKeepSet([]string{"node_load1", "node_cpu_*"})
	cases := map[string]bool{"node_load1": true, "node_load15": false, "node_cpu_seconds_total": true,
		"node_cp": false, "go_goroutines": false}
	for name, want := range cases {
		assert.Equal(t, want, k.match(name), name)
	}
}

func TestFormatBound(t *testing.T) {
	cases := map[float64]string{1: "1.0", 0.005: "0.005", 2.5: "2.5", 1e-9: "1e-09", 100000: "100000.0"}
	for v, want := range cases {
		assert.Equal(t, want, formatBound(v))
	}
}
