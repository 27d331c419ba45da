package syslog

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// benchLine is a firewall session line of about 220 bytes, as the bench's
// load generator sends.
func benchLine(i int) []byte {
	return fmt.Appendf(nil, "<190>1 2026-12-07T09:00:00.000000Z usg6000-border FW 4242 SESSION - seq=%d SessionLog: IPVer=4,Protocol=tcp,"+
		"SourceIP=10.0.%d.%d,DestinationIP=203.0.113.%d,SourcePort=%d,DestinationPort=443,BeginTime=2026-12-07 17:00:00,"+
		"EndTime=2026-12-07 17:00:05,Policy=allow-web,Action=permit", i, i>>8&255, i&255, i%200, 1024+i%60000)
}

// BenchmarkLine is the cost of one line from bytes to event: parse, clean,
// resolve and label (the part every transport shares).
func BenchmarkLine(b *testing.B) {
	r := &Receiver{deps: Deps{Resolve: testDevices().Resolve}}
	p := newParser()
	lines := make([][]byte, 1000)
	for i := range lines {
		lines[i] = benchLine(i)
	}
	src := netip.MustParseAddr("127.0.0.1")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, ok := r.line(p, lines[i%len(lines)], src, time.Now()); !ok {
			b.Fatal("refused")
		}
		i++
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "lines/s")
}

// countSink counts events and drops them: the receiver alone.
type countSink struct{ n atomic.Int64 }

func (s *countSink) AppendEvents(_ context.Context, evs []collectors.Event) error {
	s.n.Add(int64(len(evs)))
	return nil
}

// BenchmarkTCP sends octet-counted lines over one loopback connection
// through the whole receiver (framing, limiter, parse, queue, delivery) to a
// sink that only counts. Run with -cpu 1 for one core.
func BenchmarkTCP(b *testing.B) {
	sink := &countSink{}
	r := start(b, Config{TCP: "127.0.0.1:0", RatePerSource: 1e9, Burst: 1e9}, sink, nil)
	c, err := net.Dial("tcp", r.TCPAddr())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	w := bufio.NewWriterSize(c, 256<<10)
	frames := make([][]byte, 1000)
	for i := range frames {
		l := benchLine(i)
		frames[i] = append(append(strconv.AppendInt(nil, int64(len(l)), 10), ' '), l...)
	}
	b.SetBytes(int64(len(frames[0])))
	n := 0
	for b.Loop() {
		if _, err := w.Write(frames[n%len(frames)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	for sink.n.Load() < int64(n) {
		time.Sleep(time.Millisecond)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}
