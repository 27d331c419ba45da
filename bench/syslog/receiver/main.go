// Command receiver runs SwanWatch's syslog receiver into the event store (as
// the application wires it: collectors/syslog → internal/logstore), for
// bench/syslog/run.sh. It waits for -n events, or for -idle without a new one
// (lines were lost), prints when the last was stored, then closes the store,
// compresses the day as the store does with a closed day, and prints the
// bytes on disk before and after.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/collectors/syslog"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/logstore"
)

// storeSink stores events and notes when the last one arrived.
type storeSink struct {
	store *logstore.Store
	n     atomic.Int64
	// slowest is the longest Append (fsync included), in nanoseconds.
	slowest atomic.Int64
	mu      sync.Mutex
	last    time.Time
}

func (s *storeSink) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	out := make([]logstore.Event, len(evs))
	for i, ev := range evs {
		out[i] = logstore.Event{Time: ev.Time, Labels: ev.Labels, Text: ev.Text}
	}
	began := time.Now()
	if err := s.store.Append(ctx, out...); err != nil {
		return err
	}
	if d := int64(time.Since(began)); d > s.slowest.Load() {
		s.slowest.Store(d) // one goroutine delivers: no race between load and store
	}
	s.n.Add(int64(len(evs)))
	s.mu.Lock()
	s.last = time.Now()
	s.mu.Unlock()
	return nil
}

func main() {
	udp := flag.String("udp", "", "UDP listen address")
	tcp := flag.String("tcp", "", "TCP listen address")
	dir := flag.String("dir", "", "event store directory (fresh)")
	n := flag.Int64("n", 0, "events expected")
	idle := flag.Duration("idle", 10*time.Second, "give up after this long without a new event")
	ready := flag.String("ready", "", "file written once listening")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the receiving part here")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*udp, *tcp, *dir, *n, *idle, *ready); err != nil {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(udp, tcp, dir string, n int64, idle time.Duration, ready string) error {
	store, err := logstore.Open(logstore.Options{Dir: dir})
	if err != nil {
		return err
	}
	var devices snmptrap.Devices // the sender is an inventory device, as in production
	devices.Update([]inventory.Target{{Name: "usg6000-border", Kind: "snmp", Address: "127.0.0.1:161",
		District: "市本级", Site: "市政务中心机房", System: "电子政务外网", Dept: "市大数据局", Labels: map[string]string{"kind": "firewall"}}})
	sink := &storeSink{store: store}
	// The per-source limit is lifted: the load comes from one address on purpose.
	r, err := syslog.New(syslog.Config{UDP: udp, TCP: tcp, RatePerSource: 1e9, Burst: 1e9},
		syslog.Deps{Resolve: devices.Resolve, Sink: sink})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	if ready != "" {
		if err := os.WriteFile(ready, []byte("ok\n"), 0o644); err != nil {
			return err
		}
	}
	got, lastAt := wait(sink, n, idle)
	drops := udpDrops(r.UDPAddr())
	cpu := cpuTime() // before the compaction, which is not receiving
	cancel()
	if err := <-done; err != nil {
		return err
	}
	if err := store.Close(); err != nil {
		return err
	}
	raw := diskBytes(dir)
	compressed, err := compress(dir)
	if err != nil {
		return err
	}
	fmt.Printf("RESULT events=%d last_ns=%d cpu_ns=%d store_bytes_raw=%d store_bytes_compressed=%d queue_full=%d kernel_drops=%d slowest_append_ms=%d\n",
		got, lastAt.UnixNano(), cpu.Nanoseconds(), raw, compressed,
		metrics.GetOrCreateCounter(`swanwatch_syslog_dropped_total{reason="queue_full"}`).Get(), drops, sink.slowest.Load()/1e6)
	return nil
}

// wait polls the count until n or idle passes without a new event.
func wait(s *storeSink, n int64, idle time.Duration) (int64, time.Time) {
	for {
		time.Sleep(20 * time.Millisecond)
		s.mu.Lock()
		last := s.last
		s.mu.Unlock()
		got := s.n.Load()
		if got >= n || (!last.IsZero() && time.Since(last) > idle) {
			return got, last
		}
	}
}

// compress reopens the store two days later, when today is a closed, quiet
// day, and lets it compact.
func compress(dir string) (int64, error) {
	later := time.Now().Add(48 * time.Hour)
	store, err := logstore.Open(logstore.Options{Dir: dir, Now: func() time.Time { return later }})
	if err != nil {
		return 0, err
	}
	if err := store.Compact(context.Background()); err != nil {
		return 0, err
	}
	if err := store.Close(); err != nil {
		return 0, err
	}
	return diskBytes(dir), nil
}

func diskBytes(dir string) int64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// cpuTime is the CPU (user and system, every thread) the process used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// udpDrops reads the kernel's drop count of our UDP socket from
// /proc/net/udp (lines the socket buffer had no room for); 0 without one.
func udpDrops(addr string) int64 {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return 0
	}
	p, _ := strconv.Atoi(port)
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil {
		return 0
	}
	want := fmt.Sprintf(":%04X", p)
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) > 12 && strings.HasSuffix(f[1], want) {
			d, _ := strconv.ParseInt(f[len(f)-1], 10, 64)
			return d
		}
	}
	return 0
}
