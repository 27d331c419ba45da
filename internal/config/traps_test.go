package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTrapsSection(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "communities"), []byte("public\n\n  wan-ro  \n"), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "authpass"), []byte("authpass123\n"), 0o600))
	cfg, err := Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(`
traps:
  listen: 127.0.0.1:1162
  communities_file: communities
  v3_users:
    - {name: opsv3, auth_proto: SHA, auth_password_file: authpass, priv_proto: AES, priv_password: privpass123}
`))
	require.NoError(t, err)
	require.Len(t, cfg.Traps.Communities, 2)
	assert.Equal(t, "wan-ro", cfg.Traps.Communities[1].Reveal())
	assert.Equal(t, "authpass123", cfg.Traps.V3Users[0].AuthPassword.Reveal())
	assert.Equal(t, 100.0, cfg.Traps.RatePerSource)
}

func TestTrapsProblems(t *testing.T) {
	_, err := Parse("swanwatch.yaml", []byte(`
traps:
  listen: nowhere
  v3_users:
    - {name: "", auth_proto: SHA1}
`))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, "swanwatch.yaml:3: traps.listen")
	assert.Contains(t, msg, "swanwatch.yaml:5: traps.v3_users[0].name")
	assert.Contains(t, msg, `"SHA1" is not one of`)
}
