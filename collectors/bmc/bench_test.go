package bmc

import (
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// BenchmarkPoll150 is one steady-state round (sessions open, logs learnt)
// of 150 BMCs serving the DMTF mockup, at most 32 rounds at once (the
// kind's default concurrency), with $expand honoured (expand) and not
// (no_expand: every member read on its own). The figure is CPU time per
// round of all 150 from getrusage of the whole test process, as a fraction
// of one core at the 60 s interval (goal < 2 %). It includes the fake BMCs'
// side of every HTTP exchange (their replies precomputed), so the anchor
// anchor_http runs the very same GETs (as recorded by the fakes in the
// expand case) with a bare net/http client that discards the bodies: the
// floor of the exchange on both sides. collector − anchor is what decoding
// and judging the replies costs.
//
//	go test -run '^$' -bench Poll150 -benchtime 10x ./collectors/bmc/
func BenchmarkPoll150(b *testing.B) {
	b.Run("expand", func(b *testing.B) { benchPoll(b, 150, true, false) })
	b.Run("no_expand", func(b *testing.B) { benchPoll(b, 150, false, false) })
	b.Run("anchor_http", func(b *testing.B) { benchPoll(b, 150, true, true) })
}

func benchPoll(b *testing.B, n int, expand, anchor bool) {
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
	each := func(f func(i int)) {
		sem := make(chan struct{}, 32)
		var wg sync.WaitGroup
		for i := range n {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				f(i)
			})
		}
		wg.Wait()
	}
	collect := func(i int) {
		if _, err := poll(b, c, tgts[i], 30*time.Second); err != nil {
			b.Error(err)
		}
	}
	each(collect) // logins, log positions, $expand learnt
	each(collect)
	round := collect
	if anchor {
		round = rawRound(b, fakes)
	}
	var reqs0 int64
	for _, f := range fakes {
		reqs0 += f.requests.Load()
	}
	cpu0 := cpuTime()
	for b.Loop() {
		each(round)
	}
	cpu := (cpuTime() - cpu0) / time.Duration(b.N)
	var reqs int64
	for _, f := range fakes {
		reqs += f.requests.Load()
	}
	b.ReportMetric(cpu.Seconds(), "cpu-s/round")
	b.ReportMetric(100*cpu.Seconds()/60, "%core@60s")
	b.ReportMetric(float64(reqs-reqs0)/float64(b.N)/float64(n), "req/bmc")
}

// rawRound GETs every URI a fake was asked for by the collector, with a
// bare client (Basic auth, bodies discarded), 4 at a time as the collector.
func rawRound(b *testing.B, fakes []*fakeBMC) func(int) {
	tr := &http.Transport{MaxIdleConnsPerHost: 4}
	b.Cleanup(tr.CloseIdleConnections)
	hc := &http.Client{Transport: tr}
	uris := make([][]string, len(fakes))
	for i, f := range fakes {
		f.mu.Lock()
		uris[i] = slices.Sorted(maps.Keys(f.uris))
		f.mu.Unlock()
	}
	return func(i int) {
		sem := make(chan struct{}, 4)
		var wg sync.WaitGroup
		for _, u := range uris[i] {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				req, _ := http.NewRequest(http.MethodGet, fakes[i].URL+u, nil)
				req.SetBasicAuth(testUser, testPassword)
				resp, err := hc.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			})
		}
		wg.Wait()
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
