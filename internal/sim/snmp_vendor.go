package sim

import (
	"fmt"
	"math"

	"github.com/gosnmp/gosnmp"
)

// The vendors' CPU, memory, temperature and optics objects, matching the SNMP
// collector's device profiles (collectors/snmp/profiles): OIDs and MIB names in
// snmp_oids.go. ENTITY-MIB entPhysicalName names the boards (and, on Huawei, the
// transceiver port entities, whose name is the interface name).

// huaweiPortEntity is the entPhysicalIndex of a Huawei port's transceiver.
func huaweiPortEntity(ifIndex uint32) uint32 { return 67108864 + ifIndex }

// vendorTables are d's vendor tables and its ENTITY-MIB names.
func vendorTables(d *wanDevice, fibre [][]uint32) []*mibTable {
	ents := d.vendor.entities[:1]
	if d.Role == roleCore {
		ents = d.vendor.entities
	}
	var boards [][]uint32
	for _, e := range ents {
		boards = append(boards, []uint32{e})
	}
	health := func(cpu, mem, temp uint32, typ gosnmp.Asn1BER) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
		return func(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
			return typedInt(typ, healthValue(c, col, cpu, mem, temp))
		}
	}
	optics := func(rxCol uint32, uw bool) func(*mibCtx, uint32, []uint32) (gosnmp.Asn1BER, any) {
		return func(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
			return opticalCell(c, col == rxCol, row[0], uw)
		}
	}
	var ts []*mibTable
	names := boards
	switch d.vendor {
	case huawei:
		var ports [][]uint32
		for _, f := range fibre {
			ports = append(ports, []uint32{huaweiPortEntity(f[0])})
		}
		names = append(append([][]uint32(nil), boards...), ports...)
		ts = []*mibTable{
			{prefix: oidHwEntityState, cols: []uint32{5, 7, 11}, rows: staticRows(boards), cell: health(5, 7, 11, gosnmp.Integer)},
			{prefix: oidHwOptical, cols: []uint32{8, 9}, rows: staticRows(ports), cell: optics(8, true)},
		}
	case h3c:
		ts = []*mibTable{
			{prefix: oidH3cEntityExt, cols: []uint32{6, 8, 12}, rows: staticRows(boards), cell: health(6, 8, 12, gosnmp.Integer)},
			{prefix: oidH3cTransceivr, cols: []uint32{9, 12}, rows: staticRows(fibre), cell: optics(12, false)},
		}
	case cisco:
		ts = []*mibTable{
			{prefix: oidCiscoMemPool, cols: []uint32{2, 5, 6}, rows: staticRows(boards), cell: ciscoMemCell},
			{prefix: oidCiscoSensor, cols: []uint32{1, 2, 3, 4}, rows: staticRows(boards), cell: sensorCell},
			{prefix: oidCiscoCPU, cols: []uint32{8}, rows: staticRows(boards), cell: health(8, 0, 0, gosnmp.Gauge32)},
		}
	case ruijie:
		ts = []*mibTable{
			{prefix: oidRuijieTemp, cols: []uint32{5}, rows: staticRows(boards), cell: health(0, 0, 5, gosnmp.Integer)},
			{prefix: oidRuijieMem, cols: []uint32{2, 3}, rows: staticRows(boards), cell: ruijieMemCell},
			{prefix: oidRuijieCPU, cols: []uint32{5}, rows: staticRows(boards), cell: health(5, 0, 0, gosnmp.Integer)},
			{prefix: oidRuijieFiber, cols: []uint32{76, 81}, rows: staticRows(fibre), cell: optics(76, false)},
		}
	default: // zte
		ts = []*mibTable{
			{prefix: oidEntSensor, cols: []uint32{1, 2, 3, 4}, rows: staticRows(boards), cell: sensorCell},
			{prefix: oidZteUnit, cols: []uint32{4, 12}, rows: staticRows(boards), cell: health(12, 4, 0, gosnmp.Integer)},
		}
	}
	return append(ts, &mibTable{prefix: oidEntPhysical, cols: []uint32{2, 5, 7}, rows: staticRows(names), cell: entityCell})
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

// sensorCell is an (CISCO-)ENTITY-SENSOR-MIB temperature sensor: type celsius
// (8), scale units (9), precision 0, value.
func sensorCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1:
		return gosnmp.Integer, 8
	case 2:
		return gosnmp.Integer, 9
	case 3:
		return gosnmp.Integer, 0
	}
	return gosnmp.Integer, c.d.tempCelsius(c.t)
}

// entityCell is ENTITY-MIB entPhysicalDescr (.2), Class (.5: 9 module, 10 port)
// and Name (.7).
func entityCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	name, class := "", 9
	if row[0] > huaweiPortEntity(0) {
		name, class = c.d.ports[row[0]-huaweiPortEntity(1)].Name, 10
	} else {
		for i, e := range c.d.vendor.entities {
			if e == row[0] {
				name = fmt.Sprintf("Board %d", i+1)
			}
		}
	}
	switch col {
	case 2:
		return gosnmp.OctetString, name
	case 5:
		return gosnmp.Integer, class
	}
	return gosnmp.OctetString, name
}

// ciscoMemCell is the processor pool's name, used and free bytes of 2 GiB.
func ciscoMemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	const pool = 2 << 30
	used := uint32(float64(pool) * float64(c.d.memPercent(c.t)) / 100)
	switch col {
	case 2:
		return gosnmp.OctetString, "Processor"
	case 5:
		return gosnmp.Gauge32, used
	}
	return gosnmp.Gauge32, uint32(pool - used)
}

// ruijieMemCell is the memory pool's name and use in percent.
func ruijieMemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	if col == 2 {
		return gosnmp.OctetString, "dram"
	}
	return gosnmp.Integer, c.d.memPercent(c.t)
}

// opticalCell is a transceiver's received or sent power: in hundredths of dBm,
// or in microwatts (uw) as Huawei's S-series report it.
func opticalCell(c *mibCtx, rx bool, index uint32, uw bool) (gosnmp.Asn1BER, any) {
	ifIndex := index
	if uw {
		ifIndex = index - huaweiPortEntity(0)
	}
	_, st := c.port(ifIndex)
	r, t := c.d.opticalPower(int(ifIndex), st.up)
	v := t
	if rx {
		v = r
	}
	if uw {
		v = int(math.Round(1000 * math.Pow(10, float64(v)/1000)))
	}
	return gosnmp.Integer, v
}
