package sim

import (
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/gosnmp/gosnmp"
	"github.com/simonvetter/modbus"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func roomSNMP(t *testing.T, addr string) *gosnmp.GoSNMP {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	require.NoError(t, err)
	p, _ := strconv.Atoi(port)
	g := &gosnmp.GoSNMP{Target: host, Port: uint16(p), Community: community, Version: gosnmp.Version2c,
		Timeout: 2 * time.Second, Retries: 1}
	require.NoError(t, g.Connect())
	t.Cleanup(func() { _ = g.Conn.Close() })
	return g
}

func getInts(t *testing.T, g *gosnmp.GoSNMP, oids ...string) []int64 {
	t.Helper()
	res, err := g.Get(oids)
	require.NoError(t, err)
	out := make([]int64, len(res.Variables))
	for i, v := range res.Variables {
		require.NotEqual(t, gosnmp.NoSuchObject, v.Type, oids[i])
		require.NotEqual(t, gosnmp.NoSuchInstance, v.Type, oids[i])
		out[i] = gosnmp.ToBigInt(v.Value).Int64()
	}
	return out
}

// The machine rooms answer as their devices do: the UPS over UPS-MIB (on
// mains, then on battery with its alarm), each PDU its feed's current, each
// sensor its rack's temperature and humidity in the room's register map;
// the export names them with the profiles of docs/cloud.md.
func TestMachineRoomsAnswerLikeTheirDevices(t *testing.T) {
	s, _, _ := startCloudSim(t, 20)
	byName := map[string]ExportTarget{}
	for _, tg := range s.Inventory().Targets {
		byName[tg.Name] = tg
	}
	ups := byName["ups-1"]
	require.Equal(t, "ups-rfc1628", ups.Params["profile"])
	assert.Equal(t, "主中心A机房", ups.Labels["room"])
	g := roomSNMP(t, ups.Address)
	const src, secs, mins, alarms = ".1.3.6.1.2.1.33.1.4.1.0", ".1.3.6.1.2.1.33.1.2.2.0", ".1.3.6.1.2.1.33.1.2.3.0", ".1.3.6.1.2.1.33.1.6.1.0"
	v := getInts(t, g, src, secs, mins, alarms, ".1.3.6.1.2.1.33.1.4.4.1.5.1")
	assert.Equal(t, []int64{3, 0, 45, 0}, v[:4], "on mains: output source normal(3)")
	assert.InDelta(t, 30, v[4], 25, "output load per line, %")

	require.NoError(t, s.MainsOutage("主中心A机房", true))
	v = getInts(t, g, src, alarms)
	assert.Equal(t, []int64{5, 1}, v, "on battery(5), the OnBattery alarm present")
	res, err := g.Get([]string{".1.3.6.1.2.1.33.1.6.2.1.2.1"})
	require.NoError(t, err)
	assert.Equal(t, ".1.3.6.1.2.1.33.1.6.3.2", res.Variables[0].Value, "upsAlarmOnBattery")
	require.NoError(t, s.MainsOutage("主中心A机房", false))

	pdu := byName["pdu-A01-B"]
	require.Equal(t, "pdu-apc-rpdu", pdu.Params["profile"])
	assert.Equal(t, map[string]string{"room": "主中心A机房", "rack": "A01", "feed": "B", "vendor": "apc"}, pdu.Labels)
	amps := getInts(t, roomSNMP(t, pdu.Address), ".1.3.6.1.4.1.318.1.1.12.2.3.1.1.2.1")[0]
	assert.InDelta(t, 35, amps, 10, "tenths of an ampere: half of a 7 A rack")

	for name, fc := range map[string]bool{"th-A02": true, "th-B02": false} {
		tg := byName[name]
		c, err := modbus.NewClient(&modbus.ClientConfiguration{URL: "tcp://" + tg.Address, Timeout: 2 * time.Second})
		require.NoError(t, err)
		require.NoError(t, c.Open())
		unit, _ := strconv.Atoi(tg.Params["unit_id"])
		require.NoError(t, c.SetUnitId(uint8(unit)))
		var regs []uint16
		if fc {
			regs, err = c.ReadRegisters(1, 2, modbus.INPUT_REGISTER)
		} else {
			regs, err = c.ReadRegisters(0, 2, modbus.HOLDING_REGISTER)
		}
		require.NoError(t, err, name)
		assert.InDelta(t, 235, int16(regs[0]), 30, "%s: temperature ×10", name)
		assert.InDelta(t, 480, regs[1], 80, "%s: humidity ×10 in %%", name)
		_, err = c.ReadRegisters(7, 1, modbus.INPUT_REGISTER)
		assert.Error(t, err, "an address the sensor does not have")
		_ = c.Close()
	}
}
