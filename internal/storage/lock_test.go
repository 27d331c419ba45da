package storage

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A second Open of a live directory is refused before it touches anything: the
// holder's compaction in flight (a block directory being created) survives.
func TestOpenRefusesALiveDirectoryUntouched(t *testing.T) {
	dir := t.TempDir()
	live := openTest(t, Options{Dir: dir})
	inFlight := filepath.Join(dir, "01KBZ0Q4Z8V0J2WQ9E3YQX7M6N.tmp-for-creation")
	require.NoError(t, os.Mkdir(inFlight, 0o755))

	_, err := Open(Options{Dir: dir})
	require.ErrorIs(t, err, ErrInUse)
	assert.DirExists(t, inFlight, "the holder's block in creation was swept by the refused open")

	require.NoError(t, live.Close())
	again, err := Open(Options{Dir: dir})
	require.NoError(t, err, "a directory whose holder closed opens again")
	assert.NoDirExists(t, inFlight, "tsdb.Open sweeps what a stopped holder left")
	require.NoError(t, again.Append(t.Context(), time.Now(), nil))
	require.NoError(t, again.Close())
}
