package snmp

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// stampSink records when the last batch of events arrived.
type stampSink struct{ at atomic.Int64 }

func (s *stampSink) AppendEvents(context.Context, []collectors.Event) error {
	s.at.Store(time.Now().UnixNano())
	return nil
}

// BenchmarkLinkEventDelay flips the simulated demo uplink every iteration and
// polls its A end once: how far into the round the event reaches the sink
// (it goes out after the IF-MIB walk, before LLDP and the profile's entity
// walks) against the whole round. A poll-detected fault is notified at most
// one poll interval plus event-ms after it happened, plus the event rules.
func BenchmarkLinkEventDelay(b *testing.B) {
	w := startWAN(b)
	name, _ := w.s.DemoUplink()
	a := w.targets[w.links[name].ADevice]
	sink := &stampSink{}
	c := quickCollector(b, sink)
	_, err := poll(b, c, a)
	require.NoError(b, err)
	var intoRound, round time.Duration
	states := [2]string{sim.LinkDown, sim.LinkUp}
	for i := 0; b.Loop(); i++ {
		require.NoError(b, w.s.ForceLink(name, states[i%2]))
		start := time.Now()
		_, err := poll(b, c, a)
		round += time.Since(start)
		require.NoError(b, err)
		intoRound += time.Duration(sink.at.Load() - start.UnixNano())
	}
	b.ReportMetric(float64(intoRound.Microseconds())/1000/float64(b.N), "event-ms")
	b.ReportMetric(float64(round.Microseconds())/1000/float64(b.N), "round-ms")
}
