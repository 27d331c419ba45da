package statestore

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Migration 14 turns the old admin into the system administrator and keeps
// every other role, session and password; expiry counts from the last update.
func TestAuthMigrationAdminBecomesSysadmin(t *testing.T) {
	ctx := context.Background()
	dsn, err := dataSourceName(filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	defer db.Close()
	quiet := slog.New(slog.DiscardHandler)
	require.NoError(t, migrate(ctx, db, coreMigrations, quiet))
	for _, q := range []string{
		`INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (1, 'root', 'admin', 'h1', 1, 7)`,
		`INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (2, 'ops', 'operator', 'h2', 1, 8)`,
		`INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at) VALUES ('s1', 2, 1, 1, 9)`,
	} {
		_, err := db.ExecContext(ctx, q)
		require.NoError(t, err, q)
	}
	require.NoError(t, migrate(ctx, db, migrations, quiet))
	roles := map[string]string{}
	rows, err := db.QueryContext(ctx, `SELECT name, role, password_hash, password_changed_at FROM users ORDER BY id`)
	require.NoError(t, err)
	for rows.Next() {
		var name, role, hash string
		var changed int64
		require.NoError(t, rows.Scan(&name, &role, &hash, &changed))
		roles[name] = role
		assert.Contains(t, []string{"h1", "h2"}, hash)
		assert.Contains(t, []int64{7, 8}, changed)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, map[string]string{"root": "sysadmin", "ops": "operator"}, roles)
	var stage string
	require.NoError(t, db.QueryRowContext(ctx, `SELECT stage FROM sessions WHERE id_hash = 's1'`).Scan(&stage))
	assert.Empty(t, stage, "a session from before is a whole one")
}
