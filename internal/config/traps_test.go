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

// Engine IDs are checked before the receiver starts, so check-config finds
// a bad one; a good one is kept as written.
func TestTrapsEngineIDs(t *testing.T) {
	cfg, err := Parse("swanwatch.yaml", []byte(`
traps:
  listen: "127.0.0.1:0"
  communities: [public]
  engine_id: "0x80001f8880aabbccdd"
`))
	require.NoError(t, err)
	assert.Equal(t, "0x80001f8880aabbccdd", cfg.Traps.EngineID)

	_, err = Parse("swanwatch.yaml", []byte(`
traps:
  listen: "127.0.0.1:0"
  engine_id: "abcd"
  v3_users:
    - {name: u, auth_proto: SHA, auth_password: authpass123, engine_ids: ["zz00000000"]}
`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), `traps.engine_id: engine id "abcd" is not 5 to 32 octets of hex`)
	assert.Contains(t, err.Error(), `traps.v3_users[0].engine_ids[0]: engine id "zz00000000"`)
}
