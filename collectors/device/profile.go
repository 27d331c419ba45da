package device

import (
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// Drivers a profile may name.
const (
	driverHTTP   = "http_json"
	driverModbus = "modbus_tcp"
	driverSNMP   = "snmp"
	driverTCP    = "tcp"
	driverSIP    = "sip_options"
	driverPush   = "plate_push"
)

var drivers = []string{driverHTTP, driverModbus, driverSNMP, driverTCP, driverSIP, driverPush}

// Profile is one vendor's device as YAML: the driver, what it reads and how
// the raw values become series. Only the section of its driver may be set.
type Profile struct {
	Name        string       `yaml:"name"`
	Driver      string       `yaml:"driver"`
	Description string       `yaml:"description"`
	HTTP        *HTTPSection `yaml:"http"`
	Modbus      *ModbusSpec  `yaml:"modbus"`
	SNMP        *SNMPSection `yaml:"snmp"`
	TCP         *PortSection `yaml:"tcp"`
	SIP         *PortSection `yaml:"sip"`
	Push        *PushSection `yaml:"push"`
	// Params are defaults of target params the profile reads (a target's
	// own value wins), e.g. the register order of a sensor family.
	Params  map[string]string `yaml:"params"`
	Metrics []Metric          `yaml:"metrics"`

	file  string         // where it was loaded from, for errors
	lines map[string]int // "metrics[3]" → line, for errors after loading
}

// HTTPSection is the http_json driver's part.
type HTTPSection struct {
	// Auth is digest (Hikvision, Dahua), basic or none; digest and basic read
	// the target's username and password_file.
	Auth string `yaml:"auth"`
	// InsecureTLS accepts a device's self-signed certificate (https only).
	InsecureTLS bool          `yaml:"insecure_tls"`
	Requests    []HTTPRequest `yaml:"requests"`
}

// HTTPRequest is one request of a round; metrics name it by ID.
type HTTPRequest struct {
	ID     string `yaml:"id"`
	Method string `yaml:"method"` // GET (default) or POST
	Path   string `yaml:"path"`   // appended to the target's URL; a template
	Body   string `yaml:"body"`   // POST body, a template; values are JSON-escaped
	// ContentType of the body; application/json by default.
	ContentType string `yaml:"content_type"`
	// Format of the answer: json (default) or xml (turned into the same tree:
	// elements become keys, repeated elements arrays, attributes are dropped).
	Format string `yaml:"format"`
	// OKPath and OKValues check an answer's own status field (Xixun
	// "_type": "success", COEX "code": 0): another value is the device's
	// error, reported with its answer.
	OKPath   string   `yaml:"ok_path"`
	OKValues []string `yaml:"ok_values"`
	// Optional: a failure of this request drops its metrics instead of
	// failing the round (a firmware that lacks the endpoint).
	Optional bool `yaml:"optional"`

	path, body tmpl
}

// ModbusSpec is the modbus_tcp driver's register map.
type ModbusSpec struct {
	// UnitID is the default unit (slave) id; the target's unit_id param wins.
	UnitID int `yaml:"unit_id"`
	// ByteOrder within a register (big, the standard, or little) and
	// WordOrder of 32/64-bit values (high_first or low_first); the target's
	// byte_order and word_order params win, since boards of one model are
	// wired differently.
	ByteOrder string           `yaml:"byte_order"`
	WordOrder string           `yaml:"word_order"`
	Registers []ModbusRegister `yaml:"registers"`
}

// ModbusRegister is one value in the device's register map.
type ModbusRegister struct {
	ID       string  `yaml:"id"`
	Function string  `yaml:"function"` // holding, input, coil or discrete
	Address  int     `yaml:"address"`  // 0-based protocol address
	Type     string  `yaml:"type"`     // u16 i16 u32 i32 f32 u64 (bool for coil/discrete)
	Scale    float64 `yaml:"scale"`    // multiplies the decoded value; 0 means 1
	// ByteOrder/WordOrder override the device's for this register.
	ByteOrder string `yaml:"byte_order"`
	WordOrder string `yaml:"word_order"`
	// PositionIn names a target param that lists register ids in the order
	// the device keeps them ("temperature,humidity"): the register's address
	// is Address plus its position in that list times its size. Sensors of
	// one family disagree on the order, so the order is configuration
	// (modbus_order.go).
	PositionIn string `yaml:"position_in"`
}

// SNMPSection is the snmp driver's part: table columns walked side by side
// (rows of different tables join on the row index) and scalars.
type SNMPSection struct {
	Tables  []SNMPTable `yaml:"tables"`
	Scalars []SNMPOID   `yaml:"scalars"`
}

// SNMPTable is a set of columns walked together.
type SNMPTable struct {
	ID      string    `yaml:"id"`
	Columns []SNMPOID `yaml:"columns"`
}

// SNMPOID names one numeric OID.
type SNMPOID struct {
	ID  string `yaml:"id"`
	OID string `yaml:"oid"`
}

// PortSection is the default port of the tcp and sip_options drivers, used
// when the target's address has none.
type PortSection struct {
	Port int `yaml:"port"`
}

// PushSection tunes the plate_push driver.
type PushSection struct {
	// Silence after which the camera counts as down (no heartbeat, no push);
	// cameras beat every 5 s (offline check on) or 30 s.
	Silence time.Duration `yaml:"silence"`
}

// Metric maps raw values to one series.
type Metric struct {
	Name string `yaml:"name"`

	// Where the raw value comes from: one of these, by driver.
	Request  string `yaml:"request"`  // http_json: the request's id …
	Path     string `yaml:"path"`     // … and the gjson path in its answer
	Each     string `yaml:"each"`     // http_json: gjson path of an array; one series per element, path relative to it
	Register string `yaml:"register"` // modbus_tcp
	Column   string `yaml:"column"`   // snmp: table.column, one series per row
	Scalar   string `yaml:"scalar"`   // snmp
	Probe    string `yaml:"probe"`    // tcp, sip_options: up, connect_seconds, rtt_seconds, status_code
	Param    string `yaml:"param"`    // snmp, modbus_tcp: the target's param, a number (a PDU's rating)
	// Any (snmp) is 1 when any of its conditions holds and 0 when none does:
	// a state a device reports in several places (a UPS on battery: its
	// output source, its seconds on battery, the OnBattery alarm).
	Any []Condition `yaml:"any"`
	// Where (snmp columns) keeps only the rows whose column matches: the
	// phase rows of a PDU's load table, not its bank rows.
	Where *Condition `yaml:"where"`

	// How it becomes a number.
	Parse   string             `yaml:"parse"`   // number (default), leading_number ("55.0℃"), bool
	Map     map[string]float64 `yaml:"map"`     // raw (as text) → value
	Default *float64           `yaml:"default"` // for a raw value the map lacks; without it that is an error
	Scale   float64            `yaml:"scale"`   // multiplies a parsed number; 0 means 1
	Value   *float64           `yaml:"value"`   // a constant (info series: led_playing_info 1)
	// Counter says how a device counter is made monotonic: restart (it goes
	// back only when the device restarts) or daily (it restarts every day at
	// CST midnight by design). Only for *_total series, which need it.
	Counter string `yaml:"counter"`
	// Optional drops the series quietly when the raw value is missing.
	Optional bool `yaml:"optional"`
	// KeepMissing (snmp tables) keeps emitting, as MissingValue, a row seen
	// within this window and gone now: controllers that list only online APs.
	KeepMissing  time.Duration `yaml:"keep_missing"`
	MissingValue float64       `yaml:"missing_value"`

	Labels map[string]LabelSpec `yaml:"labels"`

	labelNames []string // sorted keys of Labels
	path       string   // normalised gjson path
	table      string   // snmp: table id of Column
	col        string   // snmp: column id of Column
}

// LabelSpec is a label's value: a template, optionally looked up in a
// "key=value,..." target param (e.g. AP name → zone).
type LabelSpec struct {
	Template string `yaml:"template"`
	ParamMap string `yaml:"param_map"`
	Default  string `yaml:"default"`

	tmpl tmpl
}

// UnmarshalYAML accepts a plain string as the template.
func (l *LabelSpec) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		l.Template = n.Value
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a label is a template string or a mapping of template, param_map and default", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !labelSpecKeys[k.Value] {
			return fmt.Errorf("line %d: unknown label field %q (template, param_map, default)", k.Line, k.Value)
		}
	}
	type plain LabelSpec
	return n.Decode((*plain)(l))
}

// labelSpecKeys are the keys a label mapping may have.
var labelSpecKeys = map[string]bool{"template": true, "param_map": true, "default": true}
