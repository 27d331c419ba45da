package sim

import (
	"github.com/gosnmp/gosnmp"
)

// LLDP-MIB: the local chassis and ports, and one remote entry per port whose
// cable reaches another of our devices and is up. A link that goes down loses
// its neighbour at once (real gear ages it out within the hold time, 120 s).

// LLDP subtypes used: chassis ID is a MAC address (4), port ID an interface name (5).
const (
	lldpChassisMAC = 4
	lldpPortName   = 5
)

func lldpLocCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1:
		return gosnmp.Integer, lldpChassisMAC
	case 2:
		return gosnmp.OctetString, c.d.mac(0)
	}
	return gosnmp.OctetString, c.d.Name
}

func lldpPortCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	p := &c.d.ports[row[0]-1]
	switch col {
	case 2:
		return gosnmp.Integer, lldpPortName
	case 3:
		return gosnmp.OctetString, p.Name
	}
	return gosnmp.OctetString, p.Descr
}

// lldpRows lists TimeMark 0, LocalPortNum (= ifIndex), Index 1 for every
// physical port with a live neighbour of ours.
func lldpRows(phys [][]uint32) func(*mibCtx) [][]uint32 {
	return func(c *mibCtx) [][]uint32 {
		var out [][]uint32
		for _, r := range phys {
			p, st := c.port(r[0])
			if p.link < 0 || !st.up {
				continue
			}
			if peer, _ := c.n.peer(c.n.links[p.link], p.side); peer != nil {
				out = append(out, []uint32{0, r[0], 1})
			}
		}
		return out
	}
}

func lldpRemCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	p := &c.d.ports[row[1]-1]
	l := c.n.links[p.link]
	peer, pp := c.n.peer(l, p.side)
	switch col {
	case 4:
		return gosnmp.Integer, lldpChassisMAC
	case 5:
		return gosnmp.OctetString, peer.mac(0)
	case 6:
		return gosnmp.Integer, lldpPortName
	case 7:
		return gosnmp.OctetString, pp.Name
	case 8:
		return gosnmp.OctetString, pp.Descr
	}
	return gosnmp.OctetString, peer.Name
}

// vendorTables are d's vendor's CPU, memory, temperature and optics objects
// (OIDs and MIB names in snmp_oids.go).
func vendorTables(d *wanDevice, fibre [][]uint32) []*mibTable {
	ents := d.vendor.entities[:1]
	if d.Role == roleCore {
		ents = d.vendor.entities
	}
	var rows [][]uint32
	for _, e := range ents {
		rows = append(rows, []uint32{e})
	}
	health := func(cpu, mem, temp uint32, typ gosnmp.Asn1BER) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
		return func(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
			return typedInt(typ, healthValue(c, col, cpu, mem, temp))
		}
	}
	switch d.vendor {
	case huawei:
		return []*mibTable{{prefix: oidHwEntityState, cols: []uint32{5, 7, 11}, rows: staticRows(rows), cell: health(5, 7, 11, gosnmp.Integer)}}
	case h3c:
		return []*mibTable{
			{prefix: oidH3cEntityExt, cols: []uint32{6, 8, 12}, rows: staticRows(rows), cell: health(6, 8, 12, gosnmp.Integer)},
			{prefix: oidH3cTransceivr, cols: []uint32{9, 12}, rows: staticRows(fibre), cell: transceiverCell},
		}
	case cisco:
		return []*mibTable{
			{prefix: oidCiscoTemp, cols: []uint32{3}, rows: staticRows(rows), cell: health(0, 0, 3, gosnmp.Gauge32)},
			{prefix: oidCiscoMemPool, cols: []uint32{5, 6}, rows: staticRows(rows), cell: ciscoMemCell},
			{prefix: oidCiscoCPU, cols: []uint32{8}, rows: staticRows(rows), cell: health(8, 0, 0, gosnmp.Gauge32)},
		}
	case ruijie:
		return []*mibTable{
			sensorTable(rows),
			{prefix: oidRuijieMem, cols: []uint32{3}, rows: staticRows(rows), cell: health(0, 3, 0, gosnmp.Integer)},
			{prefix: oidRuijieCPU, cols: []uint32{3}, rows: staticRows(scalarRow), cell: health(3, 0, 0, gosnmp.Integer)},
		}
	}
	return []*mibTable{ // zte
		sensorTable(rows),
		{prefix: oidZteUnit, cols: []uint32{4, 12}, rows: staticRows(rows), cell: health(12, 4, 0, gosnmp.Integer)},
	}
}

// healthValue is the CPU, memory or temperature figure a column stands for.
func healthValue(c *mibCtx, col, cpu, mem, temp uint32) int {
	switch col {
	case cpu:
		return c.d.cpuPercent(c.t)
	case mem:
		return c.d.memPercent(c.t)
	case temp:
		return c.d.tempCelsius(c.t)
	}
	return 0
}

func typedInt(t gosnmp.Asn1BER, v int) (gosnmp.Asn1BER, any) {
	if t == gosnmp.Gauge32 {
		return t, uint32(max(v, 0))
	}
	return t, v
}

// sensorTable is ENTITY-SENSOR-MIB's temperature sensor of the main board.
func sensorTable(rows [][]uint32) *mibTable {
	return &mibTable{prefix: oidEntSensor, cols: []uint32{1, 2, 4}, rows: staticRows(rows),
		cell: func(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
			switch col {
			case 1:
				return gosnmp.Integer, 8 // celsius
			case 2:
				return gosnmp.Integer, 9 // units (10^0)
			}
			return gosnmp.Integer, c.d.tempCelsius(c.t)
		}}
}

// ciscoMemCell is the processor pool's used and free bytes of 2 GiB.
func ciscoMemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	const pool = 2 << 30
	used := uint32(float64(pool) * float64(c.d.memPercent(c.t)) / 100)
	if col == 5 {
		return gosnmp.Gauge32, used
	}
	return gosnmp.Gauge32, uint32(pool - used)
}

// transceiverCell is H3C's current TX (.9) and RX (.12) power in 0.01 dBm.
func transceiverCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	_, st := c.port(row[0])
	rx, tx := c.d.opticalPower(int(row[0]), st.up)
	if col == 9 {
		return gosnmp.Integer, tx
	}
	return gosnmp.Integer, rx
}
