package rules

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestPromtoolPassesTheUnitFiles runs the real `promtool test rules` over
// every testdata/*.test.yml: users check our packs with promtool, so the
// files must pass there too, not only in TestRulePackUnitFiles (the engine
// SwanWatch links). Debian's promtool is Prometheus 2; where its range
// selection differs from Prometheus 3's, a file checks what both agree on.
// Without promtool the test fails: install the Debian package `prometheus`
// (scripts/install-peers.sh does).
func TestPromtoolPassesTheUnitFiles(t *testing.T) {
	promtool := testpeer.LookBinary(t, "promtool", "apt-get install prometheus")
	files, err := filepath.Glob("testdata/*.test.yml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			out, err := exec.Command(promtool, "test", "rules", f).CombinedOutput()
			require.NoError(t, err, "promtool test rules %s:\n%s", f, out)
			require.Contains(t, string(out), "SUCCESS")
		})
	}
}
