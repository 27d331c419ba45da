package logstore

import (
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	if step := os.Getenv(crashChildEnv); step != "" {
		os.Exit(crashChild(step, os.Getenv(crashDirEnv)))
	}
	goleak.VerifyTestMain(m)
}

// clock is a settable Now for retention and partition tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// at returns a time in Asia/Shanghai.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.000", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func openTest(t testing.TB, dir string, now func() time.Time, loki *LokiOptions) *Store {
	t.Helper()
	s, err := Open(Options{Dir: dir, Now: now, Loki: loki})
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func ev(ts time.Time, text string, kv ...string) Event {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return Event{Time: ts, Labels: m, Text: text}
}

func texts(evs []Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.Text
	}
	return out
}

// waitFor bounds the waits for the pusher and the receivers: generous, because
// under -race on two busy cores a round trip can take seconds; a wait ends as
// soon as its condition holds.
const waitFor = time.Minute
