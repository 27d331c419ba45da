// Package httpsend owns the one HTTP POST that every robot and webhook channel
// (wecom, dingtalk, feishu, webhook) makes: JSON out, a bounded response in,
// the status mapped to retryable or channels.Permanent, and URLs and secrets
// kept out of every error. It lives under webhook because that is the
// generic channel; the robot channels import it rather than copy it.
package httpsend

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

// MaxResponseBytes bounds what is read of a reply: robot APIs answer with a
// few dozen bytes, so anything larger is not a reply worth reading.
const MaxResponseBytes = 64 << 10

// maxDetail bounds how much of a reply or an API message goes into an error.
const maxDetail = 256

// Request is one POST. URL may carry secrets (a robot key or token in the
// query); it never appears in errors except through Redact.
type Request struct {
	Channel string      // "wecom", "dingtalk", ... : the metric label and error prefix
	URL     string      // full URL, secrets included
	Header  http.Header // extra headers (auth, idempotency key)
	Body    any         // marshalled as JSON
	Secrets []string    // values scrubbed from anything the reply echoes
	// Shown names the endpoint in errors; empty means Redact(URL). Set it when
	// the secret is in the path (Feishu's hook token).
	Shown string
}

func (r Request) shown() string {
	if r.Shown != "" {
		return r.Shown
	}
	return Redact(r.URL)
}

// PostJSON sends r and returns the reply body of a 2xx answer. A network
// error, 5xx or 429 is returned as is (the outbox retries); any other status
// is channels.Permanent.
func PostJSON(ctx context.Context, c *http.Client, r Request) ([]byte, error) {
	payload, err := json.Marshal(r.Body)
	if err != nil {
		return nil, channels.Permanent(fmt.Errorf("%s: encode: %w", r.Channel, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, r.URL, bytes.NewReader(payload))
	if err != nil {
		// url.Parse errors quote the URL; never pass them on.
		return nil, channels.Permanent(fmt.Errorf("%s: invalid url %s", r.Channel, r.shown()))
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := c.Do(req)
	if err != nil {
		Count(r.Channel, "network")
		return nil, fmt.Errorf("%s: post %s: %w", r.Channel, r.shown(), unwrapURL(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes))
	if err != nil {
		Count(r.Channel, "network")
		return nil, fmt.Errorf("%s: read reply: %w", r.Channel, unwrapURL(err))
	}
	return body, statusError(r, resp.StatusCode, body)
}

// statusError maps the HTTP status: 2xx nil, 429 and 5xx retryable, the
// rest Permanent.
func statusError(r Request, code int, body []byte) error {
	if code >= 200 && code < 300 {
		return nil
	}
	err := fmt.Errorf("%s: http %d: %s", r.Channel, code, Detail(string(body), r.Secrets...))
	switch {
	case code == http.StatusTooManyRequests:
		Count(r.Channel, "rate_limit")
		return err
	case code >= 500:
		Count(r.Channel, "http_5xx")
		return err
	}
	Count(r.Channel, "http_4xx")
	return channels.Permanent(err)
}

// unwrapURL drops the *url.Error wrapper, whose message carries the full URL
// (and so the robot key), keeping the cause (a timeout, a refused dial).
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Redact returns rawURL with user info dropped and every query value masked,
// so that a log line or an error names the endpoint but not its key.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "<invalid url>"
	}
	u.User = nil
	q := u.Query()
	for k := range q {
		q[k] = []string{"<secret>"}
	}
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u.String()
}

// Detail makes text from a reply fit for an error: secrets scrubbed, at most
// maxDetail bytes, cut on a rune boundary.
func Detail(s string, secrets ...string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "<secret>")
		}
	}
	return Truncate(strings.TrimSpace(s), maxDetail)
}

// Count adds one to swanwatch_channel_errors_total{channel,kind}; both labels
// come from fixed sets in code, never from a target or a reply.
func Count(channel, kind string) {
	metrics.GetOrCreateCounter(fmt.Sprintf(`swanwatch_channel_errors_total{channel=%q,kind=%q}`, channel, kind)).Inc()
}
