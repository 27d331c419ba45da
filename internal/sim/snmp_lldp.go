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
