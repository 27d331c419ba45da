package snmp

import (
	"fmt"
	"math"
	"slices"

	"github.com/gosnmp/gosnmp"
)

// profile runs one stage per profile metric; a failed walk marks its stage
// and the others go on (partial data).
func (r *round) profile(p Profile) {
	for _, m := range p.Metrics {
		stage := "profile:" + p.Name + "-" + m.ID
		r.stage(stage)
		if err := r.profileMetric(m, stage); err != nil {
			r.fail(stage, err)
		}
	}
}

// table is one walk's result: column → row index → varbind, rows in walk order.
type table struct {
	cols  []map[string]gosnmp.SnmpPDU
	order []string // row indexes of column 0
}

// walkTable walks roots side by side; stage names the walk for its row hint.
func (r *round) walkTable(stage string, roots []string) (*table, error) {
	t := &table{cols: make([]map[string]gosnmp.SnmpPDU, len(roots))}
	for i := range t.cols {
		t.cols[i] = map[string]gosnmp.SnmpPDU{}
	}
	err := r.s.walk(roots, r.st.rowsHint(stage), func(col int, index string, pdu gosnmp.SnmpPDU) {
		if len(t.cols[col]) >= maxInterfaces {
			return
		}
		t.cols[col][index] = pdu
		if col == 0 {
			t.order = append(t.order, index)
		}
	})
	if err == nil {
		r.st.rows[stage] = max(len(t.order), len(t.cols[len(t.cols)-1]))
	}
	return t, err
}

// profileMetric walks the value column with its divisor, filter and label
// columns side by side and emits one gauge per kept row.
func (r *round) profileMetric(m ProfileMetric, stage string) error {
	roots := append([]string{m.OID}, m.DivideBy...)
	iFilter, iLabel := len(roots), -1
	if m.Filter != nil {
		roots = append(roots, m.Filter.OID)
	}
	if m.LabelOID != "" {
		iLabel = len(roots)
		roots = append(roots, m.LabelOID)
	}
	t, err := r.walkTable(stage, roots)
	if err != nil {
		return err
	}
	labels, err := r.rowLabels(m, t, iLabel)
	seen := map[string]bool{}
	for _, idx := range t.order {
		if m.Filter != nil && !slices.Contains(m.Filter.Values, asText(t.cols[iFilter][idx])) {
			continue
		}
		v, ok := r.rowValue(m, t, idx, stage)
		if !ok {
			continue
		}
		lv := labels(idx)
		if seen[lv] {
			lv += "#" + idx // two entities with one name: keep both series apart
		}
		seen[lv] = true
		r.emit(m.Name, v, m.Label, lv)
	}
	return err
}

// rowValue computes value × scale, or value / sum(divisors) × scale.
func (r *round) rowValue(m ProfileMetric, t *table, idx, stage string) (float64, bool) {
	v, ok := number(t.cols[0][idx])
	if !ok {
		r.badValue(stage, t.cols[0][idx])
		return 0, false
	}
	if slices.Contains(m.Skip, v) {
		return 0, false
	}
	if len(m.DivideBy) > 0 {
		den := 0.0
		for i := range m.DivideBy {
			d, ok := number(t.cols[1+i][idx])
			if !ok {
				return 0, false
			}
			den += d
		}
		if den == 0 {
			return 0, false
		}
		v /= den
	}
	v *= m.Scale
	if m.Convert == convertUWToDBm {
		if v <= 0 {
			return 0, false
		}
		v = 10 * math.Log10(v/1000)
	}
	return v, true
}

// rowLabels returns the function that names a row. A failed lookup walk falls
// back to the row index and is reported as the stage's error.
func (r *round) rowLabels(m ProfileMetric, t *table, iLabel int) (func(string) string, error) {
	var names map[string]string
	var err error
	switch {
	case iLabel >= 0:
		names = map[string]string{}
		for idx, pdu := range t.cols[iLabel] {
			names[idx], _ = displayString(pdu)
		}
	case m.LabelFrom == labelFromIfName:
		names = r.ifNames
	case m.LabelFrom == labelFromEntityName:
		names, err = r.entityNames()
	}
	return func(idx string) string {
		if n := names[idx]; n != "" {
			return n
		}
		return idx
	}, err
}

// entityNames walks ENTITY-MIB entPhysicalName once per round, for every
// metric that needs it.
func (r *round) entityNames() (map[string]string, error) {
	if r.entNames != nil {
		return r.entNames, r.entErr
	}
	r.entNames = map[string]string{}
	t, err := r.walkTable("entity-names", []string{oidEntPhysicalName})
	if err != nil {
		r.entErr = fmt.Errorf("entPhysicalName: %w", err)
	}
	for idx, pdu := range t.cols[0] {
		r.entNames[idx], _ = displayString(pdu)
	}
	return r.entNames, r.entErr
}
