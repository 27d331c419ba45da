package sla

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind (the fixture's TSDB
// starts some). The one TestMain of package sla.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
