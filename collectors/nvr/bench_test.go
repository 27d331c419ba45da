package nvr

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
)

// BenchmarkRound is one steady-state round (retention cached) of a 64-channel
// recorder: storage plus 64 recent searches over digest, the in-process fake
// recorder's own work included, so it is an upper bound of the collector's.
func BenchmarkRound(b *testing.B) {
	for _, p := range []nvrfake.Profile{nvrfake.Hikvision, nvrfake.Dahua} {
		b.Run(string(p), func(b *testing.B) {
			srv := startNVR(b, p)
			var specs []string
			for i := 1; i <= 64; i++ {
				id := strconv.Itoa(i)
				if p == nvrfake.Hikvision {
					id = strconv.Itoa(i*100 + 1)
				}
				srv.SetChannel(id, nvrfake.Channel{Oldest: time.Now().Add(-30 * 24 * time.Hour)})
				specs = append(specs, id+"=cam-"+id)
			}
			srv.SetDisks(nvrfake.Disk{Name: "hdd1", Capacity: 8 << 40, Free: 1 << 40})
			c := newTestCollector(b, nil, func(c *Config) { c.ProbesPerRound = 64 })
			tgt := nvrTarget(b, "nvr", srv, ParamChannels, strings.Join(specs, ","))
			if _, err := poll(b, c, tgt, time.Minute); err != nil { // warms the retention cache
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				rec := collectortest.NewRecorder(tgt)
				if err := c.Collect(context.Background(), tgt, rec.Emit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
