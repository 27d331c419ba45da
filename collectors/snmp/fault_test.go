package snmp

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

const if1 = `{ifindex="1",ifname="GE0/0/1"}`

func oneIf(in32 uint) fakeIf {
	return fakeIf{index: "1", name: "GE0/0/1", speed: 1_000_000_000, in32: in32}
}

func TestFake32BitWrap(t *testing.T) {
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, false, oneIf(1<<32-1000)))
	c := newTestCollector(t)
	tgt := v2Target(t, "old-sw", f.addr())
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, float64(1<<32-1000), value(t, rec, "snmp_if_in_octets_total"+if1))

	f.set(ifCols[cInOct]+".1", gosnmp.Counter32, uint(500))
	f.set(oidSysUpTime, gosnmp.TimeTicks, uint32(100_100))
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, float64(1<<32+500), value(t, rec, "snmp_if_in_octets_total"+if1), "the wrap extends the total")
	assert.Equal(t, 0.0, value(t, rec, "snmp_device_restarts_total{}"))
	assert.Equal(t, 0.0, value(t, rec, `snmp_errors{stage="if"}`))
}

func TestFakeRestartNoSpike(t *testing.T) {
	f := startFake(t, deviceTable(1_000_000, sysObjectIDNetSNMP, false, oneIf(4_000_000_000)))
	c := newTestCollector(t)
	tgt := v2Target(t, "core-sw-01", f.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)

	// The device rebooted: sysUpTime went from 10000 s back to 5 s and the
	// counter restarted at 1000.
	f.set(oidSysUpTime, gosnmp.TimeTicks, uint32(500))
	f.set(ifCols[cInOct]+".1", gosnmp.Counter32, uint(1000))
	restarts := mRestarts.Get()
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "snmp_device_restarts_total{}"))
	assert.Equal(t, 5.0, value(t, rec, "snmp_sys_uptime_seconds{}"))
	assert.Equal(t, 1000.0, value(t, rec, "snmp_if_in_octets_total"+if1), "emitted as the device reports it, no synthesised spike")
	assert.Equal(t, restarts+1, mRestarts.Get())

	f.set(oidSysUpTime, gosnmp.TimeTicks, uint32(600))
	f.set(ifCols[cInOct]+".1", gosnmp.Counter32, uint(3000))
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "snmp_device_restarts_total{}"), "stays counted")
	assert.Equal(t, 3000.0, value(t, rec, "snmp_if_in_octets_total"+if1))
}

func TestFakeCounterResetWithoutRestart(t *testing.T) {
	slow := fakeIf{index: "1", name: "GE0/0/1", speed: 2_000_000, in32: 3_000_000_000}
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, false, slow))
	c := newTestCollector(t)
	tgt := v2Target(t, "village-rtr", f.addr())
	_, err := poll(t, c, tgt)
	require.NoError(t, err)
	// A 2 Mbit/s line cannot carry 1.3 GB in a moment: a cleared counter, not a wrap.
	f.set(ifCols[cInOct]+".1", gosnmp.Counter32, uint(1000))
	f.set(oidSysUpTime, gosnmp.TimeTicks, uint32(100_050))
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1000.0, value(t, rec, "snmp_if_in_octets_total"+if1))
}

func TestFakeHCPreferred(t *testing.T) {
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1234)))
	c := newTestCollector(t)
	tgt := v2Target(t, "core-sw-01", f.addr())
	for range 2 { // the second round skips the 32-bit columns
		rec, err := poll(t, c, tgt)
		require.NoError(t, err)
		assert.Equal(t, 1234.0, value(t, rec, "snmp_if_in_octets_total"+if1))
		assert.Equal(t, 7.0, value(t, rec, `snmp_if_out_octets_total`+if1), "no HC twin: 32-bit")
	}
	assert.Zero(t, c.states[tgt.Key()].ifSkip&skip32Unicast, "out octets lack HC, so the 32-bit columns stay")
}

func TestFakeFaults(t *testing.T) {
	cases := []struct {
		name    string
		hook    func(req, resp *gosnmp.SnmpPacket) []byte
		wantErr string
	}{
		{"truncated bulk answer", func(req, resp *gosnmp.SnmpPacket) []byte {
			b := marshal(resp)
			if req.PDUType == gosnmp.GetBulkRequest {
				return b[:len(b)/2]
			}
			return b
		}, ""},
		{"oversized bulk answer", func(req, resp *gosnmp.SnmpPacket) []byte {
			if req.PDUType == gosnmp.GetBulkRequest {
				for i := range 3000 {
					resp.Variables = append(resp.Variables, gosnmp.SnmpPDU{Name: ifCols[cSpeed] + ".9." + strconv.Itoa(i),
						Type: gosnmp.Gauge32, Value: uint(1)})
				}
			}
			return marshal(resp)
		}, ""},
		{"OID loop", func(req, resp *gosnmp.SnmpPacket) []byte {
			if req.PDUType == gosnmp.GetBulkRequest {
				for i := range resp.Variables { // always the first row again
					root := strings.TrimSuffix(req.Variables[i%len(req.Variables)].Name, ".1")
					resp.Variables[i].Name = root + ".1"
				}
			}
			return marshal(resp)
		}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1234)))
			f.setHook(tc.hook)
			c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 200 * time.Millisecond })
			walkErrs := mWalkErrors.Get()
			tgt := v2Target(t, "bad-agent", f.addr())
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			rec := collectortest.NewRecorder(tgt)
			err := c.Collect(ctx, tgt, rec.Emit)
			rec.Close()
			require.NoError(t, err, "the device answered: the round stands with partial data")
			require.NoError(t, ctx.Err(), "the broken walks gave up on their own, not at the round's deadline")
			assert.Equal(t, 1.0, value(t, rec, `snmp_errors{stage="if"}`))
			assert.Positive(t, value(t, rec, "snmp_sys_uptime_seconds{}"))
			assert.NotContains(t, seriesNames(rec.Series()), "snmp_if_in_octets_total")
			if tc.name != "truncated bulk answer" {
				assert.Greater(t, mWalkErrors.Get(), walkErrs, "counted")
			}
		})
	}
}

func TestFakeWrongTypes(t *testing.T) {
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, true, oneIf(1234),
		fakeIf{index: "2", name: "GE0/0/2", speed: 1e9, in32: 99}))
	f.set(ifCols[cOper]+".1", gosnmp.OctetString, []byte("up"))
	f.set(ifCols[cHCInOct]+".1", gosnmp.OctetString, []byte("lots"))
	f.set(ifCols[cInOct]+".1", gosnmp.Gauge32, uint(5))
	c := newTestCollector(t)
	bad := mBadValues.Get()
	rec, err := poll(t, c, v2Target(t, "odd-sw", f.addr()))
	require.NoError(t, err)
	assert.NotContains(t, rec.Series(), "snmp_if_oper_status"+if1)
	assert.NotContains(t, rec.Series(), "snmp_if_in_octets_total"+if1)
	assert.Equal(t, 99.0, value(t, rec, `snmp_if_in_octets_total{ifindex="2",ifname="GE0/0/2"}`), "the other interface is intact")
	assert.Equal(t, 1.0, value(t, rec, `snmp_errors{stage="if"}`))
	assert.Equal(t, bad+3, mBadValues.Get())

	f.set(oidSysUpTime, gosnmp.OctetString, []byte("forever"))
	_, err = poll(t, c, v2Target(t, "odd-sw", f.addr()))
	require.ErrorContains(t, err, "sysUpTime has type OctetString, not TimeTicks")
}

func TestFakeV1(t *testing.T) {
	f := startFake(t, deviceTable(100_000, sysObjectIDNetSNMP, false, oneIf(42),
		fakeIf{index: "2", name: "GE0/0/2", speed: 1e9, in32: 43}))
	c := newTestCollector(t)
	tgt := v2Target(t, "v1-sw", f.addr())
	tgt.Params["version"] = "1"
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 42.0, value(t, rec, "snmp_if_in_octets_total"+if1))
	assert.Equal(t, 43.0, value(t, rec, `snmp_if_in_octets_total{ifindex="2",ifname="GE0/0/2"}`))
	assert.Equal(t, 0.0, value(t, rec, `snmp_errors{stage="if"}`), "noSuchName at the end of the MIB ends the walk")
}

func marshal(p *gosnmp.SnmpPacket) []byte {
	b, err := p.MarshalMsg()
	if err != nil {
		panic(err)
	}
	return b
}
