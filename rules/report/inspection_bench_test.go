package report

import (
	"bytes"
	"fmt"
	"testing"
)

// referenceInspectionInput is the reference estate (3,000 VMs, 1,800 links)
// with 30 daily points per VM disk and per link.
func referenceInspectionInput() InspectionInput {
	in := InspectionInput{At: inspectionAt, Issuer: "SwanWatch 运维团队"}
	for i := range 3000 {
		d := inspectionDistricts[i%len(inspectionDistricts)]
		name := fmt.Sprintf("vm-%04d", i)
		sys := fmt.Sprintf("系统%02d", i%40)
		in.Today.Agents = append(in.Today.Agents, agent(name, d, sys, i%97 != 0))
		in.Yesterday.Agents = append(in.Yesterday.Agents, agent(name, d, sys, i%89 != 0))
		in.Disk = append(in.Disk, Series{Entity: name, District: d, System: sys, Points: daily(1, ramp(30, 0.3+float64(i%50)/100, float64(i%7)/1000)...)})
	}
	for i := range 1800 {
		d := inspectionDistricts[i%len(inspectionDistricts)]
		name := fmt.Sprintf("wan-%04d", i)
		in.Today.Links = append(in.Today.Links, link(name, "县级", d, i%53 != 0, RedundancyFull))
		in.Yesterday.Links = append(in.Yesterday.Links, link(name, "县级", d, true, RedundancyFull))
		in.Bandwidth = append(in.Bandwidth, Series{Entity: name, District: d, Points: daily(1, ramp(30, 0.2+float64(i%60)/100, float64(i%5)/1000)...)})
	}
	return in
}

func ramp(n int, from, step float64) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = from + step*float64(i)
	}
	return out
}

func BenchmarkBuildInspection(b *testing.B) {
	input := referenceInspectionInput()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := BuildInspection(input); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderInspectionPDF(b *testing.B) {
	in, err := BuildInspection(referenceInspectionInput())
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := RenderInspectionPDF(&buf, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
	b.ReportMetric(float64(len(in.Changes)), "changes")
	b.ReportMetric(float64(len(in.Trends)), "trends")
}
