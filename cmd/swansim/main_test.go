package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/sim"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// syncBuffer is written by run's goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestRunPrintsInventoryAndStops(t *testing.T) {
	var out, errOut syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-vms", "40", "-listen", "127.0.0.1:0", "-seed", "2"}, &out, &errOut)
	}()

	var url string
	require.Eventually(t, func() bool {
		first, _, ok := strings.Cut(out.String(), "\n")
		url, ok = strings.CutPrefix(first, "inventory: ")
		return ok
	}, 5*time.Second, 20*time.Millisecond)

	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 5 * time.Second}).Get(url)
	require.NoError(t, err)
	var inv sim.Export
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&inv))
	resp.Body.Close()
	assert.Len(t, inv.Targets, 40)

	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, errOut.String(), "simulated estate stopped")
}

func TestRunRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"-vms", "-3"}, {"-bogus"}, {"-offline-share", "0.9"}, {"-listen", "256.0.0.1:1"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out, errOut syncBuffer
			err := run(context.Background(), args, &out, &errOut)
			require.Error(t, err)
			assert.Empty(t, out.String(), "nothing printed as if it had started")
		})
	}
}
