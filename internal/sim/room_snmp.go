package sim

import (
	"github.com/gosnmp/gosnmp"
)

// roomAgent is a machine room's SNMP device: its UPS or one rack feed's PDU.
type roomAgent struct {
	name string
	room *room
	kind string // ups or pdu
	rack int    // pdu: its rack
	feed int    // pdu: 0 = A, 1 = B
	mib  *deviceMIB
	boot float64
	udpEndpoint
}

// UPS-MIB (RFC 1628) and PowerNet-MIB rPDU objects (../shared/notes/cloud.md §6).
var (
	oidUpsBattery     = mustOID("1.3.6.1.2.1.33.1.2")
	oidUpsInput       = mustOID("1.3.6.1.2.1.33.1.3")
	oidUpsInputEntry  = mustOID("1.3.6.1.2.1.33.1.3.3.1")
	oidUpsOutput      = mustOID("1.3.6.1.2.1.33.1.4")
	oidUpsOutputEntry = mustOID("1.3.6.1.2.1.33.1.4.4.1")
	oidUpsAlarm       = mustOID("1.3.6.1.2.1.33.1.6")
	oidUpsAlarmEntry  = mustOID("1.3.6.1.2.1.33.1.6.2.1")
	oidUpsOnBattery   = ".1.3.6.1.2.1.33.1.6.3.2" // upsAlarmOnBattery
	oidPduIdent       = mustOID("1.3.6.1.4.1.318.1.1.12.1")
	oidPduLoadEntry   = mustOID("1.3.6.1.4.1.318.1.1.12.2.3.1.1")
)

const (
	upsDescr = "UPS2000-G-10KRTL, Huawei Technologies Co., Ltd."
	upsOID   = "1.3.6.1.4.1.2011.6.174"
	pduDescr = "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.9.6 PN:apc_hw05_aos_696.bin AF1:v6.9.6 AN1:apc_hw05_rpdu2g_696.bin MN:AP8853 HR:02 SN: 5A1234E12345)"
	pduOID   = "1.3.6.1.4.1.318.1.3.4.6"
)

func (a *roomAgent) buildMIB() {
	ts := []*mibTable{{prefix: oidSystem, cols: seq(1, 7), rows: staticRows(scalarRow), cell: a.systemCell}}
	lines := staticRows([][]uint32{{1}, {2}, {3}})
	if a.kind == "ups" {
		ts = append(ts,
			&mibTable{prefix: oidUpsBattery, cols: seq(1, 7), rows: staticRows(scalarRow), cell: a.upsBatteryCell},
			&mibTable{prefix: oidUpsInput, cols: []uint32{1, 2}, rows: staticRows(scalarRow), cell: a.upsInputScalar},
			&mibTable{prefix: oidUpsInputEntry, cols: seq(1, 5), rows: lines, cell: a.upsInputCell},
			&mibTable{prefix: oidUpsOutput, cols: []uint32{1, 2, 3}, rows: staticRows(scalarRow), cell: a.upsOutputScalar},
			&mibTable{prefix: oidUpsOutputEntry, cols: seq(1, 5), rows: lines, cell: a.upsOutputCell},
			&mibTable{prefix: oidUpsAlarm, cols: []uint32{1}, rows: staticRows(scalarRow), cell: a.upsAlarmsPresent},
			&mibTable{prefix: oidUpsAlarmEntry, cols: seq(1, 3), rows: a.upsAlarmRows, cell: a.upsAlarmCell})
	} else {
		ts = append(ts,
			&mibTable{prefix: oidPduIdent, cols: []uint32{16}, rows: staticRows(scalarRow), cell: a.pduPower},
			&mibTable{prefix: oidPduLoadEntry, cols: seq(1, 5), rows: staticRows([][]uint32{{1}}), cell: a.pduLoadCell})
	}
	a.mib = &deviceMIB{tables: sortTables(ts)}
}

func (a *roomAgent) systemCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	descr, oid := upsDescr, upsOID
	if a.kind == "pdu" {
		descr, oid = pduDescr, pduOID
	}
	switch col {
	case 1:
		return gosnmp.OctetString, descr
	case 2:
		return gosnmp.ObjectIdentifier, "." + oid
	case 3:
		return gosnmp.TimeTicks, uint32(uint64((c.t - a.boot) * 100))
	case 4:
		return gosnmp.OctetString, "市大数据管理局 机房值班 0398-2900000"
	case 5:
		return gosnmp.OctetString, a.name
	case 6:
		return gosnmp.OctetString, a.room.site + " " + a.room.name
	}
	return gosnmp.Integer, 72
}

func (a *roomAgent) upsBatteryCell(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	r := a.room
	on, secs := r.onBattery(c.t)
	mins := r.batteryMinutes(c.t)
	switch col {
	case 1: // upsBatteryStatus: normal(2), low(3), depleted(4)
		switch {
		case mins <= 0:
			return gosnmp.Integer, 4
		case mins < 10:
			return gosnmp.Integer, 3
		}
		return gosnmp.Integer, 2
	case 2: // upsSecondsOnBattery
		return gosnmp.Integer, int(secs)
	case 3: // upsEstimatedMinutesRemaining
		return gosnmp.Integer, int(mins)
	case 4: // upsEstimatedChargeRemaining, %
		return gosnmp.Integer, int(100 * mins / 45)
	case 5: // upsBatteryVoltage, 0.1 V
		if on {
			return gosnmp.Integer, 2560
		}
		return gosnmp.Integer, 2720
	case 6: // upsBatteryCurrent, 0.1 A
		if on {
			return gosnmp.Integer, 380
		}
		return gosnmp.Integer, 0
	}
	return gosnmp.Integer, 27 // upsBatteryTemperature, °C
}

func (a *roomAgent) upsInputScalar(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	if col == 1 { // upsInputLineBads
		if on, _ := a.room.onBattery(c.t); on {
			return gosnmp.Counter32, uint32(1)
		}
		return gosnmp.Counter32, uint32(0)
	}
	return gosnmp.Integer, upsLines
}

func (a *roomAgent) upsInputCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	on, _ := a.room.onBattery(c.t)
	load := a.room.upsLoad(c.t)
	switch col {
	case 1:
		return gosnmp.Integer, int(row[0])
	case 2: // frequency, 0.1 Hz
		if on {
			return gosnmp.Integer, 0
		}
		return gosnmp.Integer, 500
	case 3: // voltage, V RMS
		if on {
			return gosnmp.Integer, 0
		}
		return gosnmp.Integer, 220 + int(row[0])
	case 4: // current, 0.1 A
		if on {
			return gosnmp.Integer, 0
		}
		return gosnmp.Integer, int(load * 400)
	}
	if on { // true power, W
		return gosnmp.Integer, 0
	}
	return gosnmp.Integer, int(load * 8800)
}

func (a *roomAgent) upsOutputScalar(c *mibCtx, col uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1: // upsOutputSource: normal(3), battery(5)
		if on, _ := a.room.onBattery(c.t); on {
			return gosnmp.Integer, 5
		}
		return gosnmp.Integer, 3
	case 2:
		return gosnmp.Integer, 500
	}
	return gosnmp.Integer, upsLines
}

func (a *roomAgent) upsOutputCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	load := a.room.upsLoad(c.t)
	switch col {
	case 1:
		return gosnmp.Integer, int(row[0])
	case 2:
		return gosnmp.Integer, 220
	case 3:
		return gosnmp.Integer, int(load * 400)
	case 4:
		return gosnmp.Integer, int(load * 8000)
	}
	return gosnmp.Integer, int(load*100 + 0.5) // upsOutputPercentLoad
}

func (a *roomAgent) upsAlarmsPresent(c *mibCtx, _ uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	return gosnmp.Gauge32, uint32(len(a.upsAlarmRows(c)))
}

func (a *roomAgent) upsAlarmRows(c *mibCtx) [][]uint32 {
	if on, _ := a.room.onBattery(c.t); on {
		return [][]uint32{{1}}
	}
	return nil
}

func (a *roomAgent) upsAlarmCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1:
		return gosnmp.Integer, int(row[0])
	case 2:
		return gosnmp.ObjectIdentifier, oidUpsOnBattery
	}
	_, secs := a.room.onBattery(c.t)
	return gosnmp.TimeTicks, uint32(uint64((c.t - secs - a.boot) * 100))
}

func (a *roomAgent) pduPower(c *mibCtx, _ uint32, _ []uint32) (gosnmp.Asn1BER, any) {
	return gosnmp.Integer, int(a.room.feedAmps(a.rack, c.t) * 220)
}

// pduLoadCell is rPDULoadStatusEntry of a single-phase PDU without banks:
// index, load (0.1 A), state (phaseLoadNormal 1), phase number, bank
// number (0: the row is the phase total).
func (a *roomAgent) pduLoadCell(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any) {
	switch col {
	case 1, 4:
		return gosnmp.Integer, int(row[0])
	case 2:
		return gosnmp.Gauge32, uint32(a.room.feedAmps(a.rack, c.t)*10 + 0.5)
	case 3:
		return gosnmp.Integer, 1
	}
	return gosnmp.Integer, 0
}
