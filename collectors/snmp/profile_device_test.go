package snmp

import (
	"testing"

	"github.com/gosnmp/gosnmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// huaweiTable is a VRP switch: two entities with CPU/memory/temperature, one
// optical port in microwatts, and two LLDP neighbours.
func huaweiTable() []gosnmp.SnmpPDU {
	const st = ".1.3.6.1.4.1.2011.5.25.31.1.1.1.1."
	const opt = ".1.3.6.1.4.1.2011.5.25.31.1.1.3.1."
	i := func(oid string, v int) gosnmp.SnmpPDU {
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.Integer, Value: v}
	}
	s := func(oid, v string) gosnmp.SnmpPDU {
		return gosnmp.SnmpPDU{Name: oid, Type: gosnmp.OctetString, Value: []byte(v)}
	}
	t := deviceTable(100_000, ".1.3.6.1.4.1.2011.2.23.374", true, oneIf(1))
	return append(t,
		s(oidEntPhysicalName+".16842753", "MPU Board 1"), s(oidEntPhysicalName+".16842754", "LPU Board 2"),
		s(oidEntPhysicalName+".16850945", "GigabitEthernet0/0/1"),
		i(st+"5.16842753", 37), i(st+"5.16842754", 0), i(st+"5.16850945", 0),
		i(st+"7.16842753", 61), i(st+"11.16842753", 45), i(st+"11.16842754", 2147483647),
		i(opt+"8.16850945", 500), i(opt+"9.16850945", 1000),
		// lldpRemTable: timeMark.localPortNum.remIndex; local port 1 is ifIndex 1.
		s(lldpRem+"9.0.1.1", "county-agg-01"), i(lldpRem+"6.0.1.1", portIDInterfaceName), s(lldpRem+"7.0.1.1", "XGE1/0/3"),
		s(lldpRem+"9.0.7.2", "cam-gw"), i(lldpRem+"6.0.7.2", portIDMAC),
		gosnmp.SnmpPDU{Name: lldpRem + "7.0.7.2", Type: gosnmp.OctetString, Value: []byte{0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc}},
		s(lldpLocPort+"4.7", "Eth-Trunk7"),
	)
}

func TestFakeHuaweiProfileAndLLDP(t *testing.T) {
	f := startFake(t, huaweiTable())
	c := newTestCollector(t)
	rec, err := poll(t, c, v2Target(t, "core-sw-01", f.addr()))
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	want := map[string]float64{
		`snmp_cpu_utilisation_ratio{entity="MPU Board 1"}`:                                                           0.37,
		`snmp_memory_utilisation_ratio{entity="MPU Board 1"}`:                                                        0.61,
		`snmp_temperature_celsius{entity="MPU Board 1"}`:                                                             45,
		`snmp_optical_rx_power_dbm{ifname="GigabitEthernet0/0/1"}`:                                                   -3.010299956639812, // 500 µW
		`snmp_optical_tx_power_dbm{ifname="GigabitEthernet0/0/1"}`:                                                   0,                  // 1 mW
		`snmp_errors{stage="profile:huawei-cpu"}`:                                                                    0,
		`snmp_errors{stage="profile:huawei-optical-rx"}`:                                                             0,
		`snmp_errors{stage="lldp"}`:                                                                                  0,
		`snmp_lldp_neighbor_info{local_ifname="GE0/0/1",remote_port="XGE1/0/3",remote_sysname="county-agg-01"}`:      1,
		`snmp_lldp_neighbor_info{local_ifname="Eth-Trunk7",remote_port="00:1b:21:aa:bb:cc",remote_sysname="cam-gw"}`: 1,
	}
	for k, v := range want {
		assert.InDelta(t, v, value(t, rec, k), 1e-9, k)
	}
	names := seriesNames(rec.Series())
	assert.Equal(t, 1, count(names, "snmp_cpu_utilisation_ratio"), "entities without a CPU (0) are skipped")
	assert.Equal(t, 1, count(names, "snmp_temperature_celsius"), "2147483647 means no sensor")
	assert.NotContains(t, names, "snmp_if_in_ucast_pkts_total", "the fake serves no packet counters")
}

func TestProfileSelection(t *testing.T) {
	c := newTestCollector(t)
	cases := []struct{ sysObjectID, want string }{
		{".1.3.6.1.4.1.2011.2.23.374", "huawei"},
		{".1.3.6.1.4.1.2011.10.1.2", "h3c"}, // the older H3C arc under Huawei's: longest prefix wins
		{".1.3.6.1.4.1.25506.1.1", "h3c"},
		{".1.3.6.1.4.1.4881.1.1.10.1.1", "ruijie"},
		{".1.3.6.1.4.1.3902.3.100.1", "zte"},
		{".1.3.6.1.4.1.9.1.1208", "cisco"},
		{".1.3.6.1.4.1.90.1", "generic"}, // 90 is not 9: prefixes end at an arc
		{".1.3.6.1.4.1.8072.3.2.10", "generic"},
		{"", "generic"},
	}
	for _, tc := range cases {
		t.Run(tc.want+tc.sysObjectID, func(t *testing.T) {
			p, err := c.pickProfile("", gosnmp.SnmpPDU{Type: gosnmp.ObjectIdentifier, Value: tc.sysObjectID})
			require.NoError(t, err)
			assert.Equal(t, tc.want, p.Name)
		})
	}
	p, err := c.pickProfile("cisco", gosnmp.SnmpPDU{Value: ".1.3.6.1.4.1.2011.1"})
	require.NoError(t, err)
	assert.Equal(t, "cisco", p.Name, "the target's profile param wins")
	_, err = c.pickProfile("juniper", gosnmp.SnmpPDU{})
	assert.ErrorContains(t, err, `profile "juniper" is not loaded`)
}

func count(names []string, name string) int {
	n := 0
	for _, s := range names {
		if s == name {
			n++
		}
	}
	return n
}
