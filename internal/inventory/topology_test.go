package inventory

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func link(name, a, b, group string) Target {
	return Target{Name: name, Kind: KindLink, Params: map[string]string{ParamADevice: a, ParamBDevice: b, ParamGroup: group}}
}

func TestParentsPutsLinksBetweenDevices(t *testing.T) {
	targets := []Target{
		{Name: "core", Kind: "snmp", Level: "city"},
		{Name: "lb-agg", Kind: "snmp", Level: "county", Parent: "core"},
		{Name: "town1", Kind: "snmp", Level: "town", Parent: "lb-agg"},
		{Name: "town2", Kind: "snmp", Level: "town", Parent: "lb-agg"},
		{Name: "probe", Kind: KindNetprobe, Parent: "core"},
		link("up-town1", "lb-agg", "town1", ""),      // single uplink, upstream first
		link("up-lb-a", "lb-agg", "core", "lb-pair"), // redundancy group, written downstream first
		link("up-lb-b", "core", "lb-agg", "lb-pair"),
		link("exit", "core", "", ""),          // carrier exit: no far end
		link("lateral", "town1", "town2", ""), // same level: not on a chain
	}
	assert.Equal(t, map[string]string{
		"lb-agg":   "lb-pair", // the group stands between the county and the city
		"lb-pair":  "core",
		"up-lb-a":  "core",
		"up-lb-b":  "core",
		"town1":    "up-town1", // the single uplink is the town's parent
		"up-town1": "lb-agg",
		"town2":    "lb-agg",
	}, Parents(targets))
}

func TestParentsKeepsAnUplinkToAnotherParentOffTheChain(t *testing.T) {
	targets := []Target{
		{Name: "core", Kind: "snmp", Level: "city"},
		{Name: "agg", Kind: "snmp", Level: "county", Parent: "core"},
		{Name: "town", Kind: "snmp", Level: "town", Parent: "agg"},
		link("backdoor", "core", "town", ""), // the town's inventory parent is agg, not core
	}
	got := Parents(targets)
	assert.Equal(t, "agg", got["town"])
	assert.Equal(t, "core", got["backdoor"])
}

func TestParentsOfNothing(t *testing.T) {
	assert.Empty(t, Parents(nil))
}
