package sim

import (
	"sort"
	"sync"

	"github.com/gosnmp/gosnmp"
)

// A device's MIB view is a short list of tables sorted by OID, each a prefix,
// its columns and its rows (index suffixes, sorted). A scalar group is a table
// with the single row ".0". Values are computed when asked, from (seed, device,
// time), so a view costs a few slices per device, not one entry per OID.
type mibTable struct {
	prefix []uint32
	cols   []uint32 // sorted
	rows   func(c *mibCtx) [][]uint32
	cell   func(c *mibCtx, col uint32, row []uint32) (gosnmp.Asn1BER, any)
}

// mibCtx is one request's view of one device at one instant. Port states are
// computed once per request and port.
type mibCtx struct {
	n      *wanNet
	d      *wanDevice
	t      float64
	boot   float64
	states []portState
	have   []bool
	eps    []episode
}

// deviceMIB is a device's tables and its request scratch.
type deviceMIB struct {
	tables []*mibTable
	mu     sync.Mutex // one request at a time per device: the scratch is shared
	ctx    mibCtx
}

func (c *mibCtx) reset(n *wanNet, d *wanDevice, t float64) {
	c.n, c.d, c.t = n, d, t
	c.boot = n.lastBoot(d, t)
	if cap(c.states) < len(d.ports) {
		c.states, c.have = make([]portState, len(d.ports)), make([]bool, len(d.ports))
	}
	c.states, c.have = c.states[:len(d.ports)], c.have[:len(d.ports)]
	clear(c.have)
}

// port returns the state of the port with ifIndex i (1-based).
func (c *mibCtx) port(i uint32) (*wanPort, *portState) {
	k := int(i) - 1
	p := &c.d.ports[k]
	if !c.have[k] {
		c.states[k] = c.n.portState(c.d, p, c.boot, c.t, c.eps[:0])
		c.have[k] = true
	}
	return p, &c.states[k]
}

// staticRows serves a fixed row list.
func staticRows(rows [][]uint32) func(*mibCtx) [][]uint32 {
	return func(*mibCtx) [][]uint32 { return rows }
}

var scalarRow = [][]uint32{{0}}

// next finds the first object after oid: its table, column and row.
func (m *deviceMIB) next(c *mibCtx, oid []uint32) (*mibTable, uint32, []uint32) {
	for _, tb := range m.tables {
		if hasPrefix(oid, tb.prefix) {
			if t, col, row := tb.nextIn(c, oid[len(tb.prefix):]); t != nil {
				return t, col, row
			}
			continue
		}
		if compareOID(oid, tb.prefix) < 0 {
			if rows := tb.rows(c); len(rows) > 0 {
				return tb, tb.cols[0], rows[0]
			}
		}
	}
	return nil, 0, nil
}

// nextIn finds the first object of tb after prefix.rest.
func (tb *mibTable) nextIn(c *mibCtx, rest []uint32) (*mibTable, uint32, []uint32) {
	rows := tb.rows(c)
	if len(rows) == 0 {
		return nil, 0, nil
	}
	if len(rest) == 0 {
		return tb, tb.cols[0], rows[0]
	}
	for _, col := range tb.cols {
		switch {
		case col < rest[0]:
			continue
		case col > rest[0]:
			return tb, col, rows[0]
		}
		after := rest[1:]
		i := sort.Search(len(rows), func(i int) bool { return compareOID(rows[i], after) > 0 })
		if i < len(rows) {
			return tb, col, rows[i]
		}
	}
	return nil, 0, nil
}

// get finds the object oid exactly; noSuch is NoSuchObject or NoSuchInstance
// when it does not exist.
func (m *deviceMIB) get(c *mibCtx, oid []uint32) (tb *mibTable, col uint32, row []uint32, noSuch gosnmp.Asn1BER) {
	for _, tb := range m.tables {
		if !hasPrefix(oid, tb.prefix) || len(oid) < len(tb.prefix)+2 {
			continue
		}
		rest := oid[len(tb.prefix):]
		i := sort.Search(len(tb.cols), func(i int) bool { return tb.cols[i] >= rest[0] })
		if i == len(tb.cols) || tb.cols[i] != rest[0] {
			continue
		}
		rows := tb.rows(c)
		j := sort.Search(len(rows), func(j int) bool { return compareOID(rows[j], rest[1:]) >= 0 })
		if j < len(rows) && compareOID(rows[j], rest[1:]) == 0 {
			return tb, rest[0], rows[j], 0
		}
		return nil, 0, nil, gosnmp.NoSuchInstance
	}
	return nil, 0, nil, gosnmp.NoSuchObject
}

// sortTables orders a view by prefix. Tables must not interleave (every object
// of one sorts before every object of the next); the walk tests check it.
func sortTables(ts []*mibTable) []*mibTable {
	sort.Slice(ts, func(i, j int) bool { return compareOID(ts[i].prefix, ts[j].prefix) < 0 })
	return ts
}

// counter32 is the low 32 bits of a counter, as a 32-bit counter wraps.
func counter32(x float64) uint32 { return uint32(uint64(x)) }

func gauge32(x float64) uint32 {
	if x >= 1<<32-1 {
		return 1<<32 - 1
	}
	return uint32(x)
}
