// Package agent owns the agent collector: it scrapes a Prometheus text exposition
// endpoint (node_exporter on each cloud VM is the monitoring agent of R-A1), keeps
// only the configured metric families so that a VM costs ~50 series, and records
// the families' metadata for the query API.
package agent

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/collectors"
)

// Kind is the collector kind of agent targets.
const Kind = "agent"

// Collector scrapes agents. It is safe for concurrent rounds on different targets.
type Collector struct {
	cfg    Config
	log    *slog.Logger
	client *http.Client
	keep   keepSet
	bufs   sync.Pool // *bytes.Buffer, one scrape body each
	meta   metaStore
}

// New returns a Collector for an already defaulted and validated cfg.
func New(cfg Config, logger *slog.Logger) *Collector {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	tr := &http.Transport{
		// One keep-alive connection per VM, kept across one interval, so that a
		// round does not pay a TCP (or TLS) handshake.
		MaxIdleConnsPerHost: 1,
		IdleConnTimeout:     cfg.Interval + 10*time.Second,
		ForceAttemptHTTP2:   false,
	}
	return &Collector{cfg: cfg, log: logger, keep: newKeepSet(cfg.Keep),
		client: &http.Client{Transport: tr}, meta: metaStore{m: map[string]Meta{}}}
}

// Collect scrapes t.Address (the /metrics URL) once and emits the kept families.
func (c *Collector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	buf := c.getBuf()
	defer c.putBuf(buf)
	if err := c.fetch(ctx, t, buf); err != nil {
		return err
	}
	return c.emitBody(buf.Bytes(), t, emit)
}

// Close releases idle connections.
func (c *Collector) Close() error {
	c.client.CloseIdleConnections()
	return nil
}

// Metadata returns the type and help of every kept family seen so far.
func (c *Collector) Metadata() map[string]Meta { return c.meta.snapshot() }

func (c *Collector) getBuf() *bytes.Buffer {
	if b, ok := c.bufs.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return &bytes.Buffer{}
}

// putBuf keeps buffers of ordinary size only: one huge answer must not pin its
// memory for the life of the process.
func (c *Collector) putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		c.bufs.Put(b)
	}
}

// Reasons a scrape fails: the bounded `reason` label of swanwatch_agent_scrape_errors_total.
const (
	reasonRequest     = "request"
	reasonAuth        = "auth_file"
	reasonTransport   = "transport"
	reasonStatus      = "http_status"
	reasonContentType = "content_type"
	reasonTooLarge    = "body_too_large"
	reasonParse       = "parse"
)

// fail counts a failed scrape by reason and returns its error.
func fail(reason string, err error) error {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_agent_scrape_errors_total{reason=%q}`, reason)).Inc()
	return err
}
