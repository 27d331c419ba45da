package netprobe

import (
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestParseTarget(t *testing.T) {
	cases := []struct {
		name    string
		address string
		params  map[string]string
		want    string // error substring; "" = valid
	}{
		{"icmp both families", "", map[string]string{"probe": "icmp", "ipv4": "10.1.1.1", "ipv6": "2001:db8::1"}, ""},
		{"icmp address only", "10.1.1.1", map[string]string{"probe": "icmp"}, ""},
		{"icmp v6 in ipv4 param", "", map[string]string{"probe": "icmp", "ipv4": "2001:db8::1"}, "not an ipv4 address"},
		{"icmp v4 in ipv6 param", "", map[string]string{"probe": "icmp", "ipv6": "10.1.1.1"}, "not an ipv6 address"},
		{"icmp host name", "core.smx.gov", map[string]string{"probe": "icmp"}, "needs param ipv4"},
		{"tcp without port", "10.1.1.1", map[string]string{"probe": "tcp"}, "port"},
		{"tcp port 0", "10.1.1.1", map[string]string{"probe": "tcp", "port": "0"}, "port"},
		{"tcp port too big", "10.1.1.1", map[string]string{"probe": "tcp", "port": "70000"}, "port"},
		{"tcp", "10.1.1.1", map[string]string{"probe": "tcp", "port": "443"}, ""},
		{"http", "https://zwfw.smx.gov.cn/", map[string]string{"probe": "http", "expect_status": "2xx,304"}, ""},
		{"http bad url", "zwfw.smx.gov.cn", map[string]string{"probe": "http"}, "not an http(s) URL"},
		{"http ftp", "ftp://x/", map[string]string{"probe": "http"}, "not an http(s) URL"},
		{"http bad regexp", "http://x/", map[string]string{"probe": "http", "match_regexp": "(("}, "match_regexp"},
		{"http bad status", "http://x/", map[string]string{"probe": "http", "expect_status": "2xy"}, "expect_status"},
		{"http bad bool", "http://x/", map[string]string{"probe": "http", "insecure_skip_verify": "maybe"}, "insecure_skip_verify"},
		{"http family contradiction", "http://10.0.0.1/", map[string]string{"probe": "http", "family": "ipv6"}, "contradicts"},
		{"http bad family", "http://x/", map[string]string{"probe": "http", "family": "ipv5"}, "family"},
		{"unknown probe", "10.1.1.1", map[string]string{"probe": "udp"}, `probe "udp"`},
		{"no probe", "10.1.1.1", nil, `probe ""`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseTarget(collectors.Target{Kind: Kind, Name: "x", Address: tc.address, Params: tc.params})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestStatusSet(t *testing.T) {
	cases := []struct {
		in       string
		accepted []int
		refused  []int
	}{
		{"", []int{200, 204, 299}, []int{199, 301, 404, 500}},
		{"2xx,304", []int{200, 304}, []int{301, 404}},
		{" 200 , 301 ", []int{200, 301}, []int{201, 302}},
		{"5XX", []int{500, 503}, []int{200}},
	}
	for _, tc := range cases {
		t.Run(tc.in, func(t *testing.T) {
			ss, err := parseStatusSet(tc.in)
			require.NoError(t, err)
			for _, c := range tc.accepted {
				assert.True(t, ss.has(c), "%d", c)
			}
			for _, c := range tc.refused {
				assert.False(t, ss.has(c), "%d", c)
			}
		})
	}
	for _, bad := range []string{"6xx", "99", "600", "2x", ",", "abc"} {
		_, err := parseStatusSet(bad)
		assert.Error(t, err, bad)
	}
}

// TestBadTargetCounted: a bad target fails its round with a clear error and is
// counted; it emits nothing.
func TestBadTargetCounted(t *testing.T) {
	c := newTestCollector(t, Config{})
	ctr := metrics.GetOrCreateCounter(`swanwatch_netprobe_bad_targets_total`)
	before := ctr.Get()
	rec, err, _ := collect(t, c, target("bad", map[string]string{"probe": "icmp", "ipv4": "nope"}), 0)
	require.ErrorContains(t, err, `target bad: ipv4 "nope" is not an ipv4 address`)
	assert.Empty(t, rec.Series())
	assert.Equal(t, before+1, ctr.Get())
}
