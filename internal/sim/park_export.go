package sim

import (
	"strconv"
)

// The park's inventory rows (docs/swanlake.md): kind camera, nvr, snmp and
// device, system 天鹅湖景区, district 湖滨区, the site, and the park switch
// each hangs off as parent (the switches' parent is the core). Passwords and
// the community are files the park wrote under ParkOptions.SecretsDir; no
// address carries a credential.

// parkCommunity is the park agents' SNMP community: the agents share the
// WAN agents' request checks, which answer "public".
const parkCommunity = community

// secrets lists each secret file's name and content.
func (p *park) secrets() map[string]string {
	out := map[string]string{"snmp-community": parkCommunity}
	for _, c := range p.cams {
		out[c.Name] = c.Password
	}
	for _, n := range p.nvrs {
		out[n.Name] = n.password
	}
	for name, pw := range p.devPass {
		out[name] = pw
	}
	return out
}

// parkTarget is a row with the park's common labels.
func parkTarget(name, kind, addr, site, parent string, labels, params map[string]string) ExportTarget {
	if labels == nil {
		labels = map[string]string{}
	}
	return ExportTarget{Name: name, Kind: kind, Address: addr, District: parkDistrict, Level: parkLevel, Site: site,
		System: parkSystem, Dept: parkDept, Parent: parent, Labels: labels, Params: params}
}

// export appends the park's targets; httpBase is the simulator's listener
// (http://host:port), where the snapshot endpoints are.
func (p *park) export(out *Export, httpBase string) {
	rtspBase := "rtsp://" + p.rtsp.Addr() + "/"
	if p.rtsp.Addr() == "" {
		rtspBase = "rtsp://" + p.opts.RTSPListen + "/"
	}
	for _, c := range p.cams {
		out.Targets = append(out.Targets, parkTarget(c.Name, "camera", rtspBase+c.path, c.Site, c.Switch,
			map[string]string{"vendor": "hikvision", "nvr": parkNVRSpecs[c.NVR].Name},
			map[string]string{"username": "admin", "password_file": p.secretFile(c.Name),
				"snapshot_url":  httpBase + "/park/cam/" + c.Name + "/ISAPI/Streaming/channels/101/picture",
				"snapshot_auth": "digest", "night": "auto"}))
	}
	for _, n := range p.nvrs {
		out.Targets = append(out.Targets, parkTarget(n.Name, "nvr", n.addr(), parkNVRSite, swCore,
			map[string]string{"vendor": string(n.Profile)},
			map[string]string{"profile": string(n.Profile), "username": "admin", "password_file": p.secretFile(n.Name),
				"channels": n.channels(), "retention_days": strconv.Itoa(parkRetention)}))
	}
	for _, a := range p.agents {
		params := map[string]string{"version": "2c", "community_file": p.secretFile("snmp-community")}
		if len(a.aps) > 0 { // the WLAN controller is a park device read through its profile
			params["profile"] = "huawei-wlan-ac"
			out.Targets = append(out.Targets, parkTarget(a.name, "device", a.addr(), a.site, a.parent,
				map[string]string{"vendor": "huawei", "model": "AC6508"}, params))
			continue
		}
		out.Targets = append(out.Targets, parkTarget(a.name, "snmp", a.addr(), a.site, a.parent,
			map[string]string{"vendor": "huawei", "model": "S5735-L48P4X-A1", "role": "park_switch"}, params))
	}
	for _, t := range p.pa {
		out.Targets = append(out.Targets, parkTarget(t.name, "device", t.addr(), t.site, t.parent,
			nil, map[string]string{"profile": "broadcast-sip", "zone": t.site}))
	}
	p.exportDevices(out)
}

// exportDevices appends the vendor boxes and the plate cameras.
func (p *park) exportDevices(out *Export) {
	login := func(name string, params map[string]string) map[string]string {
		params["username"], params["password_file"] = "admin", p.secretFile(name)
		return params
	}
	for _, g := range parkGates {
		params := map[string]string{"profile": "modbus-gate-board", "gate": g.Label}
		if g.Kind == "hikvision" {
			params = login(g.Name, map[string]string{"profile": "hikvision-turnstile", "gate": g.Label})
		}
		out.Targets = append(out.Targets, parkTarget(g.Name, "device", p.boxAddr(g.Kind, g.Name), g.Site, g.Switch,
			map[string]string{"vendor": g.Kind}, params))
	}
	for _, l := range parkLots {
		gate := l.Label + "道闸"
		out.Targets = append(out.Targets, parkTarget("barrier-"+l.Name, "device", p.boxAddr("barrier", l.Name), l.Site, l.Switch,
			map[string]string{"vendor": "hikvision"}, login("barrier-"+l.Name, map[string]string{"profile": "hikvision-barrier", "gate": gate})))
		out.Targets = append(out.Targets, parkTarget("parking-"+l.Name, "device", p.boxAddr("parking", ""), l.Site, swCore,
			map[string]string{"vendor": "hikvision"}, map[string]string{"profile": "parking-json", "park_syscode": l.Code}))
	}
	for _, c := range p.plates {
		out.Targets = append(out.Targets, parkTarget(c.name(), "device", c.ip, c.lot.Site, c.lot.Switch,
			map[string]string{"vendor": "vzenith"}, map[string]string{"profile": "vzenith-plate", "serialno": c.serial,
				"gate": c.lot.Label + "道闸", "direction": c.dir, "barrier_input": "0", "barrier_open_value": "1"}))
	}
	for _, l := range parkLEDs {
		params := map[string]string{"profile": "xixun-led", "card_id": ledCardID(l.Name)}
		if l.Kind == "coex" {
			params = map[string]string{"profile": "novastar-coex", "screen_id": ledScreenID(l.Name)}
		}
		out.Targets = append(out.Targets, parkTarget(l.Name, "device", p.boxAddr(l.Kind, l.Name), l.Site, l.Switch,
			map[string]string{"vendor": l.Kind}, params))
	}
}
