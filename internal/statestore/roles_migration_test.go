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

// Migration 13 drops the role CHECK without losing a user, a session or a
// token, and the foreign keys still cascade from the rebuilt users.
func TestRolesMigrationKeepsUsersSessionsAndTokens(t *testing.T) {
	ctx := context.Background()
	dsn, err := dataSourceName(filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	defer db.Close()
	quiet := slog.New(slog.DiscardHandler)
	require.NoError(t, migrate(ctx, db, migrations[:12], quiet))
	for _, q := range []string{
		`INSERT INTO users (id, name, role, password_hash, created_at, updated_at) VALUES (1, 'ops', 'operator', 'h', 1, 1)`,
		`INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at) VALUES ('s1', 1, 1, 1, 9)`,
		`INSERT INTO api_tokens (id, user_id, name, hash, created_at, screen) VALUES (5, 1, 'wall', 'x', 1, 1)`,
	} {
		_, err := db.ExecContext(ctx, q)
		require.NoError(t, err, q)
	}
	_, err = db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('b', 'supervisor', 'h', 1, 1)`)
	require.Error(t, err, "before: the CHECK refuses a new role")

	require.NoError(t, migrate(ctx, db, migrations, quiet))
	var sessions, screen int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = 1`).Scan(&sessions))
	require.NoError(t, db.QueryRowContext(ctx, `SELECT screen FROM api_tokens WHERE id = 5`).Scan(&screen))
	assert.Equal(t, 1, sessions)
	assert.Equal(t, 1, screen)
	_, err = db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, updated_at) VALUES ('b', 'supervisor', 'h', 1, 1)`)
	require.NoError(t, err, "after: the binary checks roles")

	_, err = db.ExecContext(ctx, `DELETE FROM users WHERE id = 1`)
	require.NoError(t, err)
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&sessions))
	assert.Zero(t, sessions, "deleting a user still deletes its sessions")
	_, err = db.ExecContext(ctx, `INSERT INTO api_tokens (user_id, name, hash, created_at) VALUES (99, 'x', 'y', 1)`)
	assert.Error(t, err, "a token of no user is refused")
}
