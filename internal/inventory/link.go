package inventory

import "strconv"

// Link is one WAN link as a first-class inventory object (R-B2, R-B3, R-B4): its
// two ends on SNMP devices of the inventory, the contracted bandwidth, the
// redundancy group it belongs to and the addresses that probe it. It is not
// collected itself: Targets turns it into the collector targets that are.
type Link struct {
	Name     string `yaml:"name" json:"name"`
	Level    string `yaml:"level" json:"level"`       // city, county, town or village
	District string `yaml:"district" json:"district"` // Chinese name, one of Districts

	// The A and B ends: the inventory name of an SNMP device and the
	// interface's ifName as the device reports it. Utilisation is measured at
	// A; B may be empty for an exit to a carrier, whose far end is not ours.
	// The keys are flat (a_device, ...) as the Excel columns and the control
	// plane's export have them.
	ADevice    string `yaml:"a_device" json:"a_device"`
	AInterface string `yaml:"a_interface" json:"a_interface"`
	BDevice    string `yaml:"b_device,omitempty" json:"b_device,omitempty"`
	BInterface string `yaml:"b_interface,omitempty" json:"b_interface,omitempty"`

	// BandwidthBps is the contracted rate, the same in both directions (R-B2).
	BandwidthBps Bandwidth `yaml:"bandwidth" json:"bandwidth"`
	// Group names the redundancy group: the physically separate paths that
	// back each other up (R-B3), or the exits over several carriers (R-B4).
	Group string `yaml:"group,omitempty" json:"group,omitempty"`
	// ISP is the carrier of an internet exit (电信, 联通, 移动 ...).
	ISP string `yaml:"isp,omitempty" json:"isp,omitempty"`
	// IPv4 and IPv6 are the far-end addresses the network probe pings; with
	// both, the same round compares the two families (R-B5).
	IPv4 string `yaml:"ipv4,omitempty" json:"ipv4,omitempty"`
	IPv6 string `yaml:"ipv6,omitempty" json:"ipv6,omitempty"`

	Labels map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`
	// Params go to the link's netprobe target (e.g. count=20); its own
	// probe, ipv4 and ipv6 win over them.
	Params map[string]string `yaml:"params,omitempty" json:"params,omitempty"`

	// Source says where the link came from; set by the loader, never read from input.
	Source string `yaml:"-" json:"-"`
}

// Kinds of the targets a link becomes.
const (
	KindLink     = "link"
	KindNetprobe = "netprobe"
)

// Params of a "link" target, named as the labels the link collector emits
// (collectors/link), so that PromQL joins links to SNMP interface series.
const (
	ParamADevice      = "a_device"
	ParamAIfName      = "a_ifname"
	ParamBDevice      = "b_device"
	ParamBIfName      = "b_ifname"
	ParamGroup        = "group"
	ParamISP          = "isp"
	ParamBandwidthBps = "bandwidth_bps"
)

// linkLabels are the labels the link and probe series carry for a link; an
// extra label of the same name would fight them.
var linkLabels = []string{"link", "group", "isp", "a_device", "a_ifname", "b_device", "b_ifname", "family", "probe"}

// Targets returns the collector targets of l: one of kind "link" (instance =
// link name) whose collector states the link's ends and bandwidth, and, when l
// has probe addresses, one of kind "netprobe" that pings them over each family.
func (l Link) Targets() []Target {
	out := []Target{l.infoTarget()}
	if l.IPv4 != "" || l.IPv6 != "" {
		out = append(out, l.probeTarget())
	}
	return out
}

func (l Link) infoTarget() Target {
	params := nonEmpty(map[string]string{
		ParamADevice: l.ADevice, ParamAIfName: l.AInterface,
		ParamBDevice: l.BDevice, ParamBIfName: l.BInterface,
		ParamGroup: l.Group, ParamISP: l.ISP,
		ParamBandwidthBps: strconv.FormatInt(int64(l.BandwidthBps), 10),
	})
	return Target{Name: l.Name, Kind: KindLink, Address: l.ADevice + ":" + l.AInterface,
		District: l.District, Level: l.Level, Labels: copyMap(l.Labels), Params: params, Source: l.Source}
}

// probeTarget dials the IPv4 address when there is one; the netprobe
// collector reads both families from its params.
func (l Link) probeTarget() Target {
	labels := copyMap(l.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels["link"] = l.Name
	if l.Group != "" {
		labels["group"] = l.Group
	}
	addr := l.IPv4
	if addr == "" {
		addr = l.IPv6
	}
	params := copyMap(l.Params)
	if params == nil {
		params = map[string]string{}
	}
	params["probe"], params["ipv4"], params["ipv6"] = "icmp", l.IPv4, l.IPv6
	return Target{Name: l.Name, Kind: KindNetprobe, Address: addr, District: l.District, Level: l.Level,
		Labels: labels, Params: nonEmpty(params), Source: l.Source}
}

func nonEmpty(m map[string]string) map[string]string {
	for k, v := range m {
		if v == "" {
			delete(m, k)
		}
	}
	return m
}

func copyMap(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
