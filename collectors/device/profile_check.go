package device

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// compile checks a decoded profile, fills defaults and parses its templates.
// Every problem is reported, each with its line.
func (p *Profile) compile() error {
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	if !validID(p.Name) {
		add(p.errTop("name", "%q must be 1-64 of a-z, 0-9, _ and -", p.Name))
	}
	if !slices.Contains(drivers, p.Driver) {
		add(p.errTop("driver", "%q must be one of %s", p.Driver, strings.Join(drivers, ", ")))
	}
	add(p.checkSections())
	add(p.checkProfileParams())
	switch p.Driver {
	case driverHTTP:
		add(p.compileHTTP())
	case driverModbus:
		add(p.compileModbus())
	case driverSNMP:
		add(p.compileSNMP())
	case driverTCP, driverSIP:
		add(p.checkPort())
	case driverPush:
		if p.Push != nil && p.Push.Silence != 0 && p.Push.Silence < 10*time.Second {
			add(p.errTop("push.silence", "%s must be at least 10s", p.Push.Silence))
		}
	}
	if p.Driver == driverPush && len(p.Metrics) > 0 {
		add(p.errTop("metrics", "a plate_push profile has no metrics: the receiver emits vehicle_passages_total and barrier_open_seconds"))
	}
	if p.Driver != driverPush && len(p.Metrics) == 0 {
		add(p.errTop("metrics", "at least one metric is needed"))
	}
	for i := range p.Metrics {
		add(p.compileMetric(i))
	}
	return errors.Join(errs...)
}

// checkSections allows only the driver's own section.
func (p *Profile) checkSections() error {
	set := map[string]bool{driverHTTP: p.HTTP != nil, driverModbus: p.Modbus != nil, driverSNMP: p.SNMP != nil,
		driverTCP: p.TCP != nil, driverSIP: p.SIP != nil, driverPush: p.Push != nil}
	key := map[string]string{driverHTTP: "http", driverModbus: "modbus", driverSNMP: "snmp",
		driverTCP: "tcp", driverSIP: "sip", driverPush: "push"}
	var errs []error
	for d, ok := range set {
		if ok && d != p.Driver {
			errs = append(errs, p.errTop(key[d], "section %s belongs to driver %s, not %s", key[d], d, p.Driver))
		}
	}
	needs := map[string]bool{driverHTTP: true, driverModbus: true, driverSNMP: true}
	if needs[p.Driver] && !set[p.Driver] {
		errs = append(errs, p.errTop("driver", "driver %s needs its section %s", p.Driver, key[p.Driver]))
	}
	return errors.Join(errs...)
}

func (p *Profile) compileHTTP() error {
	h := p.HTTP
	if h == nil {
		return nil
	}
	var errs []error
	if h.Auth == "" {
		h.Auth = "none"
	}
	if !slices.Contains([]string{"none", "basic", "digest"}, h.Auth) {
		errs = append(errs, p.errTop("http.auth", "%q must be none, basic or digest", h.Auth))
	}
	if len(h.Requests) == 0 {
		errs = append(errs, p.errTop("http", "at least one request is needed"))
	}
	ids := map[string]bool{}
	for i := range h.Requests {
		path := fmt.Sprintf("http.requests[%d]", i)
		if err := p.compileRequest(&h.Requests[i], path); err != nil {
			errs = append(errs, err)
		}
		if id := h.Requests[i].ID; ids[id] {
			errs = append(errs, p.errAt(path, "id %q used twice", id))
		}
		ids[h.Requests[i].ID] = true
	}
	return errors.Join(errs...)
}

func (p *Profile) compileRequest(r *HTTPRequest, path string) error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, p.errAt(path, format, a...)) }
	if !validID(r.ID) {
		add("id %q must be 1-64 of a-z, 0-9, _ and -", r.ID)
	}
	if r.Method == "" {
		r.Method = http.MethodGet
	}
	if r.Method != http.MethodGet && r.Method != http.MethodPost {
		add("method %q must be GET or POST", r.Method)
	}
	if !strings.HasPrefix(r.Path, "/") {
		add("path %q must start with /", r.Path)
	}
	if r.Body != "" && r.Method != http.MethodPost {
		add("a body needs method POST")
	}
	if r.Format == "" {
		r.Format = "json"
	}
	if r.Format != "json" && r.Format != "xml" {
		add("format %q must be json or xml", r.Format)
	}
	if (r.OKPath == "") != (len(r.OKValues) == 0) {
		add("ok_path and ok_values go together")
	}
	if r.ContentType == "" {
		r.ContentType = "application/json"
	}
	var err error
	if r.path, err = parseTmpl(r.Path); err == nil {
		err = r.path.checkVars(requestVars)
	}
	if err != nil {
		add("path: %v", err)
	}
	if r.body, err = parseTmpl(r.Body); err == nil {
		err = r.body.checkVars(requestVars)
	}
	if err != nil {
		add("body: %v", err)
	}
	return errors.Join(errs...)
}

// Modbus register functions and the types each may hold.
var modbusTypes = map[string][]string{
	"holding":  {"u16", "i16", "u32", "i32", "f32", "u64"},
	"input":    {"u16", "i16", "u32", "i32", "f32", "u64"},
	"coil":     {"bool"},
	"discrete": {"bool"},
}

func (p *Profile) compileModbus() error {
	m := p.Modbus
	if m == nil {
		return nil
	}
	var errs []error
	if m.UnitID == 0 {
		m.UnitID = 1
	}
	if m.UnitID < 0 || m.UnitID > 255 {
		errs = append(errs, p.errTop("modbus.unit_id", "%d must be 0..255", m.UnitID))
	}
	errs = append(errs, p.checkOrder("modbus", &m.ByteOrder, &m.WordOrder, true))
	if len(m.Registers) == 0 {
		errs = append(errs, p.errTop("modbus", "at least one register is needed"))
	}
	ids := map[string]bool{}
	for i := range m.Registers {
		path := fmt.Sprintf("modbus.registers[%d]", i)
		errs = append(errs, p.checkRegister(&m.Registers[i], path))
		if id := m.Registers[i].ID; ids[id] {
			errs = append(errs, p.errAt(path, "id %q used twice", id))
		}
		ids[m.Registers[i].ID] = true
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return p.checkPositions()
}

func (p *Profile) checkRegister(r *ModbusRegister, path string) error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, p.errAt(path, format, a...)) }
	if !validID(r.ID) {
		add("id %q must be 1-64 of a-z, 0-9, _ and -", r.ID)
	}
	types, ok := modbusTypes[r.Function]
	if !ok {
		add("function %q must be holding, input, coil or discrete", r.Function)
	}
	if r.Type == "" && ok && len(types) == 1 {
		r.Type = types[0]
	}
	if ok && !slices.Contains(types, r.Type) {
		add("type %q: a %s register holds %s", r.Type, r.Function, strings.Join(types, ", "))
	}
	if r.Address < 0 || r.Address+registerWords(r.Type)-1 > 0xffff {
		add("address %d must be 0..65535 (and the value must end there)", r.Address)
	}
	if r.Scale == 0 {
		r.Scale = 1
	}
	errs = append(errs, p.checkOrder(path, &r.ByteOrder, &r.WordOrder, false))
	return errors.Join(errs...)
}

// checkOrder validates byte and word order names; dflt fills the device's
// defaults (big, high_first).
func (p *Profile) checkOrder(path string, byteOrder, wordOrder *string, dflt bool) error {
	var errs []error
	if dflt && *byteOrder == "" {
		*byteOrder = "big"
	}
	if dflt && *wordOrder == "" {
		*wordOrder = "high_first"
	}
	if *byteOrder != "" && *byteOrder != "big" && *byteOrder != "little" {
		errs = append(errs, p.errAt(path, "byte_order %q must be big or little", *byteOrder))
	}
	if *wordOrder != "" && *wordOrder != "high_first" && *wordOrder != "low_first" {
		errs = append(errs, p.errAt(path, "word_order %q must be high_first or low_first", *wordOrder))
	}
	return errors.Join(errs...)
}

func (p *Profile) compileSNMP() error {
	s := p.SNMP
	if s == nil {
		return nil
	}
	var errs []error
	if len(s.Tables)+len(s.Scalars) == 0 {
		errs = append(errs, p.errTop("snmp", "at least one table or scalar is needed"))
	}
	ids := map[string]bool{}
	for i := range s.Tables {
		t := &s.Tables[i]
		path := fmt.Sprintf("snmp.tables[%d]", i)
		if !validID(t.ID) || ids[t.ID] {
			errs = append(errs, p.errAt(path, "id %q must be a unique name of a-z, 0-9, _ and -", t.ID))
		}
		ids[t.ID] = true
		if len(t.Columns) == 0 {
			errs = append(errs, p.errAt(path, "at least one column is needed"))
		}
		errs = append(errs, p.checkOIDs(t.Columns, path+".columns"))
	}
	errs = append(errs, p.checkOIDs(s.Scalars, "snmp.scalars"))
	return errors.Join(errs...)
}

func (p *Profile) checkOIDs(list []SNMPOID, path string) error {
	var errs []error
	ids := map[string]bool{}
	for i := range list {
		o := &list[i]
		at := fmt.Sprintf("%s[%d]", path, i)
		o.OID = "." + strings.Trim(strings.TrimSpace(o.OID), ".")
		if !validID(o.ID) || ids[o.ID] {
			errs = append(errs, p.errAt(at, "id %q must be a unique name of a-z, 0-9, _ and -", o.ID))
		}
		ids[o.ID] = true
		if !numericOID(o.OID) {
			errs = append(errs, p.errAt(at, "oid %q is not a numeric OID", o.OID))
		}
	}
	return errors.Join(errs...)
}

// numericOID accepts a dotted numeric OID of at least two arcs.
func numericOID(oid string) bool {
	arcs := strings.Split(strings.TrimPrefix(oid, "."), ".")
	if len(arcs) < 2 {
		return false
	}
	for _, a := range arcs {
		if a == "" || len(a) > 10 || strings.Trim(a, "0123456789") != "" {
			return false
		}
	}
	return true
}

func (p *Profile) checkPort() error {
	s := p.TCP
	key := "tcp.port"
	if p.Driver == driverSIP {
		s, key = p.SIP, "sip.port"
	}
	if s != nil && (s.Port < 0 || s.Port > 65535) {
		return p.errTop(key, "%d must be 1..65535", s.Port)
	}
	return nil
}
