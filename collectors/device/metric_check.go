package device

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/swanwatch/swanwatch/collectors"
)

// probes are the values the reachability drivers measure.
var probes = map[string][]string{
	driverTCP: {"up", "connect_seconds"},
	driverSIP: {"up", "status_code", "rtt_seconds"},
}

// compileMetric checks metrics[i] against its driver and the series contract.
func (p *Profile) compileMetric(i int) error {
	m := &p.Metrics[i]
	path := fmt.Sprintf("metrics[%d]", i)
	var errs []error
	add := func(format string, a ...any) {
		errs = append(errs, p.errAt(path, "%s: %s", m.Name, fmt.Sprintf(format, a...)))
	}
	spec, ok := lookupSeries(m.Name)
	switch {
	case !ok:
		add("not a series of docs/swanlake.md (%s) nor a custom %s* name", strings.Join(contractNames(), ", "), customPrefix)
	case spec.push:
		add("only the plate receiver emits it")
	case !collectors.ValidMetricName(m.Name):
		add("not a valid metric name")
	}
	p.checkSource(m, add)
	p.checkValue(m, spec, add)
	p.checkLabels(m, spec, add)
	return errors.Join(errs...)
}

// checkSource checks that exactly the driver's source fields are set.
func (p *Profile) checkSource(m *Metric, add func(string, ...any)) {
	set := map[string]bool{"request": m.Request != "", "path": m.Path != "", "each": m.Each != "",
		"register": m.Register != "", "column": m.Column != "", "scalar": m.Scalar != "", "probe": m.Probe != "",
		"param": m.Param != "", "any": len(m.Any) > 0, "where": m.Where != nil}
	own := map[string][]string{driverHTTP: {"request", "path", "each"}, driverModbus: {"register", "param"},
		driverSNMP: {"column", "scalar", "param", "any", "where"}, driverTCP: {"probe"}, driverSIP: {"probe"}}[p.Driver]
	for _, f := range slices.Sorted(maps.Keys(set)) {
		if set[f] && !slices.Contains(own, f) {
			add("%s is not a source of driver %s", f, p.Driver)
		}
	}
	switch {
	case m.Param != "":
		p.checkParamSource(m, add)
	case p.Driver == driverHTTP && p.HTTP != nil:
		p.checkHTTPSource(m, add)
	case p.Driver == driverModbus && p.Modbus != nil:
		if !slices.ContainsFunc(p.Modbus.Registers, func(r ModbusRegister) bool { return r.ID == m.Register }) {
			add("register %q is not in modbus.registers", m.Register)
		}
	case p.Driver == driverSNMP && p.SNMP != nil:
		p.checkSNMPSource(m, add)
	case p.Driver == driverTCP || p.Driver == driverSIP:
		if !slices.Contains(probes[p.Driver], m.Probe) {
			add("probe %q must be one of %s", m.Probe, strings.Join(probes[p.Driver], ", "))
		}
	}
}

func (p *Profile) checkHTTPSource(m *Metric, add func(string, ...any)) {
	if !slices.ContainsFunc(p.HTTP.Requests, func(r HTTPRequest) bool { return r.ID == m.Request }) {
		add("request %q is not in http.requests", m.Request)
	}
	if m.Path == "" && m.Value == nil {
		add("path is needed (the gjson path of the value)")
	}
	if m.KeepMissing != 0 {
		add("keep_missing is for snmp table columns")
	}
	m.path = m.Path
}

func (p *Profile) checkSNMPSource(m *Metric, add func(string, ...any)) {
	n := 0
	for _, set := range []bool{m.Column != "", m.Scalar != "", len(m.Any) > 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		add("set one of column (table.column), scalar, any and param")
		return
	}
	if m.Where != nil && m.Column == "" {
		add("where filters the rows of a column")
	}
	if len(m.Any) > 0 {
		p.checkAny(m, add)
		return
	}
	if m.Scalar != "" {
		if !slices.ContainsFunc(p.SNMP.Scalars, func(o SNMPOID) bool { return o.ID == m.Scalar }) {
			add("scalar %q is not in snmp.scalars", m.Scalar)
		}
		if m.KeepMissing != 0 {
			add("keep_missing is for table columns")
		}
		return
	}
	m.table, m.col, _ = strings.Cut(m.Column, ".")
	if p.snmpColumn(m.table, m.col) < 0 {
		add("column %q is not a table.column of snmp.tables", m.Column)
	}
	if m.KeepMissing < 0 {
		add("keep_missing %s must not be negative", m.KeepMissing)
	}
	if m.Where != nil {
		p.checkCondition(m.Where, "where", m.table, add)
	}
}

// snmpColumn returns the position of column col in table id, or -1.
func (p *Profile) snmpColumn(id, col string) int {
	if p.SNMP == nil {
		return -1
	}
	for _, t := range p.SNMP.Tables {
		if t.ID == id {
			return slices.IndexFunc(t.Columns, func(o SNMPOID) bool { return o.ID == col })
		}
	}
	return -1
}

// checkValue checks the value pipeline and the counter option.
func (p *Profile) checkValue(m *Metric, spec seriesSpec, add func(string, ...any)) {
	if m.Parse == "" {
		m.Parse = "number"
	}
	if !slices.Contains([]string{"number", "leading_number", "bool"}, m.Parse) {
		add("parse %q must be number, leading_number or bool", m.Parse)
	}
	if m.Value != nil && (len(m.Map) > 0 || m.Default != nil) {
		add("value (a constant) leaves no room for map or default")
	}
	if m.Default != nil && len(m.Map) == 0 {
		add("default is the value for raw values the map lacks: it needs a map")
	}
	if m.Scale == 0 {
		m.Scale = 1
	}
	counter := spec.counter || strings.HasSuffix(m.Name, "_total")
	switch {
	case counter && m.Counter == "":
		add("a counter needs counter: restart (the device counts up until it restarts) or daily (it restarts every day at midnight)")
	case !counter && m.Counter != "":
		add("counter is only for *_total series")
	case m.Counter != "" && m.Counter != counterRestart && m.Counter != counterDaily:
		add("counter %q must be restart or daily", m.Counter)
	}
}

// checkLabels checks the label set against the contract and the templates
// against where they are used.
func (p *Profile) checkLabels(m *Metric, spec seriesSpec, add func(string, ...any)) {
	names := slices.Sorted(maps.Keys(m.Labels))
	m.labelNames = names
	if _, inContract := contract[m.Name]; inContract && !slices.Equal(names, slices.Sorted(slices.Values(spec.labels))) {
		add("labels %v: the series carries exactly %v", names, spec.labels)
	}
	allowed := slices.Clone(labelVars)
	if m.Each == "" {
		allowed = slices.DeleteFunc(allowed, func(v string) bool { return v == "item" })
	}
	if m.Column == "" {
		allowed = slices.DeleteFunc(allowed, func(v string) bool { return v == "col" })
	}
	for _, name := range names {
		l := m.Labels[name]
		if !collectors.ValidLabelName(name) || collectors.ReservedLabelName(name) {
			add("label name %q is not allowed", name)
		}
		t, err := parseTmpl(l.Template)
		if err == nil {
			err = t.checkVars(allowed)
		}
		if err != nil {
			add("label %s: %v", name, err)
			continue
		}
		l.tmpl = t
		m.Labels[name] = l
		p.checkColRefs(m, t, name, add)
		if name == "direction" && t.isConst() && !slices.Contains(directions, l.Template) {
			add("label direction %q must be in or out", l.Template)
		}
	}
}

// checkColRefs checks that {{col.X}} names a column of the metric's table.
func (p *Profile) checkColRefs(m *Metric, t tmpl, label string, add func(string, ...any)) {
	for _, part := range t.parts {
		if part.ns == "col" && p.snmpColumn(m.table, part.key) < 0 {
			add("label %s: {{col.%s}} is not a column of table %s", label, part.key, m.table)
		}
	}
}
