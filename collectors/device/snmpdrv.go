package device

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"

	"github.com/swanwatch/swanwatch/collectors/snmp"
)

// maxTableRows bounds the rows kept per table: the largest controller of a
// park has a few thousand APs.
const maxTableRows = 10_000

// snmpTable is one walked table: its rows in walk order and, per column,
// row index → varbind.
type snmpTable struct {
	order []string
	seen  map[string]bool
	cols  []map[string]gosnmp.SnmpPDU
}

// collectSNMP walks the profile's tables and gets its scalars through the
// snmp collector's session, then maps them.
func (r *round) collectSNMP(ctx context.Context) error {
	spec := r.p.SNMP
	tables := map[string]*snmpTable{}
	scalars := map[string]gosnmp.SnmpPDU{}
	err := snmp.Poll(ctx, r.t, r.c.snmpCfg, func(q *snmp.Querier) error {
		if len(spec.Scalars) > 0 {
			if err := r.getScalars(q, scalars); err != nil {
				return err
			}
		}
		for _, t := range spec.Tables {
			tab, err := walkTable(q, t)
			if err != nil {
				return fmt.Errorf("table %s: %w", t.ID, err)
			}
			tables[t.ID] = tab
		}
		return nil
	})
	if err != nil {
		return snmpError(err)
	}
	var errs []error
	for i := range r.p.Metrics {
		m := &r.p.Metrics[i]
		switch {
		case m.Param != "":
			errs = append(errs, r.putParam(m))
		case len(m.Any) > 0:
			errs = append(errs, r.putAny(m, scalars, tables))
		case m.Scalar != "":
			errs = append(errs, r.putScalar(m, scalars[m.Scalar]))
		default:
			errs = append(errs, r.putColumn(m, tables[m.table]))
		}
	}
	return joinErrs(errs)
}

func (r *round) getScalars(q *snmp.Querier, out map[string]gosnmp.SnmpPDU) error {
	oids := make([]string, len(r.p.SNMP.Scalars))
	for i, s := range r.p.SNMP.Scalars {
		oids[i] = s.OID
	}
	pdus, err := q.Get(oids)
	if err != nil {
		return fmt.Errorf("scalars: %w", err)
	}
	for i, s := range r.p.SNMP.Scalars {
		out[s.ID] = pdus[i]
	}
	return nil
}

func walkTable(q *snmp.Querier, t SNMPTable) (*snmpTable, error) {
	tab := &snmpTable{seen: map[string]bool{}, cols: make([]map[string]gosnmp.SnmpPDU, len(t.Columns))}
	roots := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		roots[i] = c.OID
		tab.cols[i] = map[string]gosnmp.SnmpPDU{}
	}
	err := q.Walk(roots, func(col int, index string, pdu gosnmp.SnmpPDU) {
		if !tab.seen[index] {
			if len(tab.order) >= maxTableRows {
				return
			}
			tab.seen[index] = true
			tab.order = append(tab.order, index)
		}
		tab.cols[col][index] = pdu
	})
	return tab, err
}

// snmpError puts the snmp collector's error classes into ours.
func snmpError(err error) error {
	switch {
	case errors.Is(err, snmp.ErrAuth):
		return fmt.Errorf("%w: snmp: %w", ErrAuth, err)
	case errors.Is(err, snmp.ErrTimeout):
		return fmt.Errorf("%w: snmp: %w", ErrTimeout, err)
	case errors.Is(err, snmp.ErrLoop):
		return fmt.Errorf("%w: snmp: %w", ErrBadAnswer, err)
	}
	return fmt.Errorf("snmp: %w", err)
}

func (r *round) putScalar(m *Metric, pdu gosnmp.SnmpPDU) error {
	raw, ok := pduRaw(pdu)
	if !ok {
		return missing(m, "scalar "+m.Scalar)
	}
	return r.put(m, raw, nil)
}

// putColumn emits one series per row that has the column; with
// keep_missing, rows seen lately and gone now are emitted as missing_value.
func (r *round) putColumn(m *Metric, tab *snmpTable) error {
	ci := r.p.snmpColumn(m.table, m.col)
	var errs []error
	emitted := map[string]bool{}
	for _, idx := range tab.order {
		raw, ok := pduRaw(tab.cols[ci][idx])
		if !ok || !r.rowMatches(m, tab, idx) {
			continue // rows of joined tables: this one lacks the column; or filtered out
		}
		env := &tplEnv{index: idx, col: r.rowText(m.table, tab, idx)}
		v, kv, err := r.series(m, raw, env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if m.KeepMissing > 0 {
			r.st.rows[m.Name+"\x00"+idx] = &seenRow{kv: kv, at: r.now, name: m.Name}
			emitted[strings.Join(kv, "\x00")] = true
		}
		r.emit(m.Name, v, kv...)
	}
	if m.KeepMissing > 0 {
		r.emitRemembered(m, emitted)
	}
	return joinErrs(errs)
}

// rowText returns {{col.X}} for one row: the column's value as text.
func (r *round) rowText(table string, tab *snmpTable, idx string) func(string) string {
	return func(col string) string {
		i := r.p.snmpColumn(table, col)
		if i < 0 {
			return ""
		}
		raw, _ := pduRaw(tab.cols[i][idx])
		return raw.String()
	}
}

// seenRow is a row of a keep_missing metric: its labels when last seen.
type seenRow struct {
	kv   []string
	at   time.Time
	name string
}

// emitRemembered emits missing_value for rows of m seen within keep_missing
// and absent now, and forgets older ones.
func (r *round) emitRemembered(m *Metric, emitted map[string]bool) {
	for key, row := range r.st.rows {
		switch {
		case row.name != m.Name || row.at.Equal(r.now):
		case r.now.Sub(row.at) > m.KeepMissing:
			delete(r.st.rows, key)
		case !emitted[strings.Join(row.kv, "\x00")]:
			emitted[strings.Join(row.kv, "\x00")] = true
			r.emit(m.Name, m.MissingValue, row.kv...)
		}
	}
}

// pduRaw turns a varbind into a raw value; exceptions are missing.
func pduRaw(pdu gosnmp.SnmpPDU) (rawValue, bool) {
	switch v := pdu.Value.(type) {
	case int:
		return numRaw(float64(v)), true
	case uint:
		return numRaw(float64(v)), true
	case uint32:
		return numRaw(float64(v)), true
	case uint64:
		return numRaw(float64(v)), true
	case float32:
		return numRaw(float64(v)), true
	case float64:
		return numRaw(v), true
	case []byte:
		return textRaw(octetText(v)), true
	case string:
		if pdu.Type == gosnmp.ObjectIdentifier || pdu.Type == gosnmp.IPAddress {
			return textRaw(v), true
		}
	}
	return rawValue{}, false
}

// octetText renders an OCTET STRING: text when it is printable UTF-8 (trailing
// NULs dropped), else hex with colons (a MAC).
func octetText(b []byte) string {
	s := strings.TrimRight(string(b), "\x00")
	if utf8.ValidString(s) && strings.IndexFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) < 0 {
		return s
	}
	h := hex.EncodeToString(b)
	var sb strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			sb.WriteByte(':')
		}
		sb.WriteString(h[i : i+2])
	}
	return sb.String()
}
