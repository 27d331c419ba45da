package inventory

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSNMPRequestParams(t *testing.T) {
	cases := []struct {
		params  map[string]string
		timeout time.Duration
		retries int
		err     string
	}{
		{nil, 0, -1, ""},
		{map[string]string{"snmp_timeout": "5s", "snmp_retries": "0"}, 5 * time.Second, 0, ""},
		{map[string]string{"snmp_retries": "5"}, 0, 5, ""},
		{map[string]string{"snmp_timeout": "5"}, 0, -1, `snmp_timeout "5" must be a duration from 100ms to 1m0s, e.g. 5s`},
		{map[string]string{"snmp_timeout": "10ms"}, 0, -1, "must be a duration from 100ms"},
		{map[string]string{"snmp_retries": "-1"}, 0, -1, `snmp_retries "-1" must be a whole number from 0 (no retry) to 5`},
		{map[string]string{"snmp_retries": "many", "snmp_timeout": "2m"}, 0, -1, "snmp_retries"},
	}
	for _, tc := range cases {
		timeout, retries, err := SNMPRequestParams(tc.params)
		if tc.err != "" {
			require.ErrorContains(t, err, tc.err, tc.params)
			continue
		}
		require.NoError(t, err, tc.params)
		assert.Equal(t, tc.timeout, timeout, tc.params)
		assert.Equal(t, tc.retries, retries, tc.params)
	}
}

// A bad setting is a problem of the row at import, named by the param.
func TestSNMPParamsAreCheckedAtImport(t *testing.T) {
	row := Target{Name: "village-rtr", Kind: "snmp", Address: "10.9.0.1", District: "卢氏县",
		Params: map[string]string{"snmp_timeout": "slow", "snmp_retries": "9"}}
	_, is := normalize(row, nil)
	require.Len(t, is, 1)
	assert.Equal(t, "params", is[0].Field)
	assert.Contains(t, is[0].Msg, "snmp_timeout")
	assert.Contains(t, is[0].Msg, "snmp_retries")
	row.Kind = "netprobe" // other kinds' params are theirs to read
	_, is = normalize(row, nil)
	assert.Empty(t, is)
}
