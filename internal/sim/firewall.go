package sim

import (
	"fmt"
	"math"

	"github.com/gosnmp/gosnmp"
)

// The border firewalls' SNMP agents: what the device profiles
// firewall-huawei-usg, firewall-h3c-secpath and firewall-hillstone read
// (collectors/device/profiles, where each OID's source and certainty is
// written): concurrent sessions per board or CPU, CPU per board, the HA
// state (VRRP-MIB vrrpOperState for the USG and the SecPath, sysHAStatus
// for the Hillstone), and the system group. Sessions follow the working
// day; every unit is master of its groups (the standby units are not
// simulated). The sysObjectIDs sit under each vendor's enterprise subtree
// but are not the models' registered ones.

// fwSpec is one firewall model and its place in the network.
type fwSpec struct {
	vendor, model, profile string // vendor label, model label, device profile
	descr, objectID        string
	serial                 string // Hillstone: in every log line
	inside                 string // the protected network's first two octets
	nat, vips              []string
	sessions               float64 // concurrent sessions at the busiest hour
	sessionMax             int     // Hillstone: the licence's limit
	boards                 int     // USG: SPUs; SecPath: CPUs
	vrrp                   [][2]uint32
}

// fwSpecs: the city data centre's USG, 灵宝市's SecPath, Swan Lake's Hillstone.
// Public addresses are from the documentation range 203.0.113.0/24.
var fwSpecs = []fwSpec{
	{vendor: "huawei", model: "USG6650E", profile: "firewall-huawei-usg", objectID: "1.3.6.1.4.1.2011.2.239.1",
		descr:  "Huawei Versatile Security Platform Software\r\nSoftware Version: USG6650E V600R007C20SPC500\r\nCopyright (C) 2014-2022 Huawei Technologies Co., Ltd.",
		inside: "10.20", nat: []string{"203.0.113.10", "203.0.113.11", "203.0.113.12"},
		vips: []string{"203.0.113.20", "203.0.113.21"}, sessions: 180000, boards: 2, vrrp: [][2]uint32{{7, 1}, {8, 2}}},
	{vendor: "h3c", model: "F1000-AI-55", profile: "firewall-h3c-secpath", objectID: "1.3.6.1.4.1.25506.1.2108",
		descr:  "H3C Comware Platform Software, Software Version 7.1.064, Release 9333P30\r\nH3C SecPath F1000-AI-55\r\nCopyright (c) 2004-2022 New H3C Technologies Co., Ltd. All rights reserved.",
		inside: "10.30", nat: []string{"203.0.113.40", "203.0.113.41"},
		vips: []string{"203.0.113.50"}, sessions: 60000, boards: 2, vrrp: [][2]uint32{{5, 1}}},
	{vendor: "hillstone", model: "SG-6000-E3960", profile: "firewall-hillstone", objectID: "1.3.6.1.4.1.28557.1.32",
		descr: "Hillstone Networks StoneOS software, Version 5.5R9P2, SG-6000-E3960", serial: "2812008195003847",
		inside: "10.8", nat: []string{"203.0.113.70"}, vips: []string{"203.0.113.80"}, sessions: 25000, sessionMax: 2000000},
}

// firewall is one firewall's SNMP side.
type firewall struct {
	spec fwSpec
	ep   udpEndpoint
	mib  *deviceMIB
	boot float64
	seed uint64
}

// ENTITY-MIB rows of a Comware/VRP box: the chassis, then one per board.
const fwChassis = 16777216

var (
	oidVrrpOper  = mustOID("1.3.6.1.2.1.68.1.3.1")
	oidUsgSess   = mustOID("1.3.6.1.4.1.2011.6.122.15.1.2.1")
	oidUsgCPU    = mustOID("1.3.6.1.4.1.2011.5.25.31.1.1.1.1")
	oidH3cSess   = mustOID("1.3.6.1.4.1.25506.2.149.1.1.1")
	oidH3cCPU    = mustOID("1.3.6.1.4.1.25506.2.6.1.1.1.1")
	oidHillstone = mustOID("1.3.6.1.4.1.28557.2.2.1")
)

func newFirewall(s fwSpec) *firewall {
	f := &firewall{spec: s, seed: hostSeed(s.model)}
	f.mib = &deviceMIB{tables: sortTables(f.tables())}
	return f
}

func (f *firewall) tables() []*mibTable {
	ts := []*mibTable{{prefix: oidSystem, cols: seq(1, 7), rows: staticRows(scalarRow), cell: f.systemCell}}
	if f.spec.vendor == "hillstone" {
		return append(ts, &mibTable{prefix: oidHillstone, cols: []uint32{3, 6, 7, 8}, rows: staticRows(scalarRow), cell: f.hillstoneCell})
	}
	ents := [][]uint32{{fwChassis}}
	for b := range f.spec.boards {
		ents = append(ents, []uint32{uint32(fwChassis + 1 + b)})
	}
	var vrrp [][]uint32
	for _, g := range f.spec.vrrp {
		vrrp = append(vrrp, []uint32{g[0], g[1]})
	}
	ts = append(ts, &mibTable{prefix: oidEntPhysical, cols: []uint32{5, 7}, rows: staticRows(ents), cell: f.entityCell},
		&mibTable{prefix: oidVrrpOper, cols: []uint32{3}, rows: staticRows(vrrp), cell: intCell(3)}) // master
	var units [][]uint32
	for b := range f.spec.boards {
		if f.spec.vendor == "huawei" {
			units = append(units, []uint32{uint32(b + 1)})
		} else { // chassis 0, slot b+1, CPU 0
			units = append(units, []uint32{0, uint32(b + 1), 0})
		}
	}
	if f.spec.vendor == "huawei" {
		return append(ts, &mibTable{prefix: oidUsgSess, cols: []uint32{4}, rows: staticRows(units), cell: f.sessionCell},
			&mibTable{prefix: oidUsgCPU, cols: []uint32{5}, rows: staticRows(ents), cell: f.cpuCell})
	}
	return append(ts, &mibTable{prefix: oidH3cSess, cols: []uint32{4}, rows: staticRows(units), cell: f.sessionCell},
		&mibTable{prefix: oidH3cCPU, cols: []uint32{6}, rows: staticRows(ents), cell: f.cpuCell})
}

func intCell(v int) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
	return func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) { return gosnmp.Integer, v }
}

// sessions at t: the working day's swing around the busiest hour's figure.
func (f *firewall) sessions(t float64) float64 {
	day := 0.55 + 0.45*math.Max(0, math.Sin(math.Pi*(math.Mod(t+shanghaiOffset, 86400)/3600-7)/13))
	return f.spec.sessions * (day + 0.03*signedUnit(hash3(f.seed, uint64(t/30), 0x73657373)))
}

// cpu of board b at t, %: 12–40, with the sessions.
func (f *firewall) cpu(b int, t float64) int {
	return int(12 + 25*f.sessions(t)/f.spec.sessions + 3*signedUnit(hash3(f.seed, uint64(t/30), uint64(b))))
}

func (f *firewall) systemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1:
		return gosnmp.OctetString, f.spec.descr
	case 2:
		return gosnmp.ObjectIdentifier, "." + f.spec.objectID
	case 3:
		return gosnmp.TimeTicks, uint32(uint64((c.t - f.boot) * 100))
	case 4:
		return gosnmp.OctetString, "市大数据管理局 网络安全值班 0398-2900000"
	case 5:
		return gosnmp.OctetString, f.spec.model
	case 6:
		return gosnmp.OctetString, "边界防火墙"
	}
	return gosnmp.Integer, 78
}

func (f *firewall) entityCell(_ *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	board := int(row[0]) - fwChassis
	if col == 5 { // entPhysicalClass: chassis(3), module(9)
		if board == 0 {
			return gosnmp.Integer, 3
		}
		return gosnmp.Integer, 9
	}
	if board == 0 {
		return gosnmp.OctetString, f.spec.model
	}
	if f.spec.vendor == "huawei" {
		return gosnmp.OctetString, fmt.Sprintf("SPU %d", board)
	}
	return gosnmp.OctetString, fmt.Sprintf("Board 0/%d CPU 0", board)
}

func (f *firewall) cpuCell(c *mibCtx, _ uint32, row []uint32) (gosnmp.Asn1BER, any) {
	board := int(row[0]) - fwChassis
	if board == 0 { // the chassis has no CPU
		return gosnmp.Integer, 0
	}
	return gosnmp.Integer, f.cpu(board, c.t)
}

// sessionCell splits the sessions over the boards, the first a little busier.
func (f *firewall) sessionCell(c *mibCtx, _ uint32, row []uint32) (gosnmp.Asn1BER, any) {
	b := row[0]
	if len(row) == 3 {
		b = row[1]
	}
	share := 1 / float64(f.spec.boards)
	if f.spec.boards > 1 {
		share *= 1.1 - 0.2*float64(b-1)/float64(f.spec.boards-1)
	}
	n := uint64(f.sessions(c.t) * share)
	if f.spec.vendor == "huawei" {
		return gosnmp.Counter64, n // as the USG types it, though it is a gauge
	}
	return gosnmp.Gauge32, uint32(n)
}

// hillstoneCell is HILLSTONE-SYSTEM-MIB's scalars: CPU %, the session
// limit, current sessions, HA status (4 master).
func (f *firewall) hillstoneCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 3:
		return gosnmp.Integer, f.cpu(1, c.t)
	case 6:
		return gosnmp.Integer, f.spec.sessionMax
	case 7:
		return gosnmp.Integer, int(f.sessions(c.t))
	}
	return gosnmp.Integer, 4
}
