package snmp

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBuiltinProfilesLoad(t *testing.T) {
	ps, err := LoadProfiles(nil)
	require.NoError(t, err)
	for _, name := range []string{"generic", "huawei", "h3c", "ruijie", "zte", "cisco"} {
		assert.NotEmpty(t, ps[name].Metrics, name)
	}
}

const okProfile = `name: acme
match: [1.3.6.1.4.1.99999]
metrics:
  - id: cpu
    name: snmp_cpu_utilisation_ratio
    oid: .1.3.6.1.4.1.99999.1.2.
    scale: 0.01
    label: entity
`

func TestParseProfile(t *testing.T) {
	p, err := ParseProfile(strings.NewReader(okProfile))
	require.NoError(t, err)
	assert.Equal(t, ".1.3.6.1.4.1.99999.1.2", p.Metrics[0].OID, "OIDs normalised to one leading dot")
	assert.Equal(t, "gauge", p.Metrics[0].Type)
	assert.Equal(t, labelFromIndex, p.Metrics[0].LabelFrom)

	cases := []struct{ name, yaml, wantErr string }{
		{"unknown field with line", okProfile + "    colour: red\n", "line 9: field colour not found"},
		{"symbolic OID", strings.Replace(okProfile, ".1.3.6.1.4.1.99999.1.2.", "hwEntityCpuUsage", 1), `oid ".hwEntityCpuUsage" is not a numeric OID`},
		{"bad name", strings.Replace(okProfile, "snmp_cpu_utilisation_ratio", "cpu", 1), `name "cpu" must be a snmp_* metric name`},
		{"core name", strings.Replace(okProfile, "snmp_cpu_utilisation_ratio", "snmp_if_in_octets_total", 1), "that IF-MIB does not already own"},
		{"bad label", strings.Replace(okProfile, "label: entity", "label: district", 1), `label "district" must be entity or ifname`},
		{"counter type", okProfile + "    type: counter\n", `type "counter": only gauge`},
		{"duplicate id", okProfile + strings.SplitN(okProfile, "metrics:\n", 2)[1], `id "cpu" used twice`},
		{"bad convert", okProfile + "    convert: mw\n", `convert "mw"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseProfile(strings.NewReader(tc.yaml))
			require.ErrorContains(t, err, tc.wantErr)
		})
	}
}

func TestExtraProfileOverrides(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "acme.yaml"), []byte(okProfile), 0o600))
	huawei := strings.Replace(okProfile, "name: acme", "name: huawei", 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "huawei.yaml"), []byte(huawei), 0o600))
	ps, err := LoadProfiles([]string{dir})
	require.NoError(t, err)
	assert.Len(t, ps["acme"].Metrics, 1)
	assert.Len(t, ps["huawei"].Metrics, 1, "a file profile replaces the built-in one of its name")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("name: [x"), 0o600))
	_, err = LoadProfiles([]string{dir})
	require.ErrorContains(t, err, "bad.yaml")
}

// FuzzProfile feeds arbitrary YAML to the strict loader: it never panics, and
// whatever it accepts is valid and survives normalisation again.
func FuzzProfile(f *testing.F) {
	f.Add([]byte(okProfile))
	for _, name := range []string{"generic", "huawei", "h3c", "cisco"} {
		b, err := builtinProfiles.ReadFile("profiles/" + name + ".yaml")
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("name: x\nmetrics: [{id: a, name: snmp_a, oid: 1.3, label: entity, filter: {oid: 1.2, values: [1]}}]"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile(strings.NewReader(string(data)))
		if err != nil {
			return
		}
		require.NoError(t, p.Validate())
		for _, m := range p.Metrics {
			require.True(t, validOID(m.OID))
			require.Equal(t, m.OID, normOID(m.OID))
		}
	})
}
