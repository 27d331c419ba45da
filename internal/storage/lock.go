package storage

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/prometheus/prometheus/tsdb/fileutil"
)

// ErrInUse is returned by Open when another process (or another Storage in
// this one) holds the TSDB directory.
var ErrInUse = errors.New("the TSDB directory is in use")

// checkUnlocked refuses a directory whose lock file another holder keeps.
// tsdb.Open takes the lock only after it has swept the directory of temporary
// block and checkpoint directories, which are those of a running holder's
// compaction in flight: opening a live server's directory (a report from the
// data directory, a second server by mistake) would break its compaction. The
// check and tsdb.Open's own lock leave a window of a few microseconds in which
// a holder can start; tsdb.Open then still refuses, as before.
func checkUnlocked(dir string) error {
	path := filepath.Join(dir, "lock")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	r, _, err := fileutil.Flock(path)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrInUse, dir, err)
	}
	return r.Release()
}
