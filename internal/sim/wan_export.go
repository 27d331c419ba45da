package sim

import (
	"strconv"
)

// ExportLink is one WAN link of the export: two ends (device and interface),
// contracted bandwidth, level, redundancy group, carrier and probe addresses.
// Level is that of the lower end (a city↔county link is "county"); an internet
// exit is "city" with b_device naming the carrier's side (isp-ct, isp-cu,
// isp-cm), which is no device of ours. Params carry the simulator's configured
// "true" path figures per family (sim_v4_rtt_seconds, sim_v4_loss_ratio,
// sim_v4_jitter_seconds and the same for v6) for a simulated probe to use.
type ExportLink struct {
	Name       string            `json:"name"`
	Level      string            `json:"level"`
	District   string            `json:"district"`
	ADevice    string            `json:"a_device"`
	AInterface string            `json:"a_interface"`
	BDevice    string            `json:"b_device"`
	BInterface string            `json:"b_interface"`
	Bandwidth  float64           `json:"bandwidth"` // bits/s
	Group      string            `json:"group"`
	ISP        string            `json:"isp"`
	IPv4       string            `json:"ipv4"`
	IPv6       string            `json:"ipv6"`
	Labels     map[string]string `json:"labels"`
	Params     map[string]string `json:"params,omitempty"`
}

// wanSystem and wanDept are who runs the WAN, as the inventory records it.
const (
	wanSystem = "电子政务外网"
	wanDept   = bureau
)

// export appends the devices as SNMP targets and the WAN links.
func (w *wanServer) export(out *Export) {
	for i, d := range w.net.devs {
		m := models[d.vendor][d.Role]
		out.Targets = append(out.Targets, ExportTarget{
			Name: d.Name, Kind: "snmp", Address: w.addr(i),
			District: d.District, Level: d.Level, Site: d.Site, System: wanSystem, Dept: wanDept, Parent: d.Parent,
			Labels: map[string]string{"vendor": d.vendor.Name, "model": m.Name, "role": d.Role},
			Params: map[string]string{"version": "2c", "community": community},
		})
	}
	for _, l := range w.net.links {
		if l.WAN {
			out.Links = append(out.Links, w.net.exportLink(l))
		}
	}
}

func (n *wanNet) exportLink(l *wanLink) ExportLink {
	a := n.devs[l.A.dev]
	e := ExportLink{Name: l.Name, Level: l.Level, District: l.District, ADevice: a.Name,
		AInterface: a.ports[l.A.port].Name, Bandwidth: l.Bandwidth, Group: l.Group, ISP: l.ISP,
		IPv4: l.IPv4, IPv6: l.IPv6, Labels: map[string]string{}, Params: map[string]string{}}
	if bd, bp := n.peer(l, 0); bd != nil {
		e.BDevice, e.BInterface = bd.Name, bp.Name
	} else {
		e.BDevice = l.Name[len(a.Name)+1:]
	}
	for fam, q := range map[string]pathQuality{"v4": l.V4, "v6": l.V6} {
		e.Params["sim_"+fam+"_rtt_seconds"] = strconv.FormatFloat(q.RTT, 'g', 6, 64)
		e.Params["sim_"+fam+"_loss_ratio"] = strconv.FormatFloat(q.Loss, 'g', 6, 64)
		e.Params["sim_"+fam+"_jitter_seconds"] = strconv.FormatFloat(q.Jitter, 'g', 6, 64)
	}
	return e
}
