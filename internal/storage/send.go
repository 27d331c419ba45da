package storage

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/prometheus/prompb"
)

// run drives the batcher and the sender until ctx ends, then puts what is still
// in memory in front of the spool (it is older than anything spooled).
func (q *queue) run(ctx context.Context) {
	var wg sync.WaitGroup
	var inflight *record
	wg.Go(func() { q.batchLoop(ctx) })
	wg.Go(func() { inflight = q.sendLoop(ctx) })
	wg.Wait()
	var left []record
	if inflight != nil {
		left = append(left, *inflight)
	}
	for len(q.ready) > 0 {
		left = append(left, <-q.ready)
	}
	if err := q.spool.prepend(left); err != nil {
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
// otherwise; the check and the hand-over happen under the spool lock so order
// holds.
func (q *queue) emit(series []prompb.TimeSeries) {
	rec, err := encodeBatch(series)
	if err == nil {
		err = q.offer(rec)
	}
	if err != nil {
		q.m.dropSpoolErr.Add(len(series))
		q.log.Error("remote_write: batch dropped", "samples", len(series), "err", err)
	}
}

func (q *queue) offer(rec record) error {
	q.spool.mu.Lock()
	defer q.spool.mu.Unlock()
	if q.spool.emptyLocked() {
		select {
		case q.ready <- rec:
			return nil
		default:
		}
	}
	return q.spool.appendLocked(rec)
}

// sendLoop sends batches in order: memory first (older), then the spool. It
// returns the batch it held when ctx ended, if that came from memory.
func (q *queue) sendLoop(ctx context.Context) *record {
	for {
		select {
		case rec := <-q.ready:
			if !q.deliver(ctx, rec, nil) {
				return &rec
			}
			continue
		default:
		}
		if seg, recs := q.spool.checkout(); seg != nil {
			q.sendSegment(ctx, seg, recs)
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case rec := <-q.ready:
			if !q.deliver(ctx, rec, nil) {
				return &rec
			}
		case <-q.spool.notify:
		}
	}
}

func (q *queue) sendSegment(ctx context.Context, seg *segment, recs []record) {
	for _, rec := range recs {
		if !q.deliver(ctx, rec, seg.dropped.Load) {
			q.spool.release(seg) // shutdown: the file stays for the next start
			return
		}
		if seg.dropped.Load() {
			break
		}
	}
	q.spool.done(seg)
}

// deliver sends one batch, retrying 429, 5xx and network errors with capped
// exponential backoff. It reports false only when ctx ended first; a rejected
// batch (other 4xx) or one the spool bound dropped counts as handled.
func (q *queue) deliver(ctx context.Context, rec record, abandoned func() bool) bool {
	backoff := minBackoff
	for {
		err := q.post(ctx, rec.data)
		if err == nil {
			q.m.sent.Add(rec.samples)
			q.markUp()
			return true
		}
		var rej *rejectedError
		if errors.As(err, &rej) {
			q.m.dropRejected.Add(rec.samples)
			q.log.Warn("remote_write batch rejected by the receiver and dropped", "samples", rec.samples, "err", err)
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		q.m.failed.Add(rec.samples)
		q.m.retries.Inc()
		q.markDown(err)
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, q.opts.MaxBackoff)
		if abandoned != nil && abandoned() {
			return true
		}
	}
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

// rejectedError is a 4xx other than 429: sending the batch again cannot help.
type rejectedError struct{ err error }

func (e *rejectedError) Error() string { return e.err.Error() }
func (e *rejectedError) Unwrap() error { return e.err }

// post sends one request. Credentials never enter error strings: the URL has
// none (validate refuses them) and headers are not printed.
func (q *queue) post(ctx context.Context, body []byte) error {
	ctx, cancel := context.WithTimeout(ctx, q.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, q.opts.URL, bytes.NewReader(body))
	if err != nil {
		return &rejectedError{fmt.Errorf("build request: %w", err)}
	}
	q.setHeaders(req.Header)
	resp, err := q.client.Do(req)
	if err != nil {
		return fmt.Errorf("post batch: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // reuse the connection
	if resp.StatusCode/100 == 2 {
		return nil
	}
	err = fmt.Errorf("receiver answered %s: %q", resp.Status, strings.TrimSpace(strings.ToValidUTF8(string(snippet), "?")))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode/100 == 5 {
		return err
	}
	return &rejectedError{err}
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
