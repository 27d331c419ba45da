package vsphere

import (
	"context"
	"net/url"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/vmware/govmomi/simulator"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// BenchmarkRound measures one collection round of 150 hosts and 3,000 VMs
// at the 20 s realtime interval: the driver's CPU per round (and as a share
// of one core at one round per 20 s), wall time, property-collector round
// trips and QueryPerf calls per round.
//
// The driver's CPU can only be told apart from the simulator's when the
// simulator runs in another process: build and start benchvc, and give its
// URL in HV_BENCH_VCSIM:
//
//	go build -o /work/tmpbin/hv/benchvc ./collectors/hypervisor/vsphere/benchvc
//	coproc /work/tmpbin/hv/benchvc; read -r url <&"${COPROC[0]}"
//	HV_BENCH_VCSIM="$url" go test -run XXX -bench Round -benchtime 20x ./collectors/hypervisor/vsphere/
//	kill $COPROC_PID
//
// Without it the simulator runs in process (same model): cpu-ms/round then
// includes the simulator's work and is an upper bound.
func BenchmarkRound(b *testing.B) {
	u := os.Getenv("HV_BENCH_VCSIM")
	external := u != ""
	if !external {
		m := simulator.VPX()
		m.Host, m.Cluster, m.ClusterHost, m.Machine, m.Datastore = 0, 10, 15, 300, 4
		vc := startVC(b, m)
		su := *vc.server.URL
		u = su.String()
	}
	pu, err := url.Parse(u)
	if err != nil {
		b.Fatal(err)
	}
	pw, _ := pu.User.Password()
	user := pu.User.Username()
	pu.User = nil
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	d, err := open(ctx, driver.Login{Username: user, Password: pw, Target: collectors.Target{Kind: "hypervisor",
		Name: "vc", Address: pu.String(), Params: map[string]string{ParamTLSSkipVerify: "true",
			ParamSystemFrom: "folder", ParamDeptFrom: "attribute:部门"}}})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	series := 0
	emit := func(string, float64, ...string) { series++ }
	if _, err := d.Collect(ctx, emit); err != nil { // warm: counters, historical, alarm names
		b.Fatal(err)
	}
	r0, q0, o0 := d.Stats().Snapshot()
	series = 0
	cpu0 := cpuTime()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := d.Collect(ctx, emit); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	cpu := cpuTime() - cpu0
	r1, q1, o1 := d.Stats().Snapshot()
	n := float64(b.N)
	b.ReportMetric(float64(r1-r0)/n, "retrieves/round")
	b.ReportMetric(float64(q1-q0)/n, "queryperf/round")
	b.ReportMetric(float64(o1-o0)/n, "othercalls/round")
	b.ReportMetric(float64(series)/n, "series/round")
	b.ReportMetric(cpu.Seconds()*1000/n, "cpu-ms/round")
	b.ReportMetric(cpu.Seconds()/n/20*100, "core-%@20s")
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	b.ReportMetric(float64(ru.Maxrss)/1024, "maxrss-MB") // Linux reports KiB
	if !external {
		b.Log("simulator in process: cpu-ms/round includes the simulator's work")
	}
}

// cpuTime is this process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
