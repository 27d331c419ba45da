package snmp

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

const ge1 = `{ifalias="to-core",ifindex="1",ifname="GE0/0/1"}`

func TestSNMPDv2cInterfaces(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t)
	tgt := v2Target(t, "core-sw-01", peer.Addr)
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	t.Logf("series from the real snmpd: %d", len(rec.Series()))

	assert.Equal(t, 1.0, value(t, rec, "snmp_if_oper_status"+ge1))
	assert.Equal(t, 1e9, value(t, rec, "snmp_if_speed_bits_per_second"+ge1))
	assert.Equal(t, 1e10, value(t, rec, `snmp_if_speed_bits_per_second{ifalias="gov-cloud",ifindex="10",ifname="XGE1/0/1"}`))
	assert.Equal(t, 2.0, value(t, rec, `snmp_if_admin_status{ifindex="3",ifname="GE0/0/3"}`), "spare port admin down, no alias label")
	assert.Positive(t, value(t, rec, "snmp_sys_uptime_seconds{}"))
	assert.Equal(t, 0.0, value(t, rec, "snmp_device_restarts_total{}"))
	for _, stage := range []string{"if", "lldp", "profile:generic-cpu", "profile:generic-memory", "profile:generic-temperature"} {
		assert.Equal(t, 0.0, value(t, rec, `snmp_errors{stage="`+stage+`"}`), stage)
	}
	// net-snmp serves HOST-RESOURCES-MIB: the generic profile finds the RAM row of
	// hrStorageTable. (hrProcessorLoad only appears after snmpd has sampled the
	// CPU for a minute, too long for a test.)
	mem := value(t, rec, `snmp_memory_utilisation_ratio{entity="Physical memory"}`)
	assert.Greater(t, mem, 0.0)
	assert.Less(t, mem, 1.0)

	in1 := value(t, rec, "snmp_if_in_octets_total"+ge1)
	time.Sleep(1100 * time.Millisecond)
	rec2, err := poll(t, c, tgt)
	require.NoError(t, err)
	in2 := value(t, rec2, "snmp_if_in_octets_total"+ge1)
	// 80 Mbit/s = 10 MB/s: the counter moved by about 10 MB per second elapsed.
	assert.Greater(t, in2-in1, 5e6, "counters move between rounds")
	assert.Equal(t, rec.Series(), rec2.Series(), "the series set is stable across rounds")
}

func TestSNMPDLinkDown(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t)
	tgt := v2Target(t, "core-sw-01", peer.Addr)
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	const ge2 = `{ifalias="park-cameras",ifindex="2",ifname="GE0/0/2"}`
	assert.Equal(t, 1.0, value(t, rec, "snmp_if_oper_status"+ge2))
	name, ok := c.IfName("core-sw-01", 2) // for a trap that carries only ifIndex 2 or ifDescr.2
	require.True(t, ok)
	assert.Equal(t, "GE0/0/2", name)
	_, ok = c.IfName("core-sw-01", 99)
	assert.False(t, ok)
	_, ok = c.IfName("other-sw", 2)
	assert.False(t, ok)

	peer.IfSet(t, 2, "oper=2", "in_bps=0")
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 2.0, value(t, rec, "snmp_if_oper_status"+ge2), "the link taken down shows oper_status 2")
	assert.Equal(t, 1.0, value(t, rec, "snmp_if_admin_status"+ge2))
}

func TestSNMPDv3AuthPriv(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t)
	rec, err := poll(t, c, v3Target(t, peer.Addr, testpeer.SNMPDV3Auth, testpeer.SNMPDV3Priv))
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "snmp_if_oper_status"+ge1))
}

func TestSNMPDv3WrongCredentials(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond })
	cases := []struct {
		name       string
		user       string
		auth, priv string
	}{
		{"wrong auth pass phrase", testpeer.SNMPDV3User, "wrong-pass-123", testpeer.SNMPDV3Priv},
		{"wrong priv pass phrase", testpeer.SNMPDV3User, testpeer.SNMPDV3Auth, "wrong-priv-456"},
		{"unknown user", "nobody-v3", testpeer.SNMPDV3Auth, testpeer.SNMPDV3Priv},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tgt := v3Target(t, peer.Addr, tc.auth, tc.priv)
			tgt.Params["user"] = tc.user
			auth := mAuthFailures.Get()
			start := time.Now()
			_, err := poll(t, c, tgt)
			require.Error(t, err)
			t.Logf("%s: %v (after %s)", tc.name, err, time.Since(start))
			assert.ErrorIs(t, err, ErrAuth)
			assert.Contains(t, err.Error(), "authentication failed")
			assert.NotContains(t, err.Error(), "wrong-", "the pass phrase never shows in errors")
			// A wrong priv pass phrase makes net-snmp drop the request without a
			// report, so that case waits for the request timeout (2 tries ×
			// 300ms); the round's deadline (poll: 10 s) would be ErrTimeout.
			assert.NotErrorIs(t, err, ErrTimeout, "a clear answer, not the round deadline")
			assert.Equal(t, auth+1, mAuthFailures.Get())
		})
	}
}

func TestSNMPDIPv6(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t)
	cases := []struct {
		name string
		tgt  collectors.Target
	}{
		{"v2c", v2Target(t, "core-sw-v6", peer.Addr6)},
		{"v3 authPriv", v3Target(t, peer.Addr6, testpeer.SNMPDV3Auth, testpeer.SNMPDV3Priv)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, "[::1]", tc.tgt.Address[:5])
			rec, err := poll(t, c, tc.tgt)
			require.NoError(t, err)
			assert.Equal(t, 1.0, value(t, rec, "snmp_if_oper_status"+ge1))
		})
	}
}

func seriesNames(series []string) []string {
	var out []string
	for _, s := range series {
		for i := range s {
			if s[i] == '{' {
				out = append(out, s[:i])
				break
			}
		}
	}
	return out
}

func TestSNMPD32BitOnlyDevice(t *testing.T) {
	peer := testpeer.SNMPD(t, map[string]any{"index": 1, "name": "GE0/0/1", "speed_mbps": 100,
		"in_bps": 50000000, "out_bps": 1000000, "no_hc": true})
	c := newTestCollector(t)
	tgt := v2Target(t, "old-sw", peer.Addr)
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	in1 := value(t, rec, "snmp_if_in_octets_total"+if1)
	assert.Equal(t, 1e8, value(t, rec, "snmp_if_speed_bits_per_second"+if1))
	time.Sleep(time.Second)
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Greater(t, value(t, rec, "snmp_if_in_octets_total"+if1)-in1, 3e6, "the 32-bit counter moves (50 Mbit/s)")
	assert.Zero(t, c.states[tgt.Key()].ifSkip&skip32Unicast, "no 64-bit counters: the 32-bit columns stay")
}
