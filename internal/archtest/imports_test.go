package archtest

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const module = "github.com/swanwatch/swanwatch/"

// listed is what `go list -json` says of a package.
type listed struct {
	ImportPath                               string
	Deps, Imports, TestImports, XTestImports []string
}

func goList(t *testing.T, args ...string) []listed {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	require.NoError(t, err, "go list %v", args)
	var pkgs []listed
	for dec := json.NewDecoder(bytes.NewReader(out)); dec.More(); {
		var p listed
		require.NoError(t, dec.Decode(&p))
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// The collectors, the wall's hub, the log store and the inventory must not
// link github.com/prometheus/prometheus: its config and discovery packages
// drag in the cloud SDKs, and these parts run at the edge of the data path
// (a collector must stay small enough to embed; the hub serves every wall).
func TestLeanPackagesDoNotLinkPrometheus(t *testing.T) {
	for _, p := range goList(t, "./collectors/...", "./bigscreen", "./internal/logstore",
		"./internal/inventory", "./internal/secret", "./internal/spool", "./internal/retry", "./internal/labelmatch",
		"./internal/vqd", "./internal/devicefake") {
		if strings.HasSuffix(p.ImportPath, "collectortest") {
			continue // the contract suite is test-only and may use promql to check samples
		}
		t.Run(p.ImportPath, func(t *testing.T) {
			for _, d := range p.Deps {
				assert.False(t, strings.HasPrefix(d, "github.com/prometheus/prometheus/"),
					"%s links %s", p.ImportPath, d)
			}
		})
	}
}

// Only cmd/ imports internal/app: app is the wiring, and wiring that others
// import stops being the top of the tree.
func TestOnlyCmdImportsApp(t *testing.T) {
	pkgs := goList(t, "./...")
	require.NotEmpty(t, pkgs)
	for _, p := range pkgs {
		if strings.HasPrefix(p.ImportPath, module+"cmd/") || p.ImportPath == module+"internal/app" {
			continue
		}
		all := append(append(append([]string{}, p.Imports...), p.TestImports...), p.XTestImports...)
		assert.NotContains(t, all, module+"internal/app", "%s imports internal/app", p.ImportPath)
	}
}

// internal/app builds the server from parts; it does not run the demo's
// simulated city, which lives in internal/demo.
func TestAppDoesNotImportTheSimulator(t *testing.T) {
	for _, p := range goList(t, "./internal/app") {
		assert.NotContains(t, p.Imports, module+"internal/sim")
	}
}
