package secops

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// syntheticScan is a scan of hosts hosts with perHost findings each.
func syntheticScan(hosts, perHost int) Scan {
	s := Scan{Format: FormatOpenVAS}
	for h := range hosts {
		host := fmt.Sprintf("10.%d.%d.%d", h>>16&255, h>>8&255, h&255)
		s.Hosts = append(s.Hosts, host)
		for i := range perHost {
			s.Findings = append(s.Findings, Finding{Host: host, Ref: fmt.Sprintf("oid:1.3.6.1.4.1.25623.1.0.%d", 100000+i),
				Port: "443/tcp", Name: "n", CVEs: []string{"CVE-2024-6387"}, Severity: Severities[i%4], Score: 5})
		}
	}
	return s
}

// BenchmarkImport imports a scan of 500 hosts × 10 findings, then again a
// day later (every finding seen again): the two paths of a quarterly import.
func BenchmarkImport(b *testing.B) {
	scan := syntheticScan(500, 10)
	for b.Loop() {
		b.StopTimer()
		db, err := statestore.Open(filepath.Join(b.TempDir(), "state.db"), nil)
		if err != nil {
			b.Fatal(err)
		}
		now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
		svc, err := New(db, WithClock(func() time.Time { return now }))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := svc.Import(context.Background(), scan, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		now = now.Add(24 * time.Hour)
		if _, err := svc.Import(context.Background(), scan, ImportOptions{}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		_ = db.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(2*len(scan.Findings)), "findings/op")
}
