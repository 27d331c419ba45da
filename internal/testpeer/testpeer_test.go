package testpeer

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A peer that loses its port between FreePort and its bind exits at start-up;
// Start tries again on a new port instead of failing the test. The stand-in
// peer here exits on its first launch, then serves on {{port}}.
func TestStartRetriesAPeerThatExitsAtStartUp(t *testing.T) {
	p := Start(t, Spec{
		Name:   "flaky",
		Binary: "/bin/sh",
		Args: []string{"-c", `if [ ! -e tried ]; then touch tried; exit 1; fi
exec python3 -m http.server {{port}} --bind 127.0.0.1`},
		ReadyURL: "http://127.0.0.1:{{port}}/",
	})
	_, err := os.Stat(filepath.Join(p.Dir, "tried"))
	require.NoError(t, err, "the first launch ran")
	resp, err := http.Get(p.Base() + "/")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	p.Restart(t) // the same port again
	resp, err = http.Get(p.Base() + "/")
	require.NoError(t, err)
	resp.Body.Close()
}
