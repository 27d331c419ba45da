package collectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/require"
)

// memSink is a Sink that keeps a copy of every append.
type memSink struct {
	mu      sync.Mutex
	appends []appendCall
	fail    int // fail this many appends first
}

type appendCall struct {
	ts      time.Time
	samples map[string]float64 // series string → value
}

func (s *memSink) Append(_ context.Context, ts time.Time, samples []Sample) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return errors.New("disk full")
	}
	m := make(map[string]float64, len(samples))
	for _, smp := range samples {
		k := seriesString(smp.Labels)
		if _, dup := m[k]; dup {
			return fmt.Errorf("duplicate series %s in one append", k)
		}
		m[k] = smp.Value
	}
	s.appends = append(s.appends, appendCall{ts: ts, samples: m})
	return nil
}

func (s *memSink) calls() []appendCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]appendCall(nil), s.appends...)
}

func (s *memSink) last(t *testing.T) appendCall {
	t.Helper()
	c := s.calls()
	require.NotEmpty(t, c, "no append yet")
	return c[len(c)-1]
}

// seriesString renders sorted labels as name{a="b",...}, checking they are sorted.
func seriesString(ls []Label) string {
	var name string
	var b strings.Builder
	for i, l := range ls {
		if i > 0 && ls[i-1].Name >= l.Name {
			panic("labels not sorted: " + fmt.Sprint(ls))
		}
		if l.Name == "__name__" {
			name = l.Value
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%s=%q", l.Name, l.Value)
	}
	return name + "{" + b.String() + "}"
}

// logBuf captures log output for tests that check what is logged, and how often.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) count(sub string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Count(l.b.String(), sub)
}

func (l *logBuf) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(l, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func counter(name string) uint64 { return metrics.GetOrCreateCounter(name).Get() }

func isStale(v float64) bool { return math.IsNaN(v) && IsStaleNaN(v) }

// startRunner runs r until the test ends and checks that Run returns.
func startRunner(t *testing.T, r *Runner) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})
}

func sched(interval time.Duration, conc int) Schedule {
	return Schedule{Interval: interval, Concurrency: conc}.WithDefaults(Schedule{})
}
