package ledger

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"

	"github.com/swanwatch/swanwatch/internal/inventory"
)

// BenchmarkFindings3000 is the whole join for the demo's estate: 3,000 VMs
// on the hypervisor (5 minutes of 20 s samples of its four series), 3,000
// agents, a ledger of 3,000 entries of which 10 % disagree. The ledger read
// is cached (Refresh), so this is what one API request costs.
func BenchmarkFindings3000(b *testing.B) {
	db, err := tsdb.Open(b.TempDir(), slog.New(slog.DiscardHandler), nil, tsdb.DefaultOptions(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	app := db.Appender(context.Background())
	var targets []inventory.Target
	var entries []Entry
	for i := range 3000 {
		vm := fmt.Sprintf("vm-%04d", i)
		for ts := at.Add(-5 * time.Minute); ts.Before(at); ts = ts.Add(20 * time.Second) {
			for name, v := range map[string]float64{"hypervisor_vm_info": 1, "hypervisor_vm_running": 1,
				"hypervisor_vm_vcpus": 4, "hypervisor_vm_memory_bytes": 8 << 30} {
				if _, err := app.Append(0, labels.FromStrings("__name__", name, "instance", "vc", "kind", "hypervisor", "vm", vm), ts.UnixMilli(), v); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := app.Append(0, labels.FromStrings("__name__", "up", "instance", vm, "kind", "agent"), ts.UnixMilli(), 1); err != nil {
				b.Fatal(err)
			}
		}
		targets = append(targets, agent(vm, "4C8G", "系统", "部门"))
		spec := "4C8G"
		if i%10 == 0 {
			spec = "8C16G"
		}
		e, _ := parseRaw(raw{VM: vm, Spec: spec, End: "2027-12-31"}, false)
		entries = append(entries, e)
	}
	if err := app.Commit(); err != nil {
		b.Fatal(err)
	}
	l, err := New(Options{Sources: []Source{staticSource(entries)}, Platform: NewTSDBPlatform(db, 0),
		Targets: func() []inventory.Target { return targets }, Now: func() time.Time { return at }})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res, err := l.Findings(context.Background(), at)
		if err != nil || res.Counts[SpecMismatch] != 300 {
			b.Fatal(err, res.Counts)
		}
	}
}

type staticSource []Entry

func (s staticSource) Read(context.Context) (Book, error) { return Book{Entries: s}, nil }
func (s staticSource) Name() string                       { return "static" }
