package device

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestShippedProfiles loads every shipped profile: each parses, names its
// source in a comment, and the set covers the devices of issue 11.
func TestShippedProfiles(t *testing.T) {
	ps, err := LoadProfiles(nil)
	require.NoError(t, err)
	for _, name := range []string{"hikvision-turnstile", "modbus-gate-board", "hikvision-barrier", "xixun-led",
		"novastar-coex", "parking-json", "huawei-wlan-ac", "h3c-wlan-ac", "ruijie-wlan-ac", "broadcast-sip",
		"broadcast-tcp", "tcp-reachability", "vzenith-plate"} {
		require.Contains(t, ps, name)
	}
	entries, err := shippedProfiles.ReadDir("profiles")
	require.NoError(t, err)
	for _, e := range entries {
		b, err := shippedProfiles.ReadFile("profiles/" + e.Name())
		require.NoError(t, err)
		head := strings.SplitN(string(b), "\nname:", 2)[0]
		assert.Regexp(t, `(?i)source`, head, "%s: the comment must cite its source", e.Name())
	}
}

func parseString(s string) (Profile, error) { return ParseProfile(strings.NewReader(s), "site.yaml") }

// TestProfileErrors: each broken profile fails with a message that names the
// file, the line and what is wrong.
func TestProfileErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"unknown field", "name: x\ndriver: tcp\nmetrics:\n  - name: broadcast_zone_up\n    probe: up\n    lables: {zone: a}\n",
			"line 6: field lables not found"},
		{"unknown series", "name: x\ndriver: tcp\nmetrics:\n  - name: gate_okay\n    probe: up\n",
			"site.yaml:4: metrics[0]: gate_okay: not a series of docs/swanlake.md"},
		{"missing contract label", "name: x\ndriver: tcp\nmetrics:\n  - name: broadcast_zone_up\n    probe: up\n",
			"site.yaml:4: metrics[0]: broadcast_zone_up: labels []: the series carries exactly [zone]"},
		{"push-only series", "name: x\ndriver: tcp\nmetrics:\n  - name: vehicle_passages_total\n    probe: up\n    counter: restart\n    labels: {gate: a, direction: in}\n",
			"only the plate receiver emits it"},
		{"counter mode missing", "name: x\ndriver: modbus_tcp\nmodbus:\n  registers: [{id: n, function: holding, address: 0, type: u32}]\nmetrics:\n  - name: gate_passages_total\n    register: n\n    labels: {gate: a, direction: in}\n",
			"site.yaml:6: metrics[0]: gate_passages_total: a counter needs counter: restart"},
		{"bad direction", "name: x\ndriver: modbus_tcp\nmodbus:\n  registers: [{id: n, function: holding, address: 0, type: u32}]\nmetrics:\n  - name: gate_passages_total\n    register: n\n    counter: daily\n    labels: {gate: a, direction: inbound}\n",
			`label direction "inbound" must be in or out`},
		{"register type", "name: x\ndriver: modbus_tcp\nmodbus:\n  registers: [{id: n, function: coil, address: 0, type: f32}]\nmetrics:\n  - name: device_x\n    register: n\n",
			"site.yaml:4: modbus.registers[0]: type \"f32\": a coil register holds bool"},
		{"unknown register", "name: x\ndriver: modbus_tcp\nmodbus:\n  registers: [{id: n, function: holding, address: 0}]\nmetrics:\n  - name: device_x\n    register: m\n",
			`register "m" is not in modbus.registers`},
		{"wrong section", "name: x\ndriver: tcp\nhttp:\n  requests: []\nmetrics:\n  - name: device_x\n    probe: up\n",
			"site.yaml:3: http: section http belongs to driver http_json, not tcp"},
		{"unknown request", "name: x\ndriver: http_json\nhttp:\n  requests: [{id: a, path: /a}]\nmetrics:\n  - name: device_x\n    request: b\n    path: v\n",
			`request "b" is not in http.requests`},
		{"bad template", "name: x\ndriver: http_json\nhttp:\n  requests: [{id: a, path: '/a/{{parm.x}}'}]\nmetrics:\n  - name: device_x\n    request: a\n    path: v\n",
			"site.yaml:4: http.requests[0]: path: template \"/a/{{parm.x}}\": unknown variable {{parm.x}}"},
		{"item without each", "name: x\ndriver: http_json\nhttp:\n  requests: [{id: a, path: /a}]\nmetrics:\n  - name: parking_capacity\n    request: a\n    path: v\n    labels: {lot: '{{item.name}}'}\n",
			"{{item}} cannot be used here"},
		{"col of another table", "name: x\ndriver: snmp\nsnmp:\n  tables: [{id: t, columns: [{id: a, oid: 1.3.6.1.4}]}]\nmetrics:\n  - name: wifi_clients\n    column: t.a\n    labels: {ap: '{{col.name}}', zone: z}\n",
			"{{col.name}} is not a column of table t"},
		{"bad oid", "name: x\ndriver: snmp\nsnmp:\n  scalars: [{id: a, oid: 1.3.x.4}]\nmetrics:\n  - name: device_x\n    scalar: a\n",
			`oid ".1.3.x.4" is not a numeric OID`},
		{"map and value", "name: x\ndriver: tcp\nmetrics:\n  - name: device_x\n    probe: up\n    value: 1\n    map: {1: 1}\n",
			"value (a constant) leaves no room for map or default"},
		{"label field", "name: x\ndriver: tcp\nmetrics:\n  - name: broadcast_zone_up\n    probe: up\n    labels:\n      zone: {tmpl: a}\n",
			`line 7: unknown label field "tmpl"`},
		{"push metrics", "name: x\ndriver: plate_push\nmetrics:\n  - name: device_x\n    value: 1\n",
			"a plate_push profile has no metrics"},
		{"empty", "", "site.yaml: empty profile"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := parseString(c.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestProfileOverride: a profile file with a shipped name replaces it, and a
// directory loads every *.yaml in it.
func TestProfileOverride(t *testing.T) {
	dir := t.TempDir()
	site := "name: hikvision-barrier\ndriver: http_json\nhttp:\n  auth: digest\n  requests: [{id: s, path: /ISAPI/Parking/channels/2/barrierGate/barrierGateStatus, format: xml}]\n" +
		"metrics:\n  - name: barrier_ok\n    request: s\n    path: barrierGateStatus\n    map: {1: 1, 2: 1}\n    default: 0\n    labels: {gate: '{{param.gate}}'}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "barrier.yaml"), []byte(site), 0o600))
	ps, err := LoadProfiles([]string{dir})
	require.NoError(t, err)
	assert.Contains(t, ps["hikvision-barrier"].HTTP.Requests[0].Path, "channels/2")
	assert.Len(t, ps["hikvision-barrier"].Metrics, 1)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("name: [\n"), 0o600))
	_, err = LoadProfiles([]string{dir})
	require.ErrorContains(t, err, "bad.yaml")
	_, err = LoadProfiles([]string{filepath.Join(dir, "none.yaml")})
	require.ErrorContains(t, err, "none.yaml")
}

// TestModbusPlan: contiguous values of one function share a read, a gap or
// another function starts a new one, and no read passes the protocol's limit.
func TestModbusPlan(t *testing.T) {
	spec := &ModbusSpec{Registers: []ModbusRegister{
		{ID: "a", Function: "holding", Address: 0, Type: "u16"},
		{ID: "b", Function: "holding", Address: 1, Type: "u32"},
		{ID: "c", Function: "holding", Address: 10, Type: "u16"},
		{ID: "d", Function: "input", Address: 0, Type: "f32"},
		{ID: "e", Function: "coil", Address: 3, Type: "bool"},
		{ID: "f", Function: "coil", Address: 4, Type: "bool"},
		{ID: "g", Function: "holding", Address: 124, Type: "u64"},
		{ID: "h", Function: "holding", Address: 11, Type: "u16"},
	}}
	var got []string
	for _, r := range planModbus(spec) {
		got = append(got, fmt.Sprintf("%s:%d+%d", r.function, r.start, r.count))
	}
	slices.Sort(got)
	assert.Equal(t, []string{"coil:3+2", "holding:0+3", "holding:10+2", "holding:124+4", "input:0+2"}, got)
}
