package report

import (
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// bigReport is a month at reference scale with many rows: 5,000 breaches and
// 1,000 offline spells, the long tables that dominate rendering.
func bigReport() Report {
	r := fixtureReport()
	for i := len(r.Links.Breaches); i < 5000; i++ {
		start := at(1+i%30, i%24, i%60)
		r.Links.Breaches = append(r.Links.Breaches, Breach{Link: fmt.Sprintf("wan-x-%05d", i), Level: "村级", District: districts[i%10],
			SLI: "链路丢包率达标率", Span: sla.Span{Start: start, End: start.Add(5 * time.Minute)}, Worst: ratio(0.02), Op: "<=", Limit: ratio(0.01)})
	}
	for i := 0; i < 1000; i++ {
		start := at(1+i%30, i%24, 0)
		r.Agents.Offline = append(r.Agents.Offline, OfflineIncident{fmt.Sprintf("vm-%05d", i), districts[i%10], "政务云",
			sla.Span{Start: start, End: start.Add(time.Duration(i%90) * time.Minute)}, "", "宿主机重启", seconds(float64(i%90) * 60)})
	}
	return r
}

func BenchmarkRender(b *testing.B) {
	r := bigReport()
	for name, render := range map[string]func(io.Writer, Report) error{"pdf": RenderPDF, "xlsx": RenderXLSX, "html": RenderHTML} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := render(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
