package sim

import (
	"github.com/gosnmp/gosnmp"
)

// varbind makes the response varbind for an object and an upper bound of its
// encoded size, so that a response is cut before it exceeds its budget without
// encoding it twice.
func varbind(o []uint32, typ gosnmp.Asn1BER, val any) (gosnmp.SnmpPDU, int) {
	buf := make([]byte, 0, 4*len(o))
	pdu := gosnmp.SnmpPDU{Name: string(appendOID(buf, o)), Type: typ, Value: val}
	return pdu, tlvSize(tlvSize(oidSize(o)) + tlvSize(valueSize(typ, val)))
}

// oidSize is the BER length of an OID's contents.
func oidSize(o []uint32) int {
	n := 1 // the first two arcs share a byte
	for _, x := range o[min(2, len(o)):] {
		n++
		for x >= 0x80 {
			n++
			x >>= 7
		}
	}
	return n
}

// valueSize bounds a value's BER contents.
func valueSize(typ gosnmp.Asn1BER, val any) int {
	switch typ {
	case gosnmp.Integer, gosnmp.Counter32, gosnmp.Gauge32, gosnmp.TimeTicks:
		return 5
	case gosnmp.Counter64:
		return 9
	case gosnmp.OctetString:
		switch v := val.(type) {
		case string:
			return len(v)
		case []byte:
			return len(v)
		}
	case gosnmp.ObjectIdentifier:
		return len(val.(string)) // at most one byte per character
	}
	return 0 // Null, noSuchObject, noSuchInstance, endOfMibView
}

// tlvSize adds tag and length octets to contents of n bytes.
func tlvSize(n int) int {
	switch {
	case n < 0x80:
		return n + 2
	case n < 0x100:
		return n + 3
	}
	return n + 4
}

// responseOverhead bounds everything of a response but its varbinds: message
// sequence, version, community, PDU header, request ID, error status and index,
// varbind list header.
func responseOverhead(communityLen int) int { return 4 + 3 + 2 + communityLen + 4 + 7 + 3 + 3 + 4 }

// size is the bound of a varbind list's encoded size.
func size(vbs []gosnmp.SnmpPDU) int {
	n := 0
	for _, v := range vbs {
		o, err := parseOID(v.Name)
		if err != nil {
			return maxResponse + 1
		}
		n += tlvSize(tlvSize(oidSize(o)) + tlvSize(valueSize(v.Type, v.Value)))
	}
	return n
}

// lookup is the object a GET or GETNEXT found.
type lookup struct {
	oid []uint32
	typ gosnmp.Asn1BER
	val any
}

// value computes the cell of a found object.
func (m *deviceMIB) value(tb *mibTable, col uint32, row []uint32) lookup {
	o := make([]uint32, 0, len(tb.prefix)+1+len(row))
	o = append(append(append(o, tb.prefix...), col), row...)
	typ, val := tb.cell(&m.ctx, col, row)
	return lookup{o, typ, val}
}

// nextObject finds the object after o; v1 skips Counter64 (RFC 2576 §4.1.2.1).
func (m *deviceMIB) nextObject(v gosnmp.SnmpVersion, o []uint32) (lookup, bool) {
	for {
		tb, col, row := m.next(&m.ctx, o)
		if tb == nil {
			return lookup{oid: o, typ: gosnmp.EndOfMibView}, false
		}
		l := m.value(tb, col, row)
		if v == gosnmp.Version1 && l.typ == gosnmp.Counter64 {
			o = l.oid
			continue
		}
		return l, true
	}
}

// getAll answers a GET: v2c marks what is missing per varbind, v1 fails the
// whole request with noSuchName at the first missing one.
func (m *deviceMIB) getAll(v gosnmp.SnmpVersion, names [][]uint32) ([]gosnmp.SnmpPDU, gosnmp.SNMPError, uint8) {
	out := make([]gosnmp.SnmpPDU, 0, len(names))
	for i, o := range names {
		l := lookup{oid: o}
		tb, col, row, noSuch := m.get(&m.ctx, o)
		if tb != nil {
			l = m.value(tb, col, row)
		} else {
			l.typ = noSuch
		}
		if v == gosnmp.Version1 && (tb == nil || l.typ == gosnmp.Counter64) {
			return v1Echo(names), gosnmp.NoSuchName, uint8(min(i+1, 255))
		}
		pdu, _ := varbind(l.oid, l.typ, l.val)
		out = append(out, pdu)
	}
	return out, gosnmp.NoError, 0
}

// nextAll answers a GETNEXT.
func (m *deviceMIB) nextAll(v gosnmp.SnmpVersion, names [][]uint32) ([]gosnmp.SnmpPDU, gosnmp.SNMPError, uint8) {
	out := make([]gosnmp.SnmpPDU, 0, len(names))
	for i, o := range names {
		l, ok := m.nextObject(v, o)
		if !ok && v == gosnmp.Version1 {
			return v1Echo(names), gosnmp.NoSuchName, uint8(min(i+1, 255))
		}
		pdu, _ := varbind(l.oid, l.typ, l.val)
		out = append(out, pdu)
	}
	return out, gosnmp.NoError, 0
}

// v1Echo is the request's varbinds with Null values, as a v1 error response carries.
func v1Echo(names [][]uint32) []gosnmp.SnmpPDU {
	out := make([]gosnmp.SnmpPDU, len(names))
	for i, o := range names {
		out[i], _ = varbind(o, gosnmp.Null, nil)
	}
	return out
}

// bulk answers a GETBULK within budget bytes; tooBig is set when not even one
// varbind fits.
func (m *deviceMIB) bulk(names [][]uint32, nonRep, maxRep, budget int) (out []gosnmp.SnmpPDU, tooBig bool) {
	nonRep = min(max(nonRep, 0), len(names))
	maxRep = min(max(maxRep, 0), maxRepeats)
	used := 0
	add := func(l lookup) bool {
		pdu, sz := varbind(l.oid, l.typ, l.val)
		if used+sz > budget {
			return false
		}
		out, used = append(out, pdu), used+sz
		return true
	}
	for _, o := range names[:nonRep] {
		l, _ := m.nextObject(gosnmp.Version2c, o)
		if !add(l) {
			return out, len(out) == 0
		}
	}
	cur := append([][]uint32(nil), names[nonRep:]...)
	for r := 0; r < maxRep && len(cur) > 0; r++ {
		ended := true
		for i, o := range cur {
			l, ok := m.nextObject(gosnmp.Version2c, o)
			if !add(l) {
				return out, len(out) == 0
			}
			ended = ended && !ok
			cur[i] = l.oid
		}
		if ended { // every repeater is past the end of the view
			break
		}
	}
	return out, false
}
