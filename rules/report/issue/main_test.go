package issue

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain checks that no test leaves a goroutine behind (the TSDB, the
// closer and the inspection scheduler start some).
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
