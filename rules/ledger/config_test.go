package ledger

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestConfig(t *testing.T) {
	var c Config
	require.NoError(t, yaml.Unmarshal([]byte(`
http:
  - url: https://cp.example/api/ledger/export
    bearer_token_file: /etc/swanwatch/ledger.token
    timeout: 10s
excel:
  - path: /data/资源台账.xlsx
expiring_days: 45
`), &c))
	require.NoError(t, c.Validate())
	assert.True(t, c.Enabled())
	c = c.WithDefaults()
	assert.Equal(t, DefaultRefresh, c.Refresh)
	assert.Equal(t, DefaultLookback, c.Lookback)
	assert.Equal(t, 45, c.ExpiringDays)
	src := c.Sources()
	require.Len(t, src, 2)
	assert.Equal(t, &HTTPSource{URL: "https://cp.example/api/ledger/export", BearerTokenFile: "/etc/swanwatch/ledger.token",
		Timeout: 10 * time.Second, MaxBytes: DefaultMaxBytes}, src[0])
	assert.Equal(t, &ExcelSource{Path: "/data/资源台账.xlsx", MaxBytes: DefaultMaxBytes}, src[1])

	assert.False(t, Config{}.Enabled())
	bad := Config{HTTP: []HTTPConfig{{URL: "ftp://x"}, {URL: "https://u:p@cp/x"}, {URL: "http://cp", Timeout: -1}},
		Excel: []ExcelConfig{{}}, ExpiringDays: 400}
	err := bad.Validate()
	for _, want := range []string{"ledger.http[0].url: want an http(s) URL", "ledger.http[1].url: credentials in the URL",
		"ledger.http[2].timeout", "ledger.excel[0].path: required", "ledger.expiring_days"} {
		assert.ErrorContains(t, err, want)
	}
	assert.NotContains(t, err.Error(), "u:p")
}
