package device

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const snmpHead = "name: x\ndriver: snmp\nsnmp:\n  scalars: [{id: s, oid: 1.3.6.1.2.1.33.1.4.1.0}]\n" +
	"  tables: [{id: t, columns: [{id: a, oid: 1.3.6.1.2.1.33.1.6.2.1.2}, {id: b, oid: 1.3.6.1.2.1.33.1.6.2.1.3}]}," +
	" {id: u, columns: [{id: c, oid: 1.3.6.1.2.1.33.1.3.3.1.3}]}]\nmetrics:\n"

const modbusHead = "name: x\ndriver: modbus_tcp\n"

// TestMachineRoomProfileErrors: the profile language's conditions, param
// metrics and position_in registers reject what cannot work, with the line.
func TestMachineRoomProfileErrors(t *testing.T) {
	cases := []struct{ name, yaml, want string }{
		{"any and scalar", snmpHead + "  - {name: ups_on_battery, scalar: s, any: [{scalar: s, equals: [5]}]}\n",
			"site.yaml:7: metrics[0]: ups_on_battery: set one of column (table.column), scalar, any and param"},
		{"condition without test", snmpHead + "  - {name: ups_on_battery, any: [{scalar: s}]}\n",
			"any[0]: set one of equals (a list of values) and above (a number)"},
		{"condition with both tests", snmpHead + "  - {name: ups_on_battery, any: [{scalar: s, equals: [1], above: 0}]}\n",
			"any[0]: set one of equals"},
		{"condition unknown scalar", snmpHead + "  - {name: ups_on_battery, any: [{scalar: z, equals: [1]}]}\n",
			`any[0]: scalar "z" is not in snmp.scalars`},
		{"condition unknown column", snmpHead + "  - {name: ups_on_battery, any: [{column: t.z, equals: [1]}]}\n",
			`any[0]: column "t.z" is not a table.column`},
		{"any with a map", snmpHead + "  - {name: ups_on_battery, any: [{scalar: s, equals: [5]}], map: {1: 1}}\n",
			"any gives 1 or 0"},
		{"where on a scalar metric", snmpHead + "  - {name: ups_alarms_present, scalar: s, where: {column: t.b, equals: [0]}}\n",
			"where filters the rows of a column"},
		{"where in another table", snmpHead + "  - {name: device_x, column: t.a, where: {column: u.c, equals: [0]}}\n",
			`where: column "u.c" is not in the metric's table t`},
		{"where on a scalar", snmpHead + "  - {name: device_x, column: t.a, where: {scalar: s, equals: [0]}}\n",
			"where: a row filter reads a column of the metric's table, not a scalar"},
		{"param with a map", snmpHead + "  - {name: pdu_rating_amps, param: rating_amps, map: {1: 1}}\n",
			"a param metric is the param's number times scale"},
		{"param and scalar", snmpHead + "  - {name: pdu_rating_amps, param: rating_amps, scalar: s}\n",
			"set one source: param or what the device reports"},
		{"param in a tcp profile", "name: x\ndriver: tcp\nmetrics:\n  - {name: device_x, param: rating_amps}\n",
			"param is not a source of driver tcp"},
		{"bad param default name", snmpHead + "  - {name: ups_alarms_present, scalar: s}\nparams: {Order: a}\n",
			`params.Order: "Order" is not a param a profile may default`},
		{"position without default", modbusHead + "modbus:\n  registers:\n    - {id: a, function: holding, type: u16, address: 0, position_in: order}\n" +
			"metrics: [{name: device_a, register: a}]\n", "position_in order needs a default order in params.order"},
		{"position default wrong", modbusHead + "params: {order: 'a,c'}\nmodbus:\n  registers:\n" +
			"    - {id: a, function: holding, type: u16, address: 0, position_in: order}\n    - {id: b, function: holding, type: u16, address: 0, position_in: order}\n" +
			"metrics: [{name: device_a, register: a}]\n", `param order "a,c" must list a and b, each once`},
		{"position past the end", modbusHead + "params: {order: 'a,b'}\nmodbus:\n  registers:\n" +
			"    - {id: a, function: holding, type: u16, address: 65535, position_in: order}\n    - {id: b, function: holding, type: u16, address: 65535, position_in: order}\n" +
			"metrics: [{name: device_a, register: a}]\n", "register b placed by order ends at 65536, past 65535"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseString(tc.yaml)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestConditionMatches: equals compares text, OIDs with or without their
// leading dot; above compares numbers, never text.
func TestConditionMatches(t *testing.T) {
	zero := 0.0
	eq := &Condition{Equals: []string{"5", ".1.3.6.1.2.1.33.1.6.3.2"}}
	above := &Condition{Above: &zero}
	assert.True(t, eq.matches(numRaw(5)))
	assert.False(t, eq.matches(numRaw(3)))
	assert.True(t, eq.matches(textRaw("1.3.6.1.2.1.33.1.6.3.2")))
	assert.True(t, eq.matches(textRaw(".1.3.6.1.2.1.33.1.6.3.2")))
	assert.False(t, eq.matches(textRaw(".1.3.6.1.2.1.33.1.6.3.20")))
	assert.True(t, above.matches(numRaw(1)))
	assert.False(t, above.matches(numRaw(0)))
	assert.False(t, above.matches(textRaw("many")))
}

// TestParamDefaults: a target's own param wins over the profile's default;
// an empty one takes the default.
func TestParamDefaults(t *testing.T) {
	p := &Profile{Params: map[string]string{"order": "temperature,humidity"}}
	assert.Equal(t, "humidity,temperature", p.withDefaults(map[string]string{"order": "humidity,temperature"})["order"])
	assert.Equal(t, "temperature,humidity", p.withDefaults(map[string]string{"order": ""})["order"])
	own := map[string]string{"unit_id": "3"}
	got := p.withDefaults(own)
	assert.Equal(t, "3", got["unit_id"])
	assert.NotContains(t, own, "order", "the target's map is not changed")
}

// TestParseOrder: the position list in its accepted and refused forms.
func TestParseOrder(t *testing.T) {
	want := []string{"temperature", "humidity"}
	got, err := parseOrder("order", " humidity,temperature ", want)
	require.NoError(t, err)
	assert.Equal(t, []string{"humidity", "temperature"}, got)
	for _, bad := range []string{"", ",", "humidity", "humidity,humidity", "humidity,temperature,", strings.Repeat("a,", 5000)} {
		_, err := parseOrder("order", bad, want)
		require.ErrorIs(t, err, ErrConfig, bad)
		assert.LessOrEqual(t, len(err.Error()), 200, "the value is clipped in the message")
	}
}
