package device

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// Condition tests one SNMP value: a scalar, or a table column (true when any
// row matches; as a metric's where, the row's own value). It matches when
// the value equals one of Equals (as text; OIDs compare without their
// leading dot, so the alarm table's OnBattery OID is written either way) or,
// as a number, is above Above.
type Condition struct {
	Scalar string   `yaml:"scalar"`
	Column string   `yaml:"column"` // table.column
	Equals []string `yaml:"equals"`
	Above  *float64 `yaml:"above"`

	table, col string
}

// matches reports whether raw meets the condition; a text value is never
// above a number.
func (c *Condition) matches(raw rawValue) bool {
	if c.Above != nil {
		v, err := parseNumber(raw, "number")
		return err == nil && v > *c.Above
	}
	got := normValue(raw.String())
	return slices.ContainsFunc(c.Equals, func(want string) bool { return normValue(want) == got })
}

// normValue is a value as compared by equals: trimmed, an OID without its
// leading dot.
func normValue(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), ".") }

// checkCondition checks a condition of metric m; table, when set, is the
// table a where condition must stay in.
func (p *Profile) checkCondition(c *Condition, what, table string, add func(string, ...any)) {
	if (c.Scalar == "") == (c.Column == "") {
		add("%s: set one of scalar and column", what)
	}
	if (len(c.Equals) == 0) == (c.Above == nil) {
		add("%s: set one of equals (a list of values) and above (a number)", what)
	}
	if table != "" && c.Scalar != "" {
		add("%s: a row filter reads a column of the metric's table, not a scalar", what)
	}
	if c.Scalar != "" && !slices.ContainsFunc(p.SNMP.Scalars, func(o SNMPOID) bool { return o.ID == c.Scalar }) {
		add("%s: scalar %q is not in snmp.scalars", what, c.Scalar)
	}
	if c.Column == "" {
		return
	}
	c.table, c.col, _ = strings.Cut(c.Column, ".")
	switch {
	case p.snmpColumn(c.table, c.col) < 0:
		add("%s: column %q is not a table.column of snmp.tables", what, c.Column)
	case table != "" && c.table != table:
		add("%s: column %q is not in the metric's table %s", what, c.Column, table)
	}
}

// checkAny checks the conditions of an any metric: its value is 1 or 0, so
// map, scale and a constant have no place.
func (p *Profile) checkAny(m *Metric, add func(string, ...any)) {
	if len(m.Map) > 0 || m.Value != nil || (m.Scale != 0 && m.Scale != 1) || m.KeepMissing != 0 {
		add("any gives 1 or 0: map, value, scale and keep_missing have no place")
	}
	for i := range m.Any {
		p.checkCondition(&m.Any[i], fmt.Sprintf("any[%d]", i), "", add)
	}
}

// putAny emits 1 when a condition of m holds and 0 when none does. A
// scalar the device lacks says nothing; a table is read even when empty (no
// alarm rows: no alarm). When no condition could be read, the value is
// missing.
func (r *round) putAny(m *Metric, scalars map[string]gosnmp.SnmpPDU, tables map[string]*snmpTable) error {
	answered := false
	for i := range m.Any {
		c := &m.Any[i]
		if c.Scalar != "" {
			raw, ok := pduRaw(scalars[c.Scalar])
			if !ok {
				continue
			}
			answered = true
			if c.matches(raw) {
				return r.put(m, numRaw(1), nil)
			}
			continue
		}
		tab := tables[c.table]
		if tab == nil {
			continue
		}
		answered = true
		if tab.anyRow(r.p.snmpColumn(c.table, c.col), c) {
			return r.put(m, numRaw(1), nil)
		}
	}
	if !answered {
		return missing(m, "every value of its conditions")
	}
	return r.put(m, numRaw(0), nil)
}

// anyRow reports whether a row's column ci matches c.
func (t *snmpTable) anyRow(ci int, c *Condition) bool {
	for _, idx := range t.order {
		if raw, ok := pduRaw(t.cols[ci][idx]); ok && c.matches(raw) {
			return true
		}
	}
	return false
}

// rowMatches applies a metric's where to row idx: a row without the column
// is left out.
func (r *round) rowMatches(m *Metric, tab *snmpTable, idx string) bool {
	if m.Where == nil {
		return true
	}
	raw, ok := pduRaw(tab.cols[r.p.snmpColumn(m.Where.table, m.Where.col)][idx])
	return ok && m.Where.matches(raw)
}
