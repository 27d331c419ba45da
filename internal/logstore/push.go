package logstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/golang/snappy"
	"github.com/grafana/loki/pkg/push"

	"github.com/swanwatch/swanwatch/internal/retry"
	"github.com/swanwatch/swanwatch/internal/spool"
)

// run drains the spool until ctx is done, one push per batch of up to BatchSize
// events. A backlog goes out back to back; once the newest segment is reached
// and a batch comes up short, it waits BatchWait, so that a trickle of events
// is batched rather than pushed one by one.
func (p *pusher) run(ctx context.Context) {
	for ctx.Err() == nil {
		b, err := p.spool.Next(p.opts.BatchSize)
		if err != nil {
			p.log.Error("read loki spool", "err", err)
		}
		if b == nil {
			retry.Sleep(ctx, p.opts.BatchWait)
			continue
		}
		if !p.deliver(ctx, b) {
			p.spool.Release(b) // shutting down: the batch stays in the spool for the next start
			return
		}
		p.gauges()
		if len(b.Records) < p.opts.BatchSize && p.spool.Segments() <= 1 {
			retry.Sleep(ctx, p.opts.BatchWait)
		}
	}
}

var errAbandoned = errors.New("batch dropped by the spool bound")

// deliver pushes one batch, retrying with capped exponential backoff on network
// errors, 429 and 5xx. Other answers mean the receiver will never take the batch,
// so it is dropped and counted. It confirms or gives back the batch and returns
// false only when ctx ended first.
func (p *pusher) deliver(ctx context.Context, b *spool.Batch) bool {
	body, n, err := encodePush(b.Records, p.opts.ExtraLabels)
	if err != nil {
		p.log.Error("encode loki push request; batch dropped", "err", err, "entries", n)
		lokiDropped4xx.Add(n)
		p.spool.Ack(b)
		return true
	}
	if n == 0 { // nothing in it decoded (counted by encodePush)
		p.spool.Ack(b)
		return true
	}
	failures := 0
	policy := retry.Policy{Min: p.opts.MinBackoff, Max: p.opts.MaxBackoff, Permanent: retry.Refused,
		OnRetry: func(err error, _ time.Duration) {
			countFailure(err)
			if failures++; failures == 1 {
				p.log.Warn("loki push failed; retrying with backoff, events wait in the spool", "err", err)
			}
		}}
	err = retry.Do(ctx, policy, func(ctx context.Context) error {
		if b.Dropped() {
			return retry.Permanent(errAbandoned)
		}
		return p.post(ctx, body)
	})
	switch {
	case err == nil:
		lokiSentEntries.Add(n)
		lokiSentBatches.Inc()
		if failures > 0 {
			p.log.Info("loki push recovered", "failed_attempts", failures)
		}
	case errors.Is(err, errAbandoned):
		p.spool.Release(b) // counted as dropped by the spool
		return true
	case ctx.Err() != nil:
		return false
	default:
		lokiDropped4xx.Add(n)
		p.log.Warn("loki rejected a batch; dropped", "err", err, "entries", n)
	}
	p.spool.Ack(b)
	return true
}

func countFailure(err error) {
	var se *retry.StatusError
	switch {
	case !errors.As(err, &se):
		lokiFailedNet.Inc()
	case se.Code == http.StatusTooManyRequests:
		lokiFailed429.Inc()
	default:
		lokiFailed5xx.Inc()
	}
}

// post sends one request; a non-2xx answer is a *retry.StatusError.
func (p *pusher) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.opts.URL, bytes.NewReader(body))
	if err != nil {
		return retry.Permanent(fmt.Errorf("build request: %w", err))
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
		return fmt.Errorf("post to %s: %w", p.target, stripURL(err))
	}
	defer resp.Body.Close()
	return retry.CheckResponse(resp)
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

// encodePush decodes spooled events, groups them into streams by label set,
// sorts each stream by time, and returns the snappy-compressed protobuf
// PushRequest and the number of events. A record that does not decode is counted
// and left out.
func encodePush(recs []spool.Record, extra map[string]string) ([]byte, int, error) {
	streams := map[string]*push.Stream{}
	n := 0
	for _, r := range recs {
		ts, ls, text, err := decodeFull(r.Data)
		if err != nil {
			lokiDroppedTorn.Add(r.Count)
			continue
		}
		key := lokiLabels(ls, extra)
		st, ok := streams[key]
		if !ok {
			st = &push.Stream{Labels: key}
			streams[key] = st
		}
		st.Entries = append(st.Entries, push.Entry{Timestamp: time.Unix(0, ts).UTC(), Line: text})
		n++
	}
	req := push.PushRequest{Streams: make([]push.Stream, 0, len(streams))}
	for _, st := range streams {
		slices.SortStableFunc(st.Entries, func(a, b push.Entry) int { return a.Timestamp.Compare(b.Timestamp) })
		req.Streams = append(req.Streams, *st)
	}
	slices.SortFunc(req.Streams, func(a, b push.Stream) int { return strings.Compare(a.Labels, b.Labels) })
	raw, err := req.Marshal()
	if err != nil {
		return nil, n, fmt.Errorf("marshal push request: %w", err)
	}
	return snappy.Encode(nil, raw), n, nil
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
