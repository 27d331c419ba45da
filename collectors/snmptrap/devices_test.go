package snmptrap

import (
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

func testEstate() []inventory.Target {
	return append([]inventory.Target{
		{Name: "probe-lb", Kind: "netprobe", Address: "10.1.2.3", District: "灵宝市"},
		{Name: "lb-agg-01", Kind: "snmp", Address: "10.1.2.3:161", District: "灵宝市", Level: "county"},
		{Name: "portal", Kind: "netprobe", Address: "https://[2001:db8::7]:8443/health"},
	}, inventory.Link{Name: "city-lingbao-1", ADevice: "sx-core-01", AInterface: "XGE1/0/1",
		BDevice: "lb-agg-01", BInterface: "XGE0/0/1", Group: "city-lingbao"}.Targets()...)
}

func TestDevicesResolve(t *testing.T) {
	var d Devices
	_, _, ok := d.Resolve(netip.MustParseAddr("10.1.2.3"))
	assert.False(t, ok, "the zero value resolves nothing")
	d.Update(testEstate())
	cases := []struct {
		addr, want string
		ok         bool
	}{
		{"10.1.2.3", "lb-agg-01", true}, // the SNMP device wins over the probe of the same host
		{"::ffff:10.1.2.3", "lb-agg-01", true},
		{"2001:db8::7", "portal", true}, // a URL's host
		{"10.9.9.9", "", false},
	}
	for _, tc := range cases {
		name, labels, ok := d.Resolve(netip.MustParseAddr(tc.addr))
		assert.Equal(t, tc.ok, ok, tc.addr)
		assert.Equal(t, tc.want, name, tc.addr)
		if tc.want == "lb-agg-01" {
			assert.Equal(t, "county", labels["level"])
		}
	}
}

func TestDevicesLabelLinkEnds(t *testing.T) {
	var d Devices
	d.Update(testEstate())
	for _, end := range [][2]string{{"sx-core-01", "XGE1/0/1"}, {"lb-agg-01", "XGE0/0/1"}} {
		in := collectors.Event{Labels: map[string]string{"instance": end[0], "ifname": end[1], "trap": "linkDown"}}
		out := d.Label(in)
		assert.Equal(t, "city-lingbao-1", out.Labels["link"], end)
		assert.Equal(t, "city-lingbao", out.Labels["group"], end)
		assert.NotContains(t, in.Labels, "link", "the caller's labels are not changed")
	}
	other := collectors.Event{Labels: map[string]string{"instance": "lb-agg-01", "ifname": "GE0/0/9"}}
	assert.Equal(t, other, d.Label(other), "a port that ends no link")
	named := collectors.Event{Labels: map[string]string{"instance": "lb-agg-01", "ifname": "XGE0/0/1", "link": "x"}}
	assert.Equal(t, "x", d.Label(named).Labels["link"], "a link the event names already stays")
}

func TestTargetAddr(t *testing.T) {
	for in, want := range map[string]string{"10.0.0.1": "10.0.0.1", "10.0.0.1:161": "10.0.0.1",
		"[::1]:161": "::1", "udp://192.0.2.1:162": "192.0.2.1", "::ffff:192.0.2.2": "192.0.2.2"} {
		a, ok := targetAddr(in)
		require.True(t, ok, in)
		assert.Equal(t, want, a.String(), in)
	}
	_, ok := targetAddr("core-sw.example")
	assert.False(t, ok, "names are not resolved")
}

// A trap that names its port by ifIndex (standard linkDown) or ifDescr takes
// the poller's ifName for it; without a lookup the ifDescr stands in.
func TestNameInterface(t *testing.T) {
	poller := func(dev string, idx int) (string, bool) {
		return map[int]string{7: "GE0/0/7"}[idx], dev == "lb-agg-01" && idx == 7
	}
	cases := []struct {
		name string
		in   Trap
		want string
	}{
		{"ifName carried", Trap{Device: "lb-agg-01", IfIndex: 7, IfName: "Gi0/7"}, "Gi0/7"},
		{"ifIndex only", Trap{Device: "lb-agg-01", IfIndex: 7}, "GE0/0/7"},
		{"ifDescr joins by its index", Trap{Device: "lb-agg-01", IfIndex: 7, IfDescr: "GigabitEthernet0/0/7"}, "GE0/0/7"},
		{"unknown to the poller", Trap{Device: "lb-agg-01", IfIndex: 8, IfDescr: "GigabitEthernet0/0/8"}, "GigabitEthernet0/0/8"},
		{"other device", Trap{Device: "x", IfIndex: 7}, ""},
	}
	for _, tc := range cases {
		tr := tc.in
		nameInterface(&tr, poller)
		assert.Equal(t, tc.want, tr.IfName, tc.name)
	}
	tr := Trap{IfIndex: 7, IfDescr: "GigabitEthernet0/0/7"}
	nameInterface(&tr, nil)
	assert.Equal(t, "GigabitEthernet0/0/7", tr.IfName)
}
