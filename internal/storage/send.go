package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/prometheus/prompb"

	"github.com/swanwatch/swanwatch/internal/retry"
	"github.com/swanwatch/swanwatch/internal/spool"
)

// run drives the batcher and the sender until ctx ends, then puts what is still
// in memory in front of the spool (it is older than anything spooled).
func (q *queue) run(ctx context.Context) {
	var wg sync.WaitGroup
	var inflight *spool.Record
	wg.Go(func() { q.batchLoop(ctx) })
	wg.Go(func() { inflight = q.sendLoop(ctx) })
	wg.Wait()
	var left []spool.Record
	if inflight != nil {
		left = append(left, *inflight)
	}
	for len(q.ready) > 0 {
		left = append(left, <-q.ready)
	}
	if err := q.spool.Prepend(left); err != nil {
		q.log.Error("remote_write: spooling in-memory batches at shutdown failed", "err", err)
	}
}

// batchLoop cuts rounds into batches of BatchSize, or less after FlushInterval.
func (q *queue) batchLoop(ctx context.Context) {
	tick := time.NewTicker(q.opts.FlushInterval)
	defer tick.Stop()
	var pending []prompb.TimeSeries
	for {
		select {
		case <-ctx.Done():
			pending = q.drainIn(pending)
			q.emitFull(pending, true)
			return
		case s := <-q.in:
			pending = q.emitFull(append(pending, s...), false)
		case <-tick.C:
			pending = q.emitFull(pending, true)
		}
	}
}

// emitFull emits whole batches (and the rest when all is set) and returns what
// is left, moved to the front so the backing array does not pin old rounds.
func (q *queue) emitFull(pending []prompb.TimeSeries, all bool) []prompb.TimeSeries {
	done := 0
	for len(pending)-done >= q.opts.BatchSize || (all && done < len(pending)) {
		n := min(q.opts.BatchSize, len(pending)-done)
		q.emit(pending[done : done+n])
		done += n
	}
	n := copy(pending, pending[done:])
	clear(pending[n:])
	return pending[:n]
}

// emit hands a batch to the sender in memory while the spool is empty, to disk
// otherwise (spool.Offer keeps the order).
func (q *queue) emit(series []prompb.TimeSeries) {
	rec, err := encodeBatch(series)
	if err == nil {
		err = q.spool.Offer(rec, func() bool {
			select {
			case q.ready <- rec:
				return true
			default:
				return false
			}
		})
	}
	if err != nil {
		q.m.spoolFailed(len(series), err)
		q.log.Error("remote_write: batch dropped", "samples", len(series), "err", err)
	}
}

// sendLoop sends batches in order: memory first (older), then the spool. It
// returns the batch it held when ctx ended, if that came from memory.
func (q *queue) sendLoop(ctx context.Context) *spool.Record {
	for {
		select {
		case rec := <-q.ready:
			if q.deliver(ctx, rec, nil) == stopped {
				return &rec
			}
			continue
		default:
		}
		if !q.sendSpooled(ctx) {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case rec := <-q.ready:
			if q.deliver(ctx, rec, nil) == stopped {
				return &rec
			}
		case <-q.spool.Notify():
		}
	}
}

// sendSpooled sends the spool's records one request each, confirming each once
// the receiver answered, until the spool is empty; false when ctx ended.
func (q *queue) sendSpooled(ctx context.Context) bool {
	for ctx.Err() == nil {
		b, err := q.spool.Next(1)
		if err != nil {
			q.log.Error("remote_write: read spool", "err", err)
		}
		if b == nil {
			return true
		}
		switch q.deliver(ctx, b.Records[0], b.Dropped) {
		case handled:
			q.spool.Ack(b)
		case stopped:
			q.spool.Release(b) // stays for the next start
			return false
		default:
			q.spool.Release(b) // the bound dropped it meanwhile: counted there
		}
	}
	return false
}

// outcome is how a delivery ended.
type outcome int

const (
	handled   outcome = iota // sent, or refused for good (counted)
	abandoned                // the spool bound dropped it while it was retried
	stopped                  // ctx ended first
)

var errAbandoned = errors.New("batch dropped by the spool bound")

// deliver sends one batch, retrying 429, 5xx and network errors with capped
// exponential backoff, until it is handled, abandoned or ctx ends.
func (q *queue) deliver(ctx context.Context, rec spool.Record, dropped func() bool) outcome {
	p := retry.Policy{Min: minBackoff, Max: q.opts.MaxBackoff, Permanent: retry.Refused,
		OnRetry: func(err error, _ time.Duration) {
			q.m.failed.Add(rec.Count)
			q.m.retries.Inc()
			q.markDown(err)
		}}
	err := retry.Do(ctx, p, func(ctx context.Context) error {
		if dropped != nil && dropped() {
			return retry.Permanent(errAbandoned)
		}
		return q.post(ctx, rec.Data)
	})
	switch {
	case err == nil:
		q.m.sent.Add(rec.Count)
		q.markUp()
		return handled
	case errors.Is(err, errAbandoned):
		return abandoned
	case ctx.Err() != nil:
		return stopped
	}
	q.m.dropRejected.Add(rec.Count)
	q.log.Warn("remote_write batch rejected by the receiver and dropped", "samples", rec.Count, "err", err)
	return handled
}

// markDown logs the first failure of an outage only; retries are counted.
func (q *queue) markDown(err error) {
	if !q.down.IsZero() {
		return
	}
	q.down = time.Now()
	q.log.Warn("remote_write receiver unreachable: retrying, new samples are spooled to disk",
		"err", err, "spool_dir", q.opts.SpoolDir, "max_spool_bytes", q.opts.MaxSpoolBytes)
}

func (q *queue) markUp() {
	if q.down.IsZero() {
		return
	}
	q.log.Info("remote_write receiver back: draining the spool", "down_for", time.Since(q.down).Round(time.Second))
	q.down = time.Time{}
}

// post sends one request. Credentials never enter error strings: the URL has
// none (validate refuses them) and headers are not printed.
func (q *queue) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, q.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.opts.URL, bytes.NewReader(body))
	if err != nil {
		return retry.Permanent(fmt.Errorf("build request: %w", err))
	}
	q.setHeaders(req.Header)
	resp, err := q.client.Do(req)
	if err != nil {
		return fmt.Errorf("post batch: %w", err)
	}
	defer resp.Body.Close()
	return retry.CheckResponse(resp)
}

func (q *queue) setHeaders(h http.Header) {
	h.Set("Content-Encoding", "snappy")
	h.Set("Content-Type", "application/x-protobuf")
	h.Set("User-Agent", "swanwatch")
	h.Set("X-Prometheus-Remote-Write-Version", "0.1.0")
	switch {
	case q.opts.BearerToken != "":
		h.Set("Authorization", "Bearer "+q.opts.BearerToken)
	case q.opts.Username != "" || q.opts.Password != "":
		req := http.Request{Header: h}
		req.SetBasicAuth(q.opts.Username, q.opts.Password)
	}
}
