package logstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"
)

// run drains the spool until ctx is done: sealed segments are pushed back to back;
// when none is left it waits BatchWait and seals the head, so a trickle of events is
// batched and a burst goes out at once.
func (p *pusher) run(ctx context.Context) {
	for ctx.Err() == nil {
		entries, pos, ok, err := p.spool.next(p.opts.BatchSize)
		if err != nil {
			p.log.Error("read loki spool", "err", err)
		}
		if err != nil || !ok {
			if !sleepCtx(ctx, p.opts.BatchWait) {
				return
			}
			if _, err := p.spool.seal(); err != nil {
				p.log.Error("seal loki spool segment", "err", err)
			}
			continue
		}
		if len(entries) > 0 && !p.deliver(ctx, entries) {
			return // shutting down: the batch stays in the spool for the next start
		}
		p.spool.ack(pos)
	}
}

// deliver pushes one batch, retrying with capped exponential backoff on network
// errors, 429 and 5xx. Other answers mean the receiver will never take the batch, so
// it is dropped and counted. It returns false only when ctx ended first.
func (p *pusher) deliver(ctx context.Context, entries []spoolEntry) bool {
	body, err := encodePush(entries, p.opts.ExtraLabels)
	if err != nil {
		p.log.Error("encode loki push request; batch dropped", "err", err, "entries", len(entries))
		lokiDropped4xx.Add(len(entries))
		return true
	}
	backoff, failures := p.opts.MinBackoff, 0
	for {
		status, detail, err := p.post(ctx, body)
		switch {
		case err == nil && status/100 == 2:
			lokiSentEntries.Add(len(entries))
			lokiSentBatches.Inc()
			if failures > 0 {
				p.log.Info("loki push recovered", "failed_attempts", failures)
			}
			return true
		case err == nil && status != http.StatusTooManyRequests && status < 500:
			lokiDropped4xx.Add(len(entries))
			p.log.Warn("loki rejected a batch; dropped", "status", status, "detail", detail, "entries", len(entries))
			return true
		}
		countFailure(status, err)
		if failures == 0 {
			p.log.Warn("loki push failed; retrying with backoff, events wait in the spool", "status", status, "err", err)
		}
		failures++
		if !sleepCtx(ctx, backoff) {
			return false
		}
		backoff = min(2*backoff, p.opts.MaxBackoff)
	}
}

func countFailure(status int, err error) {
	switch {
	case err != nil:
		lokiFailedNet.Inc()
	case status == http.StatusTooManyRequests:
		lokiFailed429.Inc()
	default:
		lokiFailed5xx.Inc()
	}
}

// post sends one request. The answer body is read only up to a bound: a receiver
// is trusted with nothing more than a short error message.
func (p *pusher) post(ctx context.Context, body []byte) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.opts.URL, bytes.NewReader(body))
	if err != nil {
		return 0, "", fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-protobuf")
	req.Header.Set("User-Agent", "swanwatch-logstore")
	switch {
	case p.opts.BearerToken != "":
		req.Header.Set("Authorization", "Bearer "+p.opts.BearerToken)
	case p.opts.Username != "" || p.opts.Password != "":
		req.SetBasicAuth(p.opts.Username, p.opts.Password)
	}
	if p.opts.TenantID != "" {
		req.Header.Set("X-Scope-OrgID", p.opts.TenantID)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, "", fmt.Errorf("post to %s: %w", p.target, stripURL(err))
	}
	defer resp.Body.Close()
	detail, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, strings.TrimSpace(string(detail)), nil
}

// stripURL drops the *url.Error wrapper, whose message repeats the URL with any
// credentials in it.
func stripURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// encodePush groups entries into streams by label set, sorts each stream by time,
// and returns the snappy-compressed protobuf PushRequest.
func encodePush(entries []spoolEntry, extra map[string]string) ([]byte, error) {
	streams := map[string]*push.Stream{}
	for _, e := range entries {
		key := lokiLabels(e.ls, extra)
		st, ok := streams[key]
		if !ok {
			st = &push.Stream{Labels: key}
			streams[key] = st
		}
		st.Entries = append(st.Entries, push.Entry{Timestamp: time.Unix(0, e.ts).UTC(), Line: e.text})
	}
	req := push.PushRequest{Streams: make([]push.Stream, 0, len(streams))}
	for _, st := range streams {
		slices.SortStableFunc(st.Entries, func(a, b push.Entry) int { return a.Timestamp.Compare(b.Timestamp) })
		req.Streams = append(req.Streams, *st)
	}
	slices.SortFunc(req.Streams, func(a, b push.Stream) int { return strings.Compare(a.Labels, b.Labels) })
	raw, err := req.Marshal()
	if err != nil {
		return nil, fmt.Errorf("marshal push request: %w", err)
	}
	return snappy.Encode(nil, raw), nil
}

// lokiLabels renders {a="x", b="y"}; the event's own labels win over extra labels.
// Loki refuses a stream without labels, so an unlabelled event gets job="swanwatch".
func lokiLabels(ls []labelPair, extra map[string]string) string {
	all := labelMap(ls)
	for k, v := range extra {
		if _, ok := all[k]; !ok {
			all[k] = v
		}
	}
	if len(all) == 0 {
		all["job"] = "swanwatch"
	}
	var b strings.Builder
	b.WriteByte('{')
	for i, l := range sortedLabels(all) {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(l.Name + "=" + strconv.Quote(l.Value))
	}
	b.WriteByte('}')
	return b.String()
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
