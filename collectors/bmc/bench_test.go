package bmc

import (
	"fmt"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// BenchmarkPoll150 is one steady-state round (sessions open, logs learnt)
// of 150 BMCs serving the DMTF mockup, at most 32 rounds at once (the
// kind's default concurrency). The figure is CPU time per round of all
// 150, from getrusage of the whole test process — so it includes the fake
// BMCs' side of every HTTP exchange (their replies are precomputed), an
// upper bound of the collector's own cost — as a fraction of one core at
// the 60 s interval (goal < 2 %).
//
//	go test -run '^$' -bench Poll150 -benchtime 20x ./collectors/bmc/
func BenchmarkPoll150(b *testing.B) {
	for _, expand := range []bool{true, false} {
		b.Run(map[bool]string{true: "expand", false: "no_expand"}[expand], func(b *testing.B) {
			benchPoll(b, 150, expand)
		})
	}
}

func benchPoll(b *testing.B, n int, expand bool) {
	c := newTestCollector(b, nil)
	fakes := make([]*fakeBMC, n)
	tgts := make([]collectors.Target, n)
	for i := range n {
		fakes[i] = startBMC(b, false)
		fakes[i].setExpand(expand)
		fakes[i].mu.Lock()
		fakes[i].frozen = true
		fakes[i].mu.Unlock()
		tgts[i] = bmcTarget(b, fmt.Sprintf("bmc-%03d", i), fakes[i].URL)
	}
	pollAll := func() {
		sem := make(chan struct{}, 32)
		var wg sync.WaitGroup
		for _, tgt := range tgts {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				if _, err := poll(b, c, tgt, 30*time.Second); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	pollAll() // logins, log positions, $expand learnt
	pollAll()
	var reqs0 int64
	for _, f := range fakes {
		reqs0 += f.requests.Load()
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for b.Loop() {
		pollAll()
	}
	b.StopTimer()
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	var reqs int64
	for _, f := range fakes {
		reqs += f.requests.Load()
	}
	b.ReportMetric(cpu.Seconds(), "cpu-s/round")
	b.ReportMetric(100*cpu.Seconds()/60, "%core@60s")
	b.ReportMetric(float64(reqs-reqs0)/float64(b.N)/float64(n), "req/bmc")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
