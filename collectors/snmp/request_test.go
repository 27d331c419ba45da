package snmp

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// A device's own snmp_timeout and snmp_retries (inventory params) override
// the collector's request_timeout and retries: against an agent that never
// answers, the round sends exactly 1 + snmp_retries requests.
func TestPerTargetTimeoutAndRetries(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // bound, never answers
	require.NoError(t, err)
	defer silent.Close()
	c := newTestCollector(t) // request_timeout 2s, retries 1
	cases := []struct {
		retries string
		tries   int
	}{{"0", 1}, {"2", 3}}
	for _, tc := range cases {
		tgt := v2Target(t, "village-rtr", silent.LocalAddr().String())
		tgt.Params["snmp_timeout"], tgt.Params["snmp_retries"] = "150ms", tc.retries
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		st, err := c.collect(ctx, tgt, func(string, float64, ...string) {})
		cancel()
		require.ErrorIs(t, err, ErrTimeout)
		assert.Contains(t, err.Error(), "after "+strconv.Itoa(tc.tries)+" tries")
		assert.Equal(t, tc.tries, st.pdus, "snmp_retries %s", tc.retries)
	}
}

func TestPerTargetRequestParamsValidated(t *testing.T) {
	cfg := Config{}.WithDefaults() // round timeout 48s (80% of 60s)
	cases := map[string]string{
		"snmp_timeout=fast": `snmp_timeout "fast" must be a duration from 100ms to 1m0s`,
		"snmp_retries=9":    `snmp_retries "9" must be a whole number from 0 (no retry) to 5`,
		"snmp_timeout=55s":  "snmp_timeout 55s is longer than the snmp round timeout 48s",
	}
	for kv, want := range cases {
		tgt := v2Target(t, "village-rtr", "10.9.0.1")
		k, v, _ := strings.Cut(kv, "=")
		tgt.Params[k] = v
		assert.ErrorContains(t, ValidateTarget(tgt, cfg), want, kv)
	}
	short := Config{Schedule: collectors.Schedule{Interval: 2 * time.Second}}.WithDefaults()
	short.Schedule.Timeout = time.Second // request_timeout (2 s) is cut to the round's deadline when it runs
	require.NoError(t, ValidateTarget(v2Target(t, "village-rtr", "10.9.0.1"), short),
		"without snmp_timeout the collector's own timeout applies, whatever the round's")
	tgt := v2Target(t, "village-rtr", "10.9.0.1")
	tgt.Params["snmp_timeout"], tgt.Params["snmp_retries"] = "10s", "0"
	require.NoError(t, ValidateTarget(tgt, cfg))
	tp, err := parseTarget(tgt, cfg)
	require.NoError(t, err)
	assert.Equal(t, 10*time.Second, tp.timeout)
	assert.Zero(t, tp.retries)
}
