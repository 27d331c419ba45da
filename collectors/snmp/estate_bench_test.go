package snmp

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// BenchmarkEstateRound polls every device of the simulated reference estate
// (WANScale 1: ~2,500 devices, ~20,000 interfaces) once per iteration, with the
// kind's default concurrency, as one Runner round would. Goal: under 10 s on 2 cores.
func BenchmarkEstateRound(b *testing.B) {
	s, err := sim.New(sim.Options{VMs: 10, WANScale: 1, Seed: 1})
	require.NoError(b, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() { cancel(); <-done }()
	<-s.Ready()

	var targets []collectors.Target
	for _, t := range s.Inventory().Targets {
		if t.Kind == Kind {
			targets = append(targets, collectors.Target{Kind: t.Kind, Name: t.Name, Address: t.Address, Params: t.Params})
		}
	}
	cfg := Config{}.WithDefaults()
	c, err := New(cfg, nil)
	require.NoError(b, err)
	b.ResetTimer()
	var ifaces, failed atomic.Int64
	for i := 0; i < b.N; i++ {
		ifaces.Store(0)
		pollAll(c, targets, cfg.Concurrency, &ifaces, &failed)
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/round")
	b.ReportMetric(float64(len(targets)), "devices")
	b.ReportMetric(float64(ifaces.Load()), "interfaces")
	b.ReportMetric(float64(failed.Load())/float64(b.N), "failed/round")
}

func pollAll(c *Collector, targets []collectors.Target, conc int, ifaces, failed *atomic.Int64) {
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, t := range targets {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			err := c.Collect(ctx, t, func(m string, _ float64, _ ...string) {
				if m == "snmp_if_oper_status" {
					ifaces.Add(1)
				}
			})
			if err != nil {
				failed.Add(1)
			}
		}()
	}
	wg.Wait()
}
