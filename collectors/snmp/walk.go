package snmp

import (
	"fmt"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// walkFunc receives one varbind of column col (its index into the roots) with
// the row index (the OID past the column root, without the dot).
type walkFunc func(col int, index string, pdu gosnmp.SnmpPDU)

// column is the walk position of one table column.
type column struct {
	col  int
	root string // ".1.3.6.1.2.1.2.2.1.10"
	last string // the last OID received, or root
}

// walk fetches several table columns side by side: one GETBULK asks for the
// next max-repetitions rows of every unfinished column, so a device round costs
// about rows×columns/varbinds-per-PDU requests instead of one walk per column.
// Only the columns asked for travel, never whole tables. An OID that does not
// increase within a column ends the walk with ErrLoop; a walk longer than
// maxOIDs ends with an error that names the limit.
//
// rowsHint is the row count this walk found last round (-1: unknown): asking
// for one row more than that ends every column in one answer, where a fixed
// max-repetitions of 25 on a 4-row table would fetch six times the varbinds.
func (s *session) walk(roots []string, rowsHint int, fn walkFunc) error {
	active := make([]*column, len(roots))
	for i, r := range roots {
		active[i] = &column{col: i, root: r, last: r}
	}
	total := 0
	for len(active) > 0 {
		vbs, reps, err := s.next(active, rowsHint)
		if err != nil {
			return err
		}
		n, err := s.consume(active, vbs, reps, fn)
		if err != nil {
			return err
		}
		if total += n; total > s.maxOIDs {
			mWalkErrors.Inc()
			return fmt.Errorf("walk passed %d OIDs: raise max_oids_per_walk if the device is really that large", s.maxOIDs)
		}
		active = unfinished(active)
	}
	return nil
}

// next sends one GETBULK (GETNEXT for v1) for the active columns. A tooBig
// answer halves max-repetitions and tries again.
func (s *session) next(active []*column, rowsHint int) ([]gosnmp.SnmpPDU, int, error) {
	oids := make([]string, len(active))
	for i, c := range active {
		oids[i] = c.last
	}
	reps := s.maxReps
	if rowsHint >= 0 {
		reps = min(reps, rowsHint+1)
	}
	for ; ; reps /= 2 {
		if err := s.prepare(); err != nil {
			return nil, 0, s.classify(err)
		}
		var pkt *gosnmp.SnmpPacket
		var err error
		pkt, err = s.request(func() (*gosnmp.SnmpPacket, error) {
			if s.g.Version == gosnmp.Version1 {
				reps = 1
				return s.g.GetNext(oids)
			}
			return s.g.GetBulk(oids, 0, uint32(reps))
		})
		if err != nil {
			return nil, 0, s.classify(err)
		}
		switch {
		case pkt.Error == gosnmp.TooBig && reps > 1:
			continue
		case pkt.Error == gosnmp.NoSuchName && s.g.Version == gosnmp.Version1:
			return endOfView(len(active), int(pkt.ErrorIndex)), 1, nil
		case pkt.Error != gosnmp.NoError:
			mWalkErrors.Inc()
			return nil, 0, fmt.Errorf("agent answered %s (index %d)", pkt.Error, pkt.ErrorIndex)
		}
		s.oids += len(pkt.Variables)
		mOIDs.Add(len(pkt.Variables))
		return pkt.Variables, reps, nil
	}
}

// endOfView turns a v1 noSuchName on varbind errIndex (1-based) into an end of
// that column, so that the other columns go on.
func endOfView(n, errIndex int) []gosnmp.SnmpPDU {
	if errIndex < 1 || errIndex > n {
		errIndex = 1
	}
	vbs := make([]gosnmp.SnmpPDU, 0, errIndex)
	for range errIndex - 1 {
		vbs = append(vbs, gosnmp.SnmpPDU{Type: gosnmp.Null}) // no progress, asked again
	}
	return append(vbs, gosnmp.SnmpPDU{Type: gosnmp.EndOfMibView})
}

// consume hands the varbinds of one answer to fn. They come row by row: varbind
// i belongs to active column i mod len(active).
func (s *session) consume(active []*column, vbs []gosnmp.SnmpPDU, reps int, fn walkFunc) (int, error) {
	if len(vbs) == 0 {
		mWalkErrors.Inc()
		return 0, fmt.Errorf("agent answered an empty varbind list")
	}
	if len(vbs) > len(active)*reps {
		mWalkErrors.Inc()
		return 0, fmt.Errorf("agent answered %d varbinds to a request for %d×%d: oversized answer dropped",
			len(vbs), len(active), reps)
	}
	done := make([]bool, len(active))
	n := 0
	for i, vb := range vbs {
		k := i % len(active)
		c := active[k]
		if done[k] || vb.Type == gosnmp.Null {
			continue
		}
		if ended(vb, c.root) {
			done[k], c.last = true, ""
			continue
		}
		if !oidLess(c.last, vb.Name) {
			mWalkErrors.Inc()
			return n, fmt.Errorf("%w: column %s went from %s to %s", ErrLoop, c.root, c.last, vb.Name)
		}
		c.last = vb.Name
		n++
		fn(c.col, vb.Name[len(c.root)+1:], vb)
	}
	return n, nil
}

// ended reports whether vb is past the end of the column rooted at root.
func ended(vb gosnmp.SnmpPDU, root string) bool {
	switch vb.Type {
	case gosnmp.EndOfMibView, gosnmp.NoSuchObject, gosnmp.NoSuchInstance:
		return true
	}
	return len(vb.Name) <= len(root)+1 || !strings.HasPrefix(vb.Name, root) || vb.Name[len(root)] != '.'
}

func unfinished(cols []*column) []*column {
	out := cols[:0]
	for _, c := range cols {
		if c.last != "" {
			out = append(out, c)
		}
	}
	return out
}

// oidLess compares two dotted numeric OIDs arc by arc without allocating.
func oidLess(a, b string) bool {
	for {
		a, b = strings.TrimPrefix(a, "."), strings.TrimPrefix(b, ".")
		if a == "" || b == "" {
			return a == "" && b != ""
		}
		x, ra := leadArc(a)
		y, rb := leadArc(b)
		if x != y {
			return x < y
		}
		a, b = ra, rb
	}
}

// leadArc splits the first arc off a dotted OID. A non-digit ends the arc, so
// that a garbage OID compares deterministically instead of panicking.
func leadArc(s string) (uint64, string) {
	var v uint64
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		v = v*10 + uint64(s[i]-'0')
	}
	if i == 0 {
		return 0, s[min(1, len(s)):]
	}
	return v, s[i:]
}
