package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A job's token file is found next to the configuration, and a job without
// its maximum duration is refused with the section named.
func TestJobsSection(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "backup.token"), []byte("0123456789abcdef0123\n"), 0o600))
	cfg, err := Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(`
jobs:
  - {name: gov-db-backup, system: 政务服务网, kind: backup, schedule: "30 2 * * *", max_duration: 2h, token_file: backup.token}
`))
	require.NoError(t, err)
	require.Len(t, cfg.Jobs, 1)
	assert.Equal(t, filepath.Join(dir, "backup.token"), cfg.Jobs[0].TokenFile)
	assert.NotZero(t, cfg.Jobs[0].Grace, "defaults applied")

	_, err = Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(`
jobs:
  - {name: exchange-sync, system: 数据交换平台, kind: exchange, schedule: "@every 1h", token_file: backup.token}
`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "jobs")
	assert.Contains(t, err.Error(), "max_duration")
}
