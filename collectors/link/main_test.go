package link

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// round runs one Collect and returns the recorder (already closed) and error.
func round(t testing.TB, tgt collectors.Target) (*collectortest.Recorder, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rec := collectortest.NewRecorder(tgt)
	err := New(Config{}).Collect(ctx, tgt, rec.Emit)
	rec.Close()
	return rec, err
}

// goodTarget is a link target as internal/inventory makes it.
func goodTarget(name string) collectors.Target {
	return collectors.Target{Kind: "link", Name: name, Address: "sx-core-01:GE1/0/1",
		Labels: map[string]string{"district": "湖滨区", "level": "county"},
		Params: map[string]string{"a_device": "sx-core-01", "a_ifname": "GE1/0/1", "b_device": "hubin-agg-01",
			"b_ifname": "GE0/0/1", "group": "city-hubin", "bandwidth_bps": "1000000000"}}
}
