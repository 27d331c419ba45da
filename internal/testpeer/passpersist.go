package testpeer

import (
	_ "embed"
	"os"
	"path/filepath"
	"testing"
)

// passPersistModule is net-snmp's pass_persist protocol for Python helpers
// (testdata/passpersist.py): the watched JSON state file, get/getnext over
// sorted rows, sets refused.
//
//go:embed testdata/passpersist.py
var passPersistModule []byte

// WritePassPersist writes passpersist.py into dir, where a pass_persist
// helper written beside it imports it (`from passpersist import serve`).
func WritePassPersist(t testing.TB, dir string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, "passpersist.py"), passPersistModule, 0o600); err != nil {
		t.Fatalf("write passpersist.py: %v", err)
	}
}
