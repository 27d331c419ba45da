// Package statestore owns SwanWatch's state database: one SQLite file (pure Go,
// modernc.org/sqlite) in WAL mode holding users, sessions, API tokens and the audit
// log, with versioned migrations compiled into the binary and an online backup.
//
// Other packages own their tables' queries; this package owns the file, its
// connection settings and the schema's evolution.
package statestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeoutMillis is how long a writer waits for another writer (the server and
// a CLI subcommand may share the file) before giving up with SQLITE_BUSY.
const busyTimeoutMillis = 10000

// DB is an open state database with its schema at the binary's version.
type DB struct {
	sql    *sql.DB
	path   string
	logger *slog.Logger
}

// Open opens (creating if needed) the state database at path, applies pending
// migrations and refuses a database whose schema is newer than this binary.
func Open(path string, logger *slog.Logger) (*DB, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	dsn, err := dataSourceName(path)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("create state directory: %w", err)
	}
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	db := &DB{sql: sdb, path: path, logger: logger}
	if err := db.init(context.Background()); err != nil {
		return nil, errors.Join(err, sdb.Close())
	}
	return db, nil
}

// init checks the connection settings took effect, restricts the file mode and
// migrates the schema.
func (db *DB) init(ctx context.Context) error {
	var mode string
	if err := db.sql.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("open state database %s: %w", db.path, err)
	}
	if !strings.EqualFold(mode, "wal") {
		return fmt.Errorf("open state database %s: journal mode is %q, want wal", db.path, mode)
	}
	// The file holds password hashes: nobody but the service account reads it.
	if err := os.Chmod(db.path, 0o600); err != nil {
		return fmt.Errorf("restrict state database mode: %w", err)
	}
	return migrate(ctx, db.sql, migrations, db.logger)
}

// dataSourceName builds the driver DSN. Every pooled connection gets the same
// pragmas, which is why they go in the DSN rather than being executed once.
func dataSourceName(path string) (string, error) {
	if path == "" {
		return "", errors.New("open state database: empty path")
	}
	// The driver splits the DSN at the first '?', so such a path cannot be opened
	// reliably.
	if strings.ContainsAny(path, "?#") {
		return "", fmt.Errorf("open state database %q: path must not contain '?' or '#'", path)
	}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeoutMillis))
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "1")
	// FULL: an audit row or a revoked token must survive a power cut.
	q.Set("_synchronous", "FULL")
	// IMMEDIATE: write transactions take the write lock up front, so two writers
	// queue on busy_timeout instead of deadlocking on a read-to-write upgrade.
	q.Set("_txlock", "immediate")
	return path + "?" + q.Encode(), nil
}

// SQL returns the connection pool for the packages that own the tables.
// Transactions begun on it are IMMEDIATE: use them only for writes.
func (db *DB) SQL() *sql.DB { return db.sql }

// Path returns the file the database lives in.
func (db *DB) Path() string { return db.path }

// Close closes the connection pool, checkpointing the WAL.
func (db *DB) Close() error {
	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close state database: %w", err)
	}
	return nil
}

// Backup writes a consistent copy of the live database to dst while the server
// keeps running (VACUUM INTO reads one snapshot; writers are not blocked in WAL
// mode). dst must not exist; the copy appears there only when complete.
func (db *DB) Backup(ctx context.Context, dst string) error {
	if _, err := dataSourceName(dst); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Lstat(dst); err == nil {
		return fmt.Errorf("backup to %s: file exists", dst)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("backup to %s: %w", dst, err)
	}
	tmp := dst + ".partial"
	_ = os.Remove(tmp) // a leftover of an interrupted backup
	if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		return fmt.Errorf("backup to %s: %w", dst, errors.Join(err, removeIfExists(tmp)))
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("backup to %s: %w", dst, errors.Join(err, removeIfExists(tmp)))
	}
	if err := os.Rename(tmp, dst); err != nil {
		return fmt.Errorf("backup to %s: %w", dst, errors.Join(err, removeIfExists(tmp)))
	}
	return nil
}

func removeIfExists(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
