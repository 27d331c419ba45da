package statestore

import (
	"context"
	"errors"
	"fmt"
	"os"
)

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
