package libvirt

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
	"github.com/digitalocean/go-libvirt/socket/dialers"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// benchNode is 50 domains like a full KVM host: 40 running with two
// disks and a NIC, 5 paused, 5 shut off.
func benchNode() testpeer.LibvirtNode {
	var n testpeer.LibvirtNode
	for i := range 50 {
		d := testpeer.LibvirtDomain{Name: fmt.Sprintf("gov-vm-%02d", i), VCPUs: 4, MemoryMiB: 8192,
			Disks: []string{"vda", "vdb"}, NICs: 1, System: "系统" + strconv.Itoa(i%7), Dept: "部门" + strconv.Itoa(i%5)}
		switch {
		case i >= 45:
			d.State = "shutoff"
		case i >= 40:
			d.State = "paused"
		}
		n.Domains = append(n.Domains, d)
	}
	n.Pools = []testpeer.LibvirtPool{{Name: "vmstore", VolumesGiB: []int{100}}}
	return n
}

// BenchmarkRound50Domains: one driver round against libvirtd's test driver
// (which answers only the state group, so every domain costs its fallback
// calls: the worst case). Anchor, side by side: the least any libvirt
// collector must do, one GetAllDomainStats call for the same 50 domains.
// Reported: the driver process's CPU per round, libvirtd's CPU per round,
// and packets from libvirtd per round (round trips).
func BenchmarkRound50Domains(b *testing.B) {
	p := testpeer.Libvirtd(b, benchNode())
	b.Run("driver_round", func(b *testing.B) {
		d := openDriver(b, peerTarget(p))
		emit := func(string, float64, ...string) {}
		ctx := context.Background()
		if _, err := d.Collect(ctx, emit); err != nil { // baseline round: XML cache filled, rates start
			b.Fatal(err)
		}
		pk0 := d.dial.packets()
		measure(b, p, func() {
			if _, err := d.Collect(ctx, emit); err != nil {
				b.Fatal(err)
			}
		})
		b.ReportMetric(float64(d.dial.packets()-pk0)/float64(b.N), "packets/round")
	})
	b.Run("anchor_allstats_call", func(b *testing.B) {
		l := golibvirt.NewWithDialer(dialers.NewLocal(dialers.WithSocket(p.Socket)))
		if err := l.ConnectToURI(golibvirt.ConnectURI(p.URI())); err != nil {
			b.Fatal(err)
		}
		defer l.Disconnect()
		measure(b, p, func() {
			recs, err := l.ConnectGetAllDomainStats(nil, uint32(statGroups), 0)
			if err != nil || len(recs) != 50 {
				b.Fatal(len(recs), err)
			}
		})
	})
}

// measure runs round b.N times and reports CPU per round of this process
// and of libvirtd.
func measure(b *testing.B, p *testpeer.LibvirtPeer, round func()) {
	self0, lv0 := selfCPU(), procCPU(b, p.Pid())
	b.ResetTimer()
	for range b.N {
		round()
	}
	b.StopTimer()
	b.ReportMetric(float64((selfCPU()-self0).Microseconds())/float64(b.N), "driver-cpu-µs/round")
	b.ReportMetric(float64((procCPU(b, p.Pid())-lv0).Microseconds())/float64(b.N), "libvirtd-cpu-µs/round")
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// procCPU reads utime+stime of a process from /proc/PID/stat (in clock
// ticks of 10 ms: coarse, so the benchmark needs a second or more).
func procCPU(b *testing.B, pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}
