package statestore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestBackupWhileWriting(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	insert := func(i int) error {
		_, err := db.SQL().ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at)
			VALUES (?, 'viewer', 'h', 0, 0)`, fmt.Sprintf("user%03d", i))
		return err
	}
	for i := range 50 {
		require.NoError(t, insert(i))
	}
	// A writer keeps going during the backup: the copy is one consistent snapshot.
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 50; i < 100; i++ {
			assert.NoError(t, insert(i))
		}
	})
	dst := filepath.Join(t.TempDir(), "backup.db")
	require.NoError(t, db.Backup(ctx, dst))
	wg.Wait()

	st, err := os.Stat(dst)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	_, err = os.Stat(dst + ".partial")
	assert.ErrorIs(t, err, os.ErrNotExist)

	restored, err := Open(dst, nil)
	require.NoError(t, err)
	defer restored.Close()
	var n int
	require.NoError(t, restored.SQL().QueryRow("SELECT count(*) FROM users").Scan(&n))
	assert.GreaterOrEqual(t, n, 50)
	assert.LessOrEqual(t, n, 100)
	var ok string
	require.NoError(t, restored.SQL().QueryRow("PRAGMA integrity_check").Scan(&ok))
	assert.Equal(t, "ok", ok)
	v, err := restored.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestVersion(), v)
}

func TestBackupRefusesExistingOrBadTarget(t *testing.T) {
	db := openTemp(t)
	existing := filepath.Join(t.TempDir(), "exists.db")
	require.NoError(t, os.WriteFile(existing, []byte("keep me"), 0o600))
	tests := []struct{ name, dst, want string }{
		{"exists", existing, "file exists"},
		{"query in path", existing + "?x", "must not contain"},
		{"missing dir", filepath.Join(t.TempDir(), "no", "such", "dir.db"), "backup to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Backup(context.Background(), tt.dst)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	b, err := os.ReadFile(existing)
	require.NoError(t, err)
	assert.Equal(t, "keep me", string(b))
}
