package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// The reference estate (requirements.md): 3,000 VMs with an agent, 1,800
// links, a 30-day month. The days are generated as they are streamed, like
// the ledger's reader does, so the benchmark measures what Build holds.
const (
	refVMs   = 3000
	refLinks = 1800
	refDays  = 30
)

var refLevels = []string{"city", "county", "town", "village"}

// refMonth streams the reference month in canonical order: agent_online
// (an outage on every 50th VM every 7th day, across midnight on the 14th),
// five link SLIs (a breach on every 10th link every 3rd day, Stats on the
// latency days), the three usage SLIs, and 10 minutes without data on
// every 40th entity on the 9th.
func refMonth(fn func(sla.Day) error) error {
	for _, sli := range sla.DefaultSLIs() {
		if sli.Entity != entityAgent && sli.Entity != entityLink {
			continue // the reference estate of docs/report.md: VMs and links
		}
		n, prefix := refLinks, "wan-"
		if sli.Entity == entityAgent {
			n, prefix = refVMs, "vm-"
		}
		for i := range n {
			if err := refEntity(sli.Name, fmt.Sprintf("%s%05d", prefix, i), i, fn); err != nil {
				return err
			}
		}
	}
	for _, name := range []string{sla.UsageCPU, sla.UsageDisk, sla.UsageMemory} {
		for i := range refVMs {
			if err := refUsage(name, i, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

func refLabels(entity string, i int) map[string]string {
	return map[string]string{"instance": entity, "link": entity, "district": districts[i%10],
		"level": refLevels[i%4], "system": []string{"政务云", "大数据中心", "天鹅湖景区", "互联网+政务服务"}[i%4]}
}

func refEntity(sli, entity string, i int, fn func(sla.Day) error) error {
	labels := refLabels(entity, i)
	for d := 1; d <= refDays; d++ {
		day := sla.Day{SLI: sli, Entity: entity, Labels: labels, Date: mDate(d), Tally: mGood(86400)}
		if i%50 == 0 && d%7 == 0 && sli == "agent_online" {
			mBad(1200, mSpan(d, 23, 40, 0, d+1, 0, 0, 0))(&day)
		}
		if i%50 == 0 && d%7 == 1 && d > 1 && sli == "agent_online" {
			mBad(600, mSpan(d, 0, 0, 0, d, 0, 10, 0))(&day) // the spell that began the evening before
		}
		if i%10 == 0 && d%3 == 0 && sli != "agent_online" {
			mBad(900, mSpan(d, 10, 0, 0, d, 10, 15, 0))(&day)
			if sli == "link_latency" {
				mStats(sla.Stats{Mean: 0.021, P95: 0.045, Max: 0.07, Last: 0.02, Intervals: 288})(&day)
			}
		}
		if i%40 == 0 && d == 9 {
			mUnknown(600)(&day)
		}
		if err := fn(day); err != nil {
			return err
		}
	}
	return nil
}

func refUsage(name string, i int, fn func(sla.Day) error) error {
	entity := fmt.Sprintf("vm-%05d", i)
	labels := refLabels(entity, i)
	base := float64(i%100) / 100 // every 100th VM idle, the next ones low-use, …
	for d := 1; d <= refDays; d++ {
		s := sla.Stats{Mean: base * 0.6, P95: base * 0.9, Max: base, Last: base * 0.6, Intervals: 288}
		if err := fn(sla.Day{SLI: name, Entity: entity, Labels: labels, Date: mDate(d), Tally: mGood(86400), Stats: &s}); err != nil {
			return err
		}
	}
	return nil
}

func refIncidents() []sla.IncidentRecord {
	var out []sla.IncidentRecord
	for i := range 400 {
		fired := mNov(1+i%30, i%24, 0, 0)
		r := sla.IncidentRecord{ID: int64(i + 1), Severity: severityRankNames[i%4], Title: fmt.Sprintf("故障事件 %d", i+1),
			Labels:     map[string]string{"instance": fmt.Sprintf("vm-%05d", (i*50)%refVMs), "district": districts[i%10]},
			FirstFired: fired, AckedAt: fired.Add(time.Duration(1+i%20) * time.Minute)}
		if i%9 != 0 {
			r.ResolvedAt = fired.Add(time.Duration(10+i%300) * time.Minute)
		}
		if i%7 == 0 && i > 0 {
			r.SuppressedBy = int64(i)
		}
		out = append(out, r)
	}
	return out
}

var severityRankNames = []string{"critical", "major", "minor", "warning"}

// peakRSS is the process's peak resident set (VmHWM), in MiB.
func peakRSS() float64 {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

// heapPeak samples the live heap every 20 ms until stop is called.
func heapPeak() (stop func() float64) {
	var mu sync.Mutex
	peak := uint64(0)
	done, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() float64 {
		close(done)
		<-exited
		mu.Lock()
		defer mu.Unlock()
		return float64(peak) / (1 << 20)
	}
}

// BenchmarkBuildReferenceMonth: Build + the three renderers on the
// reference month. Run with -benchtime=1x; docs/report.md has the figures.
func BenchmarkBuildReferenceMonth(b *testing.B) {
	in := fixtureInput(nil)
	in.Days, in.Info.Incidents, in.Info.Corrections = refMonth, refIncidents(), nil
	runtime.GC()
	stop := heapPeak()
	var pdf, xlsx, html bytes.Buffer
	var r *Report
	for b.Loop() {
		var err error
		if r, err = Build(context.Background(), in); err != nil {
			b.Fatal(err)
		}
		pdf.Reset()
		xlsx.Reset()
		html.Reset()
		if err := errors.Join(RenderPDF(&pdf, *r), RenderXLSX(&xlsx, *r), RenderHTML(&html, *r)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(stop(), "peak-heap-MiB")
	if *pngDir != "" { // -args -png=DIR keeps the reference month's files to look at
		for name, buf := range map[string]*bytes.Buffer{"ref.pdf": &pdf, "ref.xlsx": &xlsx, "ref.html": &html} {
			if err := os.WriteFile(filepath.Join(*pngDir, name), buf.Bytes(), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(peakRSS(), "peak-RSS-MiB")
	b.ReportMetric(float64(pdf.Len())/(1<<20), "pdf-MiB")
	b.ReportMetric(float64(xlsx.Len())/(1<<20), "xlsx-MiB")
	b.ReportMetric(float64(html.Len())/(1<<20), "html-MiB")
	b.ReportMetric(float64(len(r.Links.Breaches)), "breaches")
	b.ReportMetric(float64(len(r.Agents.Offline)), "offline")
	b.ReportMetric(float64(len(r.Gaps)), "gaps")
	b.ReportMetric(float64(len(r.Resources.Findings)), "findings")
}
