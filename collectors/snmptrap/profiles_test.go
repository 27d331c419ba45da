package snmptrap

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaultProfiles(t *testing.T) {
	ps := DefaultProfiles()
	byName := map[string]Profile{}
	for _, p := range ps {
		byName[p.Name] = p
	}
	for name, oid := range map[string]string{
		"coldStart": "1.3.6.1.6.3.1.1.5.1", "warmStart": "1.3.6.1.6.3.1.1.5.2",
		"linkDown": "1.3.6.1.6.3.1.1.5.3", "linkUp": "1.3.6.1.6.3.1.1.5.4",
		"authenticationFailure":              "1.3.6.1.6.3.1.1.5.5",
		"hwBoardFail":                        "1.3.6.1.4.1.2011.5.25.219.2.2.3",
		"hh3cEntityExtSFPInvalidNow":         "1.3.6.1.4.1.25506.2.6.2.0.34",
		"ciscoEnvMonTemperatureNotification": "1.3.6.1.4.1.9.9.13.3.0.3",
	} {
		assert.Equal(t, oid, byName[name].OID, name)
	}
}

func TestLoadProfilesErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown field", "traps:\n  - {oid: 1.3.6, name: x, severity: info, text: t, colour: red}\n", "field colour not found"},
		{"symbolic oid", "traps:\n  - {oid: IF-MIB::linkDown, name: x, severity: info, text: t}\n", "is not numeric"},
		{"bad severity", "traps:\n  - {oid: 1.3.6, name: x, severity: 严重, text: t}\n", "severity"},
		{"bad template", "traps:\n  - {oid: 1.3.6, name: x, severity: info, text: '{{.Device'}\n", "parse text"},
		{"empty text", "traps:\n  - {oid: 1.3.6, name: x, severity: info, text: ' '}\n", "text is empty"},
		{"duplicate oid", "traps:\n  - {oid: 1.3.6, name: x, severity: info, text: t}\n  - {oid: 1.3.6, name: y, severity: info, text: t}\n", "appears twice"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadProfiles([]byte(tc.yaml))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A configured profile overrides the default of the same OID and adds new ones.
func TestProfilesOverride(t *testing.T) {
	ps, err := compileProfiles([]Profile{
		{OID: ".1.3.6.1.6.3.1.1.5.3", Name: "linkDown", Severity: "critical", Text: "{{.Device}} 断了"},
		{OID: "1.3.6.1.4.1.99999.1", Name: "acmeDoorOpen", Severity: "minor", Text: "{{.Device}} 机房门打开"},
	})
	require.NoError(t, err)
	assert.Equal(t, "critical", ps["1.3.6.1.6.3.1.1.5.3"].Severity)
	assert.Equal(t, "acmeDoorOpen", ps["1.3.6.1.4.1.99999.1"].Name)
	assert.Equal(t, "coldStart", ps["1.3.6.1.6.3.1.1.5.1"].Name, "other defaults stay")
}

func TestOptionsValidate(t *testing.T) {
	sink := newMemSink()
	cases := []struct {
		name string
		mod  func(*Options)
		want string
	}{
		{"no sink", func(o *Options) { o.Sink = nil }, "sink is required"},
		{"bad listen", func(o *Options) { o.Listen = "localhost:162" }, "listen"},
		{"unknown auth", func(o *Options) { o.V3Users[0].AuthProto = "SHA3" }, "unknown auth protocol"},
		{"short auth password", func(o *Options) { o.V3Users[0].AuthPass = "short" }, "at least 8"},
		{"bad engine id", func(o *Options) { o.V3Users[0].EngineIDs = []string{"0x01"} }, "5 to 32 octets"},
		{"duplicate user", func(o *Options) { o.V3Users = append(o.V3Users, o.V3Users[0]) }, "appears twice"},
		{"empty community", func(o *Options) { o.Communities = append(o.Communities, "") }, "communities[1] is empty"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			o := baseOptions("127.0.0.1:0", sink)
			tc.mod(&o)
			_, err := New(o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), testAuthPass, "no secret in errors")
			assert.NotContains(t, err.Error(), testCommunity, "no secret in errors")
		})
	}
}
