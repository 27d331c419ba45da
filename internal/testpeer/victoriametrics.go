package testpeer

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// VictoriaMetricsBinary is where Debian's victoria-metrics package installs the server.
const VictoriaMetricsBinary = "/usr/bin/victoria-metrics"

// VictoriaMetrics starts a single-node VictoriaMetrics on a free loopback port with
// its data under the peer's scratch dir. It is the real remote_write receiver and
// query backend of the tests. Peer.Restart keeps the data dir and the port.
//
// The latency offset is zero and the cache off so that freshly written samples are
// visible to queries; new series still need VMForceFlush (or ~5 s) to be searchable.
func VictoriaMetrics(t testing.TB) *Peer {
	t.Helper()
	return Start(t, Spec{
		Name:   "victoria-metrics",
		Binary: VictoriaMetricsBinary,
		Hint:   "apt-get install victoria-metrics",
		Args: []string{
			"-httpListenAddr=127.0.0.1:{{port}}",
			"-storageDataPath={{dir}}/data",
			"-retentionPeriod=1d",
			"-search.latencyOffset=0s",
			"-search.disableCache",
		},
		ReadyURL: "http://127.0.0.1:{{port}}/health",
		Wait:     30 * time.Second,
	})
}

// URL returns the peer's base URL (http://127.0.0.1:PORT).
func (p *Peer) URL() string { return p.Base() }

// VMForceFlush makes samples written to VictoriaMetrics searchable at once
// (GET /internal/force_flush). The newest sample may still lag ~1 s: poll.
func VMForceFlush(ctx context.Context, baseURL string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, baseURL+"/internal/force_flush", nil)
	if err != nil {
		return fmt.Errorf("build force_flush request: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("force_flush %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("force_flush %s: status %s", baseURL, strconv.Quote(resp.Status))
	}
	return nil
}
