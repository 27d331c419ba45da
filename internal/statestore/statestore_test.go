package statestore

import (
	"context"
	"database/sql"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openTemp(t *testing.T) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "state", "swanwatch.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, db.Close()) })
	return db
}

func TestOpenSettingsOnEveryConnection(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	// Hold several connections at once so the pool must open new ones.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.SQL().Conn(ctx)
		require.NoError(t, err)
		conns = append(conns, c)
	}
	for i, c := range conns {
		var mode string
		var fk, busy int
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk))
		require.NoError(t, c.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
		assert.Equal(t, "wal", mode, "conn %d", i)
		assert.Equal(t, 1, fk, "conn %d", i)
		assert.Equal(t, busyTimeoutMillis, busy, "conn %d", i)
		require.NoError(t, c.Close())
	}
	st, err := os.Stat(db.Path())
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), st.Mode().Perm())
	v, err := db.SchemaVersion(ctx)
	require.NoError(t, err)
	assert.Equal(t, LatestVersion(), v)
}

func TestForeignKeysEnforced(t *testing.T) {
	db := openTemp(t)
	_, err := db.SQL().Exec(`INSERT INTO sessions (id_hash, user_id, created_at, last_seen, expires_at)
		VALUES ('x', 4242, 0, 0, 0)`)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "FOREIGN KEY")
}

func TestReopenAppliesNothingTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	for range 2 {
		db, err := Open(path, nil)
		require.NoError(t, err)
		var n int
		require.NoError(t, db.SQL().QueryRow("SELECT count(*) FROM schema_migrations").Scan(&n))
		assert.Equal(t, len(migrations), n)
		require.NoError(t, db.Close())
	}
}

// TestMigrateFromOlderVersion builds a file as the first release wrote it, puts
// data in, and opens it with the current binary.
func TestMigrateFromOlderVersion(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	dsn, err := dataSourceName(path)
	require.NoError(t, err)
	old, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	require.NoError(t, migrate(context.Background(), old, migrations[:1], slog.New(slog.DiscardHandler)))
	_, err = old.Exec(`INSERT INTO users (name, role, password_hash, created_at, updated_at)
		VALUES ('zhangwei', 'admin', '$argon2id$x', 1, 1)`)
	require.NoError(t, err)
	_, err = old.Exec("SELECT 1 FROM api_tokens")
	require.Error(t, err, "version 1 has no api_tokens")
	require.NoError(t, old.Close())

	db, err := Open(path, nil)
	require.NoError(t, err)
	defer db.Close()
	v, err := db.SchemaVersion(context.Background())
	require.NoError(t, err)
	assert.Equal(t, LatestVersion(), v)
	var name string
	require.NoError(t, db.SQL().QueryRow("SELECT name FROM users").Scan(&name))
	assert.Equal(t, "zhangwei", name)
	_, err = db.SQL().Exec(`INSERT INTO api_tokens (user_id, name, hash, created_at)
		SELECT id, 'grafana', 'h', 1 FROM users`)
	assert.NoError(t, err)
}

func TestRefuseForeignHistory(t *testing.T) {
	tests := []struct {
		name    string
		sql     string
		wantErr string
		tooNew  bool
	}{
		{"newer binary", "INSERT INTO schema_migrations VALUES (999, 'future', 0)", "file has version 999", true},
		{"edited step", "UPDATE schema_migrations SET name = 'renamed' WHERE version = 2", `is "renamed" in the file`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "s.db")
			db, err := Open(path, nil)
			require.NoError(t, err)
			_, err = db.SQL().Exec(tt.sql)
			require.NoError(t, err)
			require.NoError(t, db.Close())

			_, err = Open(path, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.wantErr)
			assert.Equal(t, tt.tooNew, errorsIs(err, ErrSchemaTooNew))
		})
	}
}

func TestFailedMigrationRollsBack(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	dsn, err := dataSourceName(path)
	require.NoError(t, err)
	db, err := sql.Open("sqlite", dsn)
	require.NoError(t, err)
	defer db.Close()
	steps := []migration{
		{1, "good", "CREATE TABLE a (x INTEGER)"},
		{2, "half bad", "CREATE TABLE b (x INTEGER); CREATE TABLE oops ("},
	}
	err = migrate(context.Background(), db, steps, slog.New(slog.DiscardHandler))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "migrate to version 2 (half bad)")
	applied, err := appliedVersions(context.Background(), db)
	require.NoError(t, err)
	assert.Equal(t, map[int]string{1: "good"}, applied)
	_, err = db.Exec("SELECT 1 FROM b")
	assert.Error(t, err, "the failed step's first statement must be rolled back")
}

func TestOpenRejectsBadPaths(t *testing.T) {
	for _, p := range []string{"", "/tmp/a?mode=ro", "/tmp/a#b"} {
		t.Run(p, func(t *testing.T) {
			_, err := Open(p, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "open state database")
		})
	}
}

func TestAuditLogAppendOnly(t *testing.T) {
	db := openTemp(t)
	now := time.Now().UnixNano()
	old := time.Now().Add(-181 * 24 * time.Hour).UnixNano()
	ins := `INSERT INTO audit_log (ts, username, role, action, object, remote_addr, result, detail, prev_hash, hash)
		VALUES (?, 'u', 'admin', 'POST /x', '', '127.0.0.1', '200', '', '', 'h')`
	for _, ts := range []int64{old, now} {
		_, err := db.SQL().Exec(ins, ts)
		require.NoError(t, err)
	}
	_, err := db.SQL().Exec("UPDATE audit_log SET result = '403'")
	require.ErrorContains(t, err, "append-only")
	_, err = db.SQL().Exec("DELETE FROM audit_log WHERE ts = ?", now)
	require.ErrorContains(t, err, "younger than 180 days")
	_, err = db.SQL().Exec("DELETE FROM audit_log WHERE ts = ?", old)
	require.NoError(t, err, "rows past retention may be pruned")
	var n int
	require.NoError(t, db.SQL().QueryRow("SELECT count(*) FROM audit_log").Scan(&n))
	assert.Equal(t, 1, n)
}

// The steps from every room's file make one history: versions strictly rising
// and names unique, whatever order the rooms landed in.
func TestMigrationsRise(t *testing.T) {
	names := map[string]bool{}
	for i, m := range migrations {
		if i > 0 {
			require.Greater(t, m.version, migrations[i-1].version, "step %q", m.name)
		}
		require.False(t, names[m.name], "step name %q twice", m.name)
		names[m.name] = true
	}
}
