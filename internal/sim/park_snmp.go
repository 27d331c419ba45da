package sim

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/gosnmp/gosnmp"
)

// The park's SNMP agents: three Huawei switches (the core in the visitor
// centre and two PoE access switches the cameras and devices hang off, their
// topology parents) and a Huawei AC6508 WLAN controller with its access
// points. They reuse the WAN agents' MIB views and request handling
// (snmp_mib.go, snmp_agent.go) with cells computed from the park: a port is
// down while its camera is offline, and each AP's clients follow the crowd in
// its zone. One UDP socket each on the park's host.
//
// Octet counters run at a fixed rate per port (2 Mbit/s from a camera, a few
// kB/s from a gate or screen) from the switch's boot; unlike the WAN's they
// do not stop while a port is down.

// parkAgent is one SNMP device of the park.
type parkAgent struct {
	name, site, parent string
	descr, objectID    string
	boot               float64
	mib                *deviceMIB
	ports              []parkPort // switches only
	aps                []*parkAP  // the AC only

	udpEndpoint
}

// parkPort is a switch port and what is plugged into it.
type parkPort struct {
	name, alias string
	speed       float64 // bit/s
	rate        float64 // bytes/s each way, mean
	cam         *parkCam
}

// parkAP is an access point of the AC.
type parkAP struct {
	name, zone, ip string
	mac            []uint32
	share          float64 // of its zone's connected visitors
	down           atomic.Bool
}

const (
	parkAC         = "ac-park"
	parkSwitchDesc = "S5735-L48P4X-A1\r\nHuawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (S5735-L48P4X-A1 V200R022C00SPC500)\r\nCopyright (C) 2000-2022 HUAWEI TECH Co., Ltd."
	parkACDesc     = "Huawei AC6508\r\nHuawei Versatile Routing Platform Software\r\nVRP (R) software, Version 5.170 (AC6508 V200R021C00SPC100)\r\nCopyright (C) 2000-2021 HUAWEI TECH Co., Ltd."
	wifiTakeRate   = 0.3 // of visitors inside whose phones join the park WiFi
)

// HUAWEI-WLAN-AP-MIB and HUAWEI-WLAN-GLOBAL-MIB (../shared/notes/swanlake.md §7).
var (
	oidHwWlanApEntry  = mustOID("1.3.6.1.4.1.2011.6.139.13.3.3.1")
	oidHwWlanStaStats = mustOID("1.3.6.1.4.1.2011.6.139.12.1.2") // .2 CurAssocStaNum, .3 CurAuthSuccessStaNum
	oidHwWlanApStats  = mustOID("1.3.6.1.4.1.2011.6.139.12.1.5") // .6 ServiceNormalAPCount, .7 ApCount
)

// hwWlanApTable columns served.
const (
	apColMac      = 1
	apColSN       = 2
	apColName     = 4
	apColGroup    = 5
	apColRunState = 6
	apColIP       = 13
	apColRunTime  = 18
	apColOnline   = 21
	apColMem      = 40
	apColCPU      = 41
	apColUsers    = 44
	apStateNormal = 8
	apStateFault  = 4
)

func (p *park) buildAgents() {
	boot := timeSec(p.now()) - float64(20+hash3(uint64(p.seed), 0x737720, 0)%40)*day // up 20–60 days
	core := &parkAgent{name: swCore, site: parkNVRSite, descr: parkSwitchDesc, objectID: "1.3.6.1.4.1.2011.2.23.696", boot: boot}
	core.ports = []parkPort{
		{name: "XGigabitEthernet0/0/1", alias: swNorth, speed: 10e9},
		{name: "XGigabitEthernet0/0/2", alias: swSouth, speed: 10e9},
	}
	for _, n := range parkNVRSpecs {
		core.ports = append(core.ports, parkPort{name: fmt.Sprintf("GigabitEthernet0/0/%d", len(core.ports)-1), alias: n.Name, speed: 1e9, rate: 2e3})
	}
	core.ports = append(core.ports, parkPort{name: fmt.Sprintf("GigabitEthernet0/0/%d", len(core.ports)-1), alias: parkAC, speed: 1e9, rate: 20e3})
	p.agents = append(p.agents, core)
	for _, sw := range []string{swNorth, swSouth} {
		a := &parkAgent{name: sw, site: map[string]string{swNorth: "北门广场", swSouth: "南门"}[sw], parent: swCore,
			descr: parkSwitchDesc, objectID: "1.3.6.1.4.1.2011.2.23.696", boot: boot}
		a.ports = p.accessPorts(sw)
		p.agents = append(p.agents, a)
	}
	ac := &parkAgent{name: parkAC, site: parkNVRSite, parent: swCore, descr: parkACDesc, objectID: "1.3.6.1.4.1.2011.2.240.12", boot: boot}
	for zi, z := range parkZones {
		for k := range z.APs {
			h := hash3(uint64(p.seed), uint64(zi), uint64(k))
			ap := &parkAP{name: fmt.Sprintf("ap-%s-%d", z.Slug, k+1), zone: z.Name, ip: fmt.Sprintf("10.86.%d.%d", 20+zi, 11+k),
				mac: []uint32{0x48, 0x7b, 0x6b, uint32(h >> 8 & 255), uint32(zi), uint32(k)}, share: (0.7 + 0.6*unit(h)) / float64(z.APs)}
			ac.aps = append(ac.aps, ap)
		}
	}
	p.agents = append(p.agents, ac)
	for _, a := range p.agents {
		a.mib = p.buildAgentMIB(a)
	}
}

// accessPorts lists what hangs off an access switch, in port order, and the
// 10G uplink to the core last.
func (p *park) accessPorts(sw string) []parkPort {
	var ports []parkPort
	add := func(alias string, rate float64, cam *parkCam) {
		ports = append(ports, parkPort{name: fmt.Sprintf("GigabitEthernet0/0/%d", len(ports)+1), alias: alias, speed: 1e9, rate: rate, cam: cam})
	}
	for _, c := range p.cams {
		if c.Switch == sw {
			add(c.Name, parkCameraRateBs, c)
		}
	}
	for _, g := range parkGates {
		if g.Switch == sw {
			add(g.Name, 1e3, nil)
		}
	}
	for _, l := range parkLots {
		if l.Switch == sw {
			add(l.Name+"-in", 3e3, nil)
			add(l.Name+"-out", 3e3, nil)
		}
	}
	for _, l := range parkLEDs {
		if l.Switch == sw {
			add(l.Name, 5e3, nil)
		}
	}
	for _, b := range parkBroadcast {
		if b.Switch == sw {
			add(b.Name, 1e3, nil)
		}
	}
	return append(ports, parkPort{name: "XGigabitEthernet0/0/1", alias: swCore, speed: 10e9})
}

func (p *park) buildAgentMIB(a *parkAgent) *deviceMIB {
	ts := []*mibTable{{prefix: oidSystem, cols: seq(1, 7), rows: staticRows(scalarRow), cell: a.systemCell}}
	if len(a.ports) > 0 {
		var rows [][]uint32
		for i := range a.ports {
			rows = append(rows, []uint32{uint32(i + 1)})
		}
		ts = append(ts,
			&mibTable{prefix: oidInterfaces, cols: []uint32{1}, rows: staticRows(scalarRow),
				cell: func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) { return gosnmp.Integer, len(a.ports) }},
			&mibTable{prefix: oidIfEntry, cols: []uint32{1, 2, 3, 5, 7, 8, 10, 16}, rows: staticRows(rows), cell: a.ifCell},
			&mibTable{prefix: oidIfXEntry, cols: []uint32{1, 6, 10, 15, 18}, rows: staticRows(rows), cell: a.ifXCell})
	}
	if len(a.aps) > 0 {
		var rows [][]uint32
		for _, ap := range a.aps {
			rows = append(rows, ap.mac)
		}
		sortOIDs(rows)
		ts = append(ts,
			&mibTable{prefix: oidHwWlanApEntry, cols: []uint32{apColMac, apColSN, apColName, apColGroup, apColRunState, apColIP,
				apColRunTime, apColOnline, apColMem, apColCPU, apColUsers}, rows: staticRows(rows), cell: p.apCell(a)},
			&mibTable{prefix: oidHwWlanStaStats, cols: []uint32{2, 3}, rows: staticRows(scalarRow), cell: p.staStatsCell(a)},
			&mibTable{prefix: oidHwWlanApStats, cols: []uint32{6, 7}, rows: staticRows(scalarRow), cell: p.apStatsCell(a)})
	}
	return &deviceMIB{tables: sortTables(ts)}
}

func sortOIDs(rows [][]uint32) {
	for i := 1; i < len(rows); i++ {
		for j := i; j > 0 && compareOID(rows[j], rows[j-1]) < 0; j-- {
			rows[j], rows[j-1] = rows[j-1], rows[j]
		}
	}
}

func (a *parkAgent) systemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1:
		return gosnmp.OctetString, a.descr
	case 2:
		return gosnmp.ObjectIdentifier, "." + a.objectID
	case 3:
		return gosnmp.TimeTicks, uint32(uint64((c.t - a.boot) * 100))
	case 4:
		return gosnmp.OctetString, "天鹅湖景区管理处信息中心 0398-2800000"
	case 5:
		return gosnmp.OctetString, a.name
	case 6:
		return gosnmp.OctetString, parkDistrict + " " + parkSystem + " " + a.site
	}
	return gosnmp.Integer, 6 // sysServices: layers 2 and 3
}

// portUp tells whether a port's link is up: a camera port goes down with its
// camera.
func (pp *parkPort) up() bool { return pp.cam == nil || camForce(pp.cam.force.Load()) != camOffline }

// octets is what a port carried each way since boot: the device's rate in,
// a tenth of it out (requests and acknowledgements); an uplink carries the rest.
func (a *parkAgent) octets(i int, t float64) (in, out float64) {
	pp := &a.ports[i]
	up := t - a.boot
	if pp.rate > 0 {
		return pp.rate * up, pp.rate * 0.1 * up
	}
	sum := 0.0
	for _, q := range a.ports {
		sum += q.rate
	}
	return sum * 0.1 * up, sum * up
}

func (a *parkAgent) ifCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	i := int(row[0]) - 1
	pp := &a.ports[i]
	in, out := a.octets(i, c.t)
	switch col {
	case ifColIndex:
		return gosnmp.Integer, int(row[0])
	case ifColDescr:
		return gosnmp.OctetString, pp.name
	case ifColType:
		return gosnmp.Integer, 6 // ethernetCsmacd
	case ifColSpeed:
		return gosnmp.Gauge32, gauge32(pp.speed)
	case ifColAdminStatus:
		return gosnmp.Integer, 1
	case ifColOperStatus:
		return gosnmp.Integer, map[bool]int{true: 1, false: 2}[pp.up()]
	case ifColInOctets:
		return gosnmp.Counter32, counter32(in)
	}
	return gosnmp.Counter32, counter32(out)
}

func (a *parkAgent) ifXCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	i := int(row[0]) - 1
	pp := &a.ports[i]
	in, out := a.octets(i, c.t)
	switch col {
	case ifXColName:
		return gosnmp.OctetString, pp.name
	case ifXColHCInOctets:
		return gosnmp.Counter64, uint64(in)
	case ifXColHCOutOctets:
		return gosnmp.Counter64, uint64(out)
	case ifXColHighSpeed:
		return gosnmp.Gauge32, uint32(pp.speed / 1e6)
	}
	return gosnmp.OctetString, pp.alias
}

// clients is the number of phones on AP ap at t: its share of the visitors
// inside in its zone who use the WiFi, plus two staff devices, varied a
// little per AP and minute; none when the AP is down.
func (p *park) clients(ap *parkAP, t float64) int {
	if ap.down.Load() {
		return 0
	}
	share := 0.0
	for _, z := range parkZones {
		if z.Name == ap.zone {
			share = z.Share
		}
	}
	wobble := 1 + 0.1*signedUnit(hash3(uint64(p.seed), uint64(ap.mac[5])<<8|uint64(ap.mac[4]), uint64(t/60)))
	return int(math.Round(p.crowd.inside(t)*share*wifiTakeRate*ap.share*wobble)) + 2
}

func (p *park) apCell(a *parkAgent) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
	byMac := map[string]*parkAP{}
	for _, ap := range a.aps {
		byMac[fmt.Sprint(ap.mac)] = ap
	}
	return func(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
		ap := byMac[fmt.Sprint(row)]
		n := p.clients(ap, c.t)
		switch col {
		case apColMac:
			return gosnmp.OctetString, []byte{byte(row[0]), byte(row[1]), byte(row[2]), byte(row[3]), byte(row[4]), byte(row[5])}
		case apColSN:
			return gosnmp.OctetString, fmt.Sprintf("2102353VRR10P%07d", row[3]<<16|row[4]<<8|row[5])
		case apColName:
			return gosnmp.OctetString, ap.name
		case apColGroup:
			return gosnmp.OctetString, ap.zone
		case apColRunState:
			return gosnmp.Integer, map[bool]int{false: apStateNormal, true: apStateFault}[ap.down.Load()]
		case apColIP:
			return gosnmp.IPAddress, ap.ip
		case apColRunTime, apColOnline:
			return gosnmp.TimeTicks, uint32(uint64((c.t - a.boot) * 100))
		case apColMem:
			return gosnmp.Integer, 31 + n/20
		case apColCPU:
			return gosnmp.Integer, 4 + n/8
		}
		return gosnmp.Integer, n // hwWlanApOnlineUserNum
	}
}

func (p *park) staStatsCell(a *parkAgent) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
	return func(c *mibCtx, _ uint32, _ []uint32) (gosnmp.Asn1BER, any) {
		sum := 0
		for _, ap := range a.aps {
			sum += p.clients(ap, c.t)
		}
		return gosnmp.Gauge32, uint32(sum)
	}
}

func (p *park) apStatsCell(a *parkAgent) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
	return func(_ *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
		if col == 7 {
			return gosnmp.Integer, len(a.aps)
		}
		up := 0
		for _, ap := range a.aps {
			if !ap.down.Load() {
				up++
			}
		}
		return gosnmp.Integer, up
	}
}

func (a *parkAgent) listen(host string) error { return a.udpEndpoint.listen(host, "park snmp "+a.name) }

// serve answers datagrams until the socket closes.
func (a *parkAgent) serve(p *park) {
	serveMIB(&a.udpEndpoint, a.mib, func() float64 { return timeSec(p.now()) })
}
