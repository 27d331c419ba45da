package snmp

import (
	"fmt"
	"strconv"

	"github.com/gosnmp/gosnmp"

	"github.com/swanwatch/swanwatch/collectors"
)

// IF-MIB columns walked for every device (RFC 2863: ifTable 1.3.6.1.2.1.2.2.1,
// ifXTable 1.3.6.1.2.1.31.1.1.1). Only these travel, not the whole tables.
const (
	cSpeed = iota
	cAdmin
	cOper
	cInOct
	cInUcast
	cInNUcast
	cInDisc
	cInErr
	cOutOct
	cOutUcast
	cOutNUcast
	cOutDisc
	cOutErr
	cName
	cInMcast
	cInBcast
	cOutMcast
	cOutBcast
	cHCInOct
	cHCInUcast
	cHCInMcast
	cHCInBcast
	cHCOutOct
	cHCOutUcast
	cHCOutMcast
	cHCOutBcast
	cHighSpeed
	cAlias
	nIfCols
)

const (
	ifTable  = ".1.3.6.1.2.1.2.2.1."
	ifXTable = ".1.3.6.1.2.1.31.1.1.1."
)

var ifCols = [nIfCols]string{
	cSpeed: ifTable + "5", cAdmin: ifTable + "7", cOper: ifTable + "8",
	cInOct: ifTable + "10", cInUcast: ifTable + "11", cInNUcast: ifTable + "12",
	cInDisc: ifTable + "13", cInErr: ifTable + "14",
	cOutOct: ifTable + "16", cOutUcast: ifTable + "17", cOutNUcast: ifTable + "18",
	cOutDisc: ifTable + "19", cOutErr: ifTable + "20",
	cName: ifXTable + "1", cInMcast: ifXTable + "2", cInBcast: ifXTable + "3",
	cOutMcast: ifXTable + "4", cOutBcast: ifXTable + "5",
	cHCInOct: ifXTable + "6", cHCInUcast: ifXTable + "7", cHCInMcast: ifXTable + "8", cHCInBcast: ifXTable + "9",
	cHCOutOct: ifXTable + "10", cHCOutUcast: ifXTable + "11", cHCOutMcast: ifXTable + "12", cHCOutBcast: ifXTable + "13",
	cHighSpeed: ifXTable + "15", cAlias: ifXTable + "18",
}

// Column sets that 64-bit counters make redundant once a round has seen them
// on every interface.
const (
	skip32Unicast = 1<<cInOct | 1<<cInUcast | 1<<cOutOct | 1<<cOutUcast
	skip32NUcast  = 1<<cInNUcast | 1<<cOutNUcast | 1<<cInMcast | 1<<cInBcast | 1<<cOutMcast | 1<<cOutBcast
)

// ifRow holds one interface's varbinds.
type ifRow struct {
	index string
	have  uint32 // bit per column
	vals  [nIfCols]gosnmp.SnmpPDU
}

func (r *ifRow) has(cols ...int) bool {
	for _, c := range cols {
		if r.have&(1<<c) == 0 {
			return false
		}
	}
	return true
}

// walkInterfaces walks the IF-MIB columns the device needs this round.
func (r *round) walkInterfaces() ([]*ifRow, error) {
	var roots []string
	var cols []int
	for c, oid := range ifCols {
		if r.st.ifSkip&(1<<c) == 0 {
			roots, cols = append(roots, oid), append(cols, c)
		}
	}
	rows := map[string]*ifRow{}
	var order []*ifRow
	err := r.s.walk(roots, r.st.rowsHint("if"), func(i int, index string, pdu gosnmp.SnmpPDU) {
		row := rows[index]
		if row == nil {
			if len(rows) >= maxInterfaces {
				return
			}
			row = &ifRow{index: index}
			rows[index] = row
			order = append(order, row)
		}
		row.vals[cols[i]] = pdu
		row.have |= 1 << cols[i]
	})
	r.st.rows["if"] = len(order)
	return order, err
}

// IfName returns the ifName of interface ifIndex of SNMP device name as the
// last complete poll saw it, so that a trap that names the port only by
// ifIndex or ifDescr (whose instance is the ifIndex) becomes the same alert
// as the polled port. It takes the collector's lock only briefly and never
// waits for a round under way.
func (c *Collector) IfName(device string, ifIndex int) (string, bool) {
	c.mu.Lock()
	st := c.states[collectors.Target{Kind: Kind, Name: device}.Key()]
	c.mu.Unlock()
	if st == nil {
		return "", false
	}
	m := st.ifNames.Load()
	if m == nil {
		return "", false
	}
	name, ok := (*m)[strconv.Itoa(ifIndex)]
	return name, ok
}

// rememberIfNames publishes this round's ifIndex → ifName for IfName: the
// round's own map, which no one writes once the walk is done (the next
// round builds a new one), so nothing is copied per round.
func (r *round) rememberIfNames() {
	m := r.ifNames
	r.st.ifNames.Store(&m)
}

// maxInterfaces bounds the rows kept per device (a large chassis has a few
// thousand; more is a broken agent).
const maxInterfaces = 50_000

// emitInterfaces emits the series of every interface and learns which 32-bit
// columns the next round may skip.
func (r *round) emitInterfaces(rows []*ifRow, elapsedSec float64) {
	allHC, allHCN := len(rows) > 0, len(rows) > 0
	r.ifNames = make(map[string]string, len(rows))
	for _, row := range rows {
		r.emitInterface(row, elapsedSec)
		allHC = allHC && row.has(cHCInOct, cHCOutOct, cHCInUcast, cHCOutUcast)
		allHCN = allHCN && row.has(cHCInMcast, cHCInBcast, cHCOutMcast, cHCOutBcast)
	}
	r.st.ifSkip = 0
	if allHC {
		r.st.ifSkip |= skip32Unicast
	}
	if allHCN {
		r.st.ifSkip |= skip32NUcast
	}
}

func (r *round) emitInterface(row *ifRow, elapsedSec float64) {
	name := r.text(row, cName)
	if name == "" {
		name = "if" + row.index
	}
	r.ifNames[row.index] = name
	labels := []string{"ifindex", row.index, "ifname", name}
	if alias := r.text(row, cAlias); alias != "" {
		labels = append(labels, "ifalias", alias)
	}
	speed, speedOK := r.speed(row)
	if speedOK {
		r.emit("snmp_if_speed_bits_per_second", speed, labels...)
	}
	r.gaugeCol(row, cOper, "snmp_if_oper_status", labels)
	r.gaugeCol(row, cAdmin, "snmp_if_admin_status", labels)
	octMax := uint64(speed / 8 * elapsedSec * 2) // twice line rate: beyond that a drop is a reset, not a wrap
	pktMax := octMax / 64
	r.counter(row, "snmp_if_in_octets_total", labels, octMax, cHCInOct, cInOct)
	r.counter(row, "snmp_if_out_octets_total", labels, octMax, cHCOutOct, cOutOct)
	r.counter(row, "snmp_if_in_ucast_pkts_total", labels, pktMax, cHCInUcast, cInUcast)
	r.counter(row, "snmp_if_out_ucast_pkts_total", labels, pktMax, cHCOutUcast, cOutUcast)
	r.nucast(row, "snmp_if_in_nucast_pkts_total", labels, pktMax, cHCInMcast, cHCInBcast, cInMcast, cInBcast, cInNUcast)
	r.nucast(row, "snmp_if_out_nucast_pkts_total", labels, pktMax, cHCOutMcast, cHCOutBcast, cOutMcast, cOutBcast, cOutNUcast)
	r.counter(row, "snmp_if_in_errors_total", labels, 0, -1, cInErr)
	r.counter(row, "snmp_if_out_errors_total", labels, 0, -1, cOutErr)
	r.counter(row, "snmp_if_in_discards_total", labels, 0, -1, cInDisc)
	r.counter(row, "snmp_if_out_discards_total", labels, 0, -1, cOutDisc)
}

// speed prefers ifSpeed (bit/s) and uses ifHighSpeed (Mbit/s) when ifSpeed is
// saturated at 2^32-1 or missing.
func (r *round) speed(row *ifRow) (float64, bool) {
	s, sok := r.gauge(row, cSpeed)
	if sok && s < 4294967295 {
		return s, true
	}
	if h, ok := r.gauge(row, cHighSpeed); ok {
		return h * 1e6, true
	}
	return s, sok
}

// counter emits the 64-bit column hc when present, else the extended 32-bit
// column c32 (hc < 0: the counter has no 64-bit twin).
func (r *round) counter(row *ifRow, name string, labels []string, maxDelta uint64, hc, c32 int) {
	if v, ok := r.value(row, hc, gosnmp.Counter64); hc >= 0 && ok {
		r.emit(name, float64(v), labels...)
		return
	}
	if v, ok := r.value(row, c32, gosnmp.Counter32); ok {
		r.emit(name, r.st.extend(ctrKey{row.index, uint8(c32)}, uint32(v), maxDelta), labels...)
	}
}

// nucast sums multicast and broadcast (64-bit, else 32-bit), else falls back to
// the deprecated ifIn/OutNUcastPkts.
func (r *round) nucast(row *ifRow, name string, labels []string, maxDelta uint64, hcM, hcB, m, b, old int) {
	mv, mok := r.value(row, hcM, gosnmp.Counter64)
	bv, bok := r.value(row, hcB, gosnmp.Counter64)
	if mok && bok {
		r.emit(name, float64(mv)+float64(bv), labels...)
		return
	}
	mv, mok = r.value(row, m, gosnmp.Counter32)
	bv, bok = r.value(row, b, gosnmp.Counter32)
	if mok && bok {
		me := r.st.extend(ctrKey{row.index, uint8(m)}, uint32(mv), maxDelta)
		r.emit(name, me+r.st.extend(ctrKey{row.index, uint8(b)}, uint32(bv), maxDelta), labels...)
		return
	}
	r.counter(row, name, labels, maxDelta, -1, old)
}

func (r *round) gaugeCol(row *ifRow, c int, name string, labels []string) {
	if v, ok := r.gauge(row, c); ok {
		r.emit(name, v, labels...)
	}
}

// gauge reads an Integer, Gauge32 or Unsigned32 column.
func (r *round) gauge(row *ifRow, c int) (float64, bool) {
	if !row.has(c) {
		return 0, false
	}
	v, ok := number(row.vals[c])
	if !ok || row.vals[c].Type == gosnmp.Counter32 || row.vals[c].Type == gosnmp.Counter64 {
		r.badValue("if", row.vals[c])
		return 0, false
	}
	return v, true
}

// value reads a counter column that must have type want.
func (r *round) value(row *ifRow, c int, want gosnmp.Asn1BER) (uint64, bool) {
	if c < 0 || !row.has(c) {
		return 0, false
	}
	pdu := row.vals[c]
	if pdu.Type != want {
		r.badValue("if", pdu)
		return 0, false
	}
	switch v := pdu.Value.(type) {
	case uint:
		return uint64(v), true
	case uint64:
		return v, true
	}
	r.badValue("if", pdu)
	return 0, false
}

// text reads a DisplayString column; a wrong type or invalid UTF-8 counts as a
// bad value and gives "".
func (r *round) text(row *ifRow, c int) string {
	if !row.has(c) {
		return ""
	}
	s, ok := displayString(row.vals[c])
	if !ok {
		r.badValue("if", row.vals[c])
	}
	return s
}

// badValue counts a varbind of the wrong type and marks the stage partial.
func (r *round) badValue(stage string, pdu gosnmp.SnmpPDU) {
	mBadValues.Inc()
	r.fail(stage, fmt.Errorf("%s has type %s: value dropped", pdu.Name, pdu.Type))
}
