package logstore

import (
	"context"
	"fmt"
	"testing"
	"time"
)

var benchDistricts = []string{"市本级", "义马市", "渑池县", "湖滨区", "陕州区", "灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}

func benchEvent(i int, ts time.Time) Event {
	return Event{Time: ts, Text: fmt.Sprintf("云服务器监控插件离线 vm-%05d 连续3次采集失败", i%3000), Labels: map[string]string{
		"district": benchDistricts[i%10], "kind": []string{"agent", "snmp", "camera", "syslog"}[i/10%4],
		"severity": []string{"info", "warning", "major"}[i%3], "source": "collector",
	}}
}

// BenchmarkAppend measures events/s through Append (one fsync per file per call).
func BenchmarkAppend(b *testing.B) {
	for _, batch := range []int{1, 100, 1000} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			now := at("2026-11-27 14:05:09.000")
			s := openTest(b, b.TempDir(), func() time.Time { return now }, nil)
			evs := make([]Event, batch)
			b.ReportAllocs()
			n := 0
			for b.Loop() {
				for j := range evs {
					evs[j] = benchEvent(n, now)
					n++
				}
				if err := s.Append(context.Background(), evs...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// BenchmarkQueryDay queries one day holding 100k events (120 label sets).
func BenchmarkQueryDay(b *testing.B) {
	day := at("2026-11-27 00:00:00.000")
	now := day.Add(24 * time.Hour)
	s := openTest(b, b.TempDir(), func() time.Time { return now }, nil)
	const total = 100_000
	evs := make([]Event, 0, 1000)
	for i := range total {
		evs = append(evs, benchEvent(i, day.Add(time.Duration(i)*864*time.Millisecond)))
		if len(evs) == cap(evs) {
			if err := s.Append(context.Background(), evs...); err != nil {
				b.Fatal(err)
			}
			evs = evs[:0]
		}
	}
	for name, q := range map[string]Query{
		"newest 1000":         {},
		"one district+kind":   {Matchers: `{district="义马市",kind="agent"}`},
		"regexp+text, sparse": {Matchers: `{kind=~"agent|snmp",severity!="major"}`, Text: "VM-00042"},
	} {
		b.Run(name, func(b *testing.B) {
			q.Start, q.End = day, now
			var got int
			for b.Loop() {
				evs, err := s.Query(context.Background(), q)
				if err != nil {
					b.Fatal(err)
				}
				got = len(evs)
			}
			b.ReportMetric(float64(got), "events")
			b.ReportMetric(float64(total)*float64(b.N)/b.Elapsed().Seconds(), "scanned/s")
		})
	}
}
