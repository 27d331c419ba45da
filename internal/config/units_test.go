package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestParseBytes(t *testing.T) {
	tests := []struct {
		in   string
		want Bytes
		str  string
		ok   bool
	}{
		{"0", 0, "0", true},
		{"1024", 1024, "1KiB", true},
		{"50GB", 50e9, "50GB", true},
		{"512MiB", 512 << 20, "512MiB", true},
		{"1 GB", 1e9, "1GB", true},
		{"1500B", 1500, "1500B", true},
		{"3TiB", 3 << 40, "3TiB", true},
		{"-1", 0, "", false},
		{"1.5GB", 0, "", false},
		{"5XB", 0, "", false},
		{"GB", 0, "", false},
		{"9999999TB", 0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseBytes(tt.in)
			if !tt.ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.in)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.str, got.String())
			back, err := ParseBytes(got.String())
			require.NoError(t, err)
			assert.Equal(t, got, back, "String parses back")
		})
	}
}

func TestBytesYAML(t *testing.T) {
	var v struct {
		A Bytes `yaml:"a"`
		B Bytes `yaml:"b"`
	}
	require.NoError(t, yaml.Unmarshal([]byte("a: 2048\nb: 1GB\n"), &v))
	assert.Equal(t, Bytes(2048), v.A)
	assert.Equal(t, Bytes(1e9), v.B)
	out, err := yaml.Marshal(v)
	require.NoError(t, err)
	assert.Equal(t, "a: 2KiB\nb: 1GB\n", string(out))
	err = yaml.Unmarshal([]byte("a: 1\nb: [1]\n"), &v)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2:")
}

func TestRetention(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"90d", 90 * 24 * time.Hour, true},
		{"1y", 365 * 24 * time.Hour, true},
		{"2w", 14 * 24 * time.Hour, true},
		{"12h", 12 * time.Hour, true},
		{"90 days", 0, false},
		{"-1d", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var v struct {
				R Retention `yaml:"r"`
			}
			err := yaml.Unmarshal([]byte("r: \""+tt.in+"\"\n"), &v)
			if !tt.ok {
				require.Error(t, err)
				assert.Contains(t, err.Error(), "line 1: invalid retention")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, v.R.Duration())
		})
	}
}
