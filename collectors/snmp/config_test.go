package snmp

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, collectors.Schedule{Interval: time.Minute, Timeout: 48 * time.Second, Concurrency: 128}, c.Schedule)
	assert.Equal(t, 25, c.MaxRepetitions)
	assert.Equal(t, 1, c.retries())
	assert.Equal(t, 0, Config{Retries: -1}.WithDefaults().retries(), "-1 means no retry")
}

func TestConfigValidate(t *testing.T) {
	cases := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"max repetitions", Config{MaxRepetitions: 500}, "max_repetitions 500 must be 1..200"},
		{"retries", Config{Retries: 9}, "retries 9 must be -1 (none) or 1..5"},
		{"request timeout", Config{RequestTimeout: time.Minute}, "request_timeout 1m0s must be at least 100ms"},
		{"max oids", Config{MaxOIDsPerWalk: 10}, "max_oids_per_walk 10 is below 1000"},
		{"missing profile file", Config{Profiles: []string{"/nonexistent/p.yaml"}}, "profiles: profile path:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorContains(t, tc.cfg.WithDefaults().Validate(), tc.wantErr)
		})
	}
}

func TestTargetParams(t *testing.T) {
	comm := secretFile(t, "c", "s3cret-comm")
	cases := []struct {
		name    string
		addr    string
		params  map[string]string
		wantErr string
		check   func(t *testing.T, tp targetParams)
	}{
		{"v2c default port", "10.0.0.1", map[string]string{"community_file": comm}, "", func(t *testing.T, tp targetParams) {
			assert.Equal(t, "10.0.0.1", tp.host)
			assert.Equal(t, uint16(161), tp.port)
			assert.Equal(t, "s3cret-comm", tp.community)
		}},
		{"ipv6 with port", "[2001:db8::1]:1161", map[string]string{"community": "public"}, "", func(t *testing.T, tp targetParams) {
			assert.Equal(t, "2001:db8::1", tp.host)
			assert.Equal(t, uint16(1161), tp.port)
		}},
		{"ipv6 bare", "[2001:db8::2]", map[string]string{"community": "public"}, "", func(t *testing.T, tp targetParams) {
			assert.Equal(t, uint16(161), tp.port)
		}},
		{"no community", "10.0.0.1", nil, "community_file (or community) is required", nil},
		{"bad version", "10.0.0.1", map[string]string{"version": "4"}, `version "4" must be 1, 2c or 3`, nil},
		{"bad port", "10.0.0.1:99999", map[string]string{"community": "x"}, "must be host, host:port", nil},
		{"v3 missing files", "10.0.0.1", map[string]string{"version": "3", "user": "u", "auth_proto": "SHA256", "priv_proto": "AES256"},
			"auth_pass_file is required\npriv_pass_file is required", nil},
		{"v3 bad proto", "10.0.0.1", map[string]string{"version": "3", "user": "u", "auth_proto": "SHA3", "security_level": "authNoPriv"},
			`auth_proto "SHA3" must be`, nil},
		{"max repetitions", "10.0.0.1", map[string]string{"community": "x", "max_repetitions": "0"}, "max_repetitions \"0\" must be 1..200", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tp, err := parseTarget(collectors.Target{Kind: Kind, Name: "d", Address: tc.addr, Params: tc.params}, Config{}.WithDefaults())
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			tc.check(t, tp)
		})
	}
}

func TestSecretFileErrorsHideContent(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big")
	require.NoError(t, os.WriteFile(big, make([]byte, 5000), 0o600))
	_, err := readSecret(big, "community_file")
	require.ErrorContains(t, err, "longer than 4096 bytes")
	_, err = readSecret(secretFile(t, "empty", ""), "auth_pass_file")
	require.ErrorContains(t, err, "is empty")
}
