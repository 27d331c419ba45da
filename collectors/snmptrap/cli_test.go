package snmptrap

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// The real net-snmp snmptrap sends to our receiver over IPv4 and IPv6; the
// event arrives with the inventory's labels and the Chinese text (in
// milliseconds, logged; the wait is generous for a loaded machine).

var cliV3User = testpeer.V3User{Name: testUser, EngineID: testEngineID,
	AuthProto: "SHA", AuthPass: testAuthPass, PrivProto: "AES", PrivPass: testPrivPass}

// ifVars are snmptrap varbind triples of ifIndex 2 named GE0/0/1.
var ifVars = []string{"1.3.6.1.2.1.2.2.1.1.2", "i", "2", "1.3.6.1.2.1.2.2.1.7.2", "i", "1",
	"1.3.6.1.2.1.2.2.1.8.2", "i", "2", "1.3.6.1.2.1.31.1.1.1.1.2", "s", "GE0/0/1"}

func TestSNMPTrapCLI(t *testing.T) {
	cli := testpeer.SNMPTrap(t)
	cases := []struct {
		name, listen, scheme string
		v3                   bool
		oid                  string
		want                 map[string]string
		text                 string
	}{
		{"v2c linkDown ipv4", "127.0.0.1:0", "udp", false, "1.3.6.1.6.3.1.1.5.3",
			map[string]string{"instance": "core-sw-01", "district": "湖滨区", "site": "市政务中心",
				"trap": "linkDown", "ifname": "GE0/0/1", "severity": "major"},
			"设备 core-sw-01 接口 GE0/0/1 链路中断 (linkDown)"},
		{"v2c linkUp ipv6", "[::1]:0", "udp6", false, "1.3.6.1.6.3.1.1.5.4",
			map[string]string{"instance": "core-sw-06", "district": "灵宝市", "level": "county",
				"trap": "linkUp", "ifname": "GE0/0/1", "severity": "info"},
			"设备 core-sw-06 接口 GE0/0/1 链路恢复 (linkUp)"},
		{"v3 authPriv linkDown ipv4", "127.0.0.1:0", "udp", true, "1.3.6.1.6.3.1.1.5.3",
			map[string]string{"instance": "core-sw-01", "trap": "linkDown", "ifname": "GE0/0/1"},
			"设备 core-sw-01 接口 GE0/0/1 链路中断 (linkDown)"},
		{"v3 authPriv coldStart ipv6", "[::1]:0", "udp6", true, "1.3.6.1.6.3.1.1.5.1",
			map[string]string{"instance": "core-sw-06", "trap": "coldStart", "severity": "major"},
			"设备 core-sw-06 设备重启（冷启动） (coldStart)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := newMemSink()
			var seen []Trap
			o := baseOptions(tc.listen, sink)
			o.OnTrap = func(tr Trap) { seen = append(seen, tr) }
			r := startReceiver(t, o)
			target := tc.scheme + ":" + r.Addr()
			start := time.Now()
			if tc.v3 {
				cli.V3(t, target, cliV3User, tc.oid, ifVars...)
			} else {
				cli.V2c(t, target, testCommunity, tc.oid, ifVars...)
			}
			ev := sink.WaitFor(t, 1, 10*time.Second)
			t.Logf("event after %s (snmptrap process included)", time.Since(start))
			require.Len(t, ev, 1)
			assert.Equal(t, "snmp_trap", ev[0].Labels["source"])
			for k, v := range tc.want {
				assert.Equal(t, v, ev[0].Labels[k], "label %s", k)
			}
			assert.Equal(t, tc.text, ev[0].Text)
			require.Len(t, seen, 1, "OnTrap sees the trap")
			assert.Equal(t, tc.oid, seen[0].OID)
			assert.Equal(t, 2, seen[0].IfIndex)
		})
	}
}

// Wrong credentials are dropped and counted by reason; a good trap sent after
// them still arrives, which also proves the bad ones were processed first.
func TestSNMPTrapCLIRefused(t *testing.T) {
	cli := testpeer.SNMPTrap(t)
	wrongAuth, wrongPriv, unknownUser, otherEngine := cliV3User, cliV3User, cliV3User, cliV3User
	wrongAuth.AuthPass = "not-the-password"
	wrongPriv.PrivPass = "not-the-password"
	unknownUser.Name = "intruder"
	otherEngine.EngineID = "0x80000000aabbccdd"
	cases := []struct {
		name, reason string
		send         func(t *testing.T, target string)
	}{
		{"wrong community", reasonBadCommunity, func(t *testing.T, target string) {
			cli.V2c(t, target, "public", "1.3.6.1.6.3.1.1.5.3", ifVars...)
		}},
		{"wrong v3 auth password", reasonBadAuth, func(t *testing.T, target string) {
			cli.V3(t, target, wrongAuth, "1.3.6.1.6.3.1.1.5.3", ifVars...)
		}},
		{"wrong v3 privacy password", reasonBadAuth, func(t *testing.T, target string) {
			cli.V3(t, target, wrongPriv, "1.3.6.1.6.3.1.1.5.3", ifVars...)
		}},
		{"unknown v3 user", reasonBadAuth, func(t *testing.T, target string) {
			cli.V3(t, target, unknownUser, "1.3.6.1.6.3.1.1.5.3", ifVars...)
		}},
		{"engine not allowed", reasonUnknownEngine, func(t *testing.T, target string) {
			cli.V3(t, target, otherEngine, "1.3.6.1.6.3.1.1.5.3", ifVars...)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sink := newMemSink()
			o := baseOptions("127.0.0.1:0", sink)
			o.V3Users[0].EngineIDs = []string{testEngineID}
			r := startReceiver(t, o)
			target := "udp:" + r.Addr()
			before := dropCount(tc.reason)
			tc.send(t, target)
			cli.V2c(t, target, testCommunity, "1.3.6.1.6.3.1.1.5.4", ifVars...)
			ev := sink.WaitFor(t, 1, 10*time.Second)
			assert.Equal(t, "linkUp", ev[0].Labels["trap"], "only the good trap became an event")
			assert.Equal(t, before+1, dropCount(tc.reason))
		})
	}
}
