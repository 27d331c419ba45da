package syslog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigValidate(t *testing.T) {
	c := makeCerts(t)
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not pem"), 0o600))
	cases := []struct {
		name string
		cfg  Config
		want string // "" valid, else a part of the error
	}{
		{"udp only", Config{UDP: "0.0.0.0:514"}, ""},
		{"empty host", Config{TCP: ":514"}, ""},
		{"ipv6", Config{UDP: "[::]:514"}, ""},
		{"tls", Config{TLS: "127.0.0.1:6514", CertFile: c.Cert, KeyFile: c.Key, ClientCAFile: c.CA}, ""},
		{"nothing", Config{}, "no listener"},
		{"host name", Config{UDP: "localhost:514"}, "must be an IP address"},
		{"no port", Config{UDP: "127.0.0.1"}, `syslog udp "127.0.0.1"`},
		{"tls without cert", Config{TLS: ":6514"}, "cert_file and key_file are required"},
		{"tls bad key", Config{TLS: ":6514", CertFile: c.Cert, KeyFile: garbage}, "load certificate"},
		{"tls bad ca", Config{TLS: ":6514", CertFile: c.Cert, KeyFile: c.Key, ClientCAFile: garbage}, "holds no PEM certificate"},
		{"cert without tls", Config{UDP: ":514", CertFile: c.Cert}, "without a tls listen address"},
		{"negative rate", Config{UDP: ":514", RatePerSource: -1}, "must be positive"},
		{"tiny frames", Config{UDP: ":514", MaxMessageSize: 100}, "max_message_size 100"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.cfg.WithDefaults().Validate()
			if tc.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{UDP: ":514"}.WithDefaults()
	assert.Equal(t, 2000.0, c.RatePerSource)
	assert.Equal(t, 10_000, c.Burst)
	assert.Equal(t, 64<<10, c.MaxMessageSize)
	assert.Equal(t, 1000, c.MaxConnections)
}
