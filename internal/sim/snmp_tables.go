package sim

import (
	"math"

	"github.com/gosnmp/gosnmp"
)

// buildMIB assembles a device's view: the standard groups every device serves
// and its vendor's CPU, memory, temperature and transceiver tables.
func (n *wanNet) buildMIB(d *wanDevice) *deviceMIB {
	var all, phys, fibre [][]uint32
	for i, p := range d.ports {
		all = append(all, []uint32{uint32(i + 1)})
		if p.Type == 6 {
			phys = append(phys, []uint32{uint32(i + 1)})
		}
		if n.fibre(&p) {
			fibre = append(fibre, []uint32{uint32(i + 1)})
		}
	}
	ts := []*mibTable{
		{prefix: oidSystem, cols: seq(1, 7), rows: staticRows(scalarRow), cell: systemCell},
		{prefix: oidInterfaces, cols: []uint32{1}, rows: staticRows(scalarRow), cell: func(c *mibCtx, _ uint32, _ []uint32) (gosnmp.Asn1BER, any) {
			return gosnmp.Integer, len(c.d.ports)
		}},
		{prefix: oidIfEntry, cols: seq(1, 20), rows: staticRows(all), cell: ifCell},
		{prefix: oidIfXEntry, cols: seq(1, 19), rows: staticRows(all), cell: ifXCell},
		{prefix: oidLldpLocSys, cols: seq(1, 3), rows: staticRows(scalarRow), cell: lldpLocCell},
		{prefix: oidLldpLocPort, cols: seq(2, 4), rows: staticRows(phys), cell: lldpPortCell},
		{prefix: oidLldpRemEntry, cols: seq(4, 9), rows: lldpRows(phys), cell: lldpRemCell},
	}
	ts = append(ts, vendorTables(d, fibre)...)
	return &deviceMIB{tables: sortTables(ts)}
}

func seq(a, b uint32) []uint32 {
	out := make([]uint32, 0, b-a+1)
	for i := a; i <= b; i++ {
		out = append(out, i)
	}
	return out
}

func systemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	oid, descr := c.d.identity()
	switch col {
	case 1:
		return gosnmp.OctetString, descr
	case 2:
		return gosnmp.ObjectIdentifier, "." + oid
	case 3:
		return gosnmp.TimeTicks, uint32(uint64((c.t - c.boot) * 100))
	case 4:
		return gosnmp.OctetString, "三门峡市电子政务外网运维中心 noc@smx.gov.cn"
	case 5:
		return gosnmp.OctetString, c.d.Name
	case 6:
		return gosnmp.OctetString, c.d.District + " " + c.d.Site
	}
	return gosnmp.Integer, 78 // sysServices: layers 2, 3, 4 and 7
}

// operStatus is IF-MIB's 1 up, 2 down.
func operStatus(st *portState) int {
	if st.up {
		return 1
	}
	return 2
}

func ifCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	p, st := c.port(row[0])
	switch col {
	case ifColIndex:
		return gosnmp.Integer, int(row[0])
	case ifColDescr:
		return gosnmp.OctetString, p.Descr
	case ifColType:
		return gosnmp.Integer, p.Type
	case ifColMtu:
		return gosnmp.Integer, 1500
	case ifColSpeed:
		return gosnmp.Gauge32, gauge32(p.Speed)
	case ifColPhysAddress:
		return gosnmp.OctetString, c.d.mac(int(row[0]))
	case ifColAdminStatus:
		return gosnmp.Integer, p.Admin
	case ifColOperStatus:
		return gosnmp.Integer, operStatus(st)
	case ifColLastChange:
		return gosnmp.TimeTicks, uint32(st.lastChange * 100)
	}
	return gosnmp.Counter32, counter32(ifCounter(st, col))
}

// ifCounter maps an ifEntry counter column to its figure.
func ifCounter(st *portState, col uint32) float64 {
	switch col {
	case ifColInOctets:
		return st.octets[dirIn]
	case ifColInUcastPkts:
		return st.ucast[dirIn]
	case ifColInNUcastPkts:
		return st.nucast[dirIn]
	case ifColInDiscards:
		return st.discards[dirIn]
	case ifColInErrors:
		return st.errors[dirIn]
	case ifColOutOctets:
		return st.octets[dirOut]
	case ifColOutUcastPkts:
		return st.ucast[dirOut]
	case ifColOutNUcastPkts:
		return st.nucast[dirOut]
	case ifColOutDiscards:
		return st.discards[dirOut]
	case ifColOutErrors:
		return st.errors[dirOut]
	}
	return 0 // ifInUnknownProtos
}

func ifXCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	p, st := c.port(row[0])
	// Of the non-unicast packets, 60 % are multicast, 40 % broadcast.
	mcast := func(dir int) float64 { return math.Floor(st.nucast[dir] * 0.6) }
	bcast := func(dir int) float64 { return st.nucast[dir] - mcast(dir) }
	switch col {
	case ifXColName:
		return gosnmp.OctetString, p.Name
	case ifXColInMulticastPkts, ifXColInBroadcastPkts, ifXColOutMulticastPkts, ifXColOutBroadcastPkts:
		dir, f := (col-ifXColInMulticastPkts)/2, mcast
		if col%2 == 1 {
			f = bcast
		}
		return gosnmp.Counter32, counter32(f(int(dir)))
	case ifXColHCInOctets, ifXColHCOutOctets:
		return gosnmp.Counter64, uint64(st.octets[(col-ifXColHCInOctets)/4])
	case ifXColHCInUcastPkts, ifXColHCOutUcastPkts:
		return gosnmp.Counter64, uint64(st.ucast[(col-ifXColHCInUcastPkts)/4])
	case ifXColHCInMulticastPkts, ifXColHCOutMulticastPkts:
		return gosnmp.Counter64, uint64(mcast(int(col-ifXColHCInMulticastPkts) / 4))
	case ifXColHCInBroadcastPkts, ifXColHCOutBroadcastPkts:
		return gosnmp.Counter64, uint64(bcast(int(col-ifXColHCInBroadcastPkts) / 4))
	case ifXColLinkUpDownTrapEnable:
		return gosnmp.Integer, 1
	case ifXColHighSpeed:
		return gosnmp.Gauge32, uint32(p.Speed / 1e6)
	case ifXColPromiscuousMode:
		return gosnmp.Integer, 2
	case ifXColConnectorPresent:
		return gosnmp.Integer, map[bool]int{true: 1, false: 2}[p.Type == 6]
	case ifXColAlias:
		return gosnmp.OctetString, p.Alias
	}
	return gosnmp.TimeTicks, uint32(0) // ifCounterDiscontinuityTime: counters restart only at boot
}

// mac is a stable locally administered MAC of d's port i (0: the chassis).
func (d *wanDevice) mac(i int) []byte {
	h := d.key
	return []byte{0x02, byte(h >> 8), byte(h >> 16), byte(h >> 24), byte(h >> 32), byte(i)}
}
