package sms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// maxReply bounds what is read of a gateway reply; maxDetail what an error quotes.
const (
	maxReply  = 64 << 10
	maxDetail = 200
)

// Send texts n to every phone in n.Mentions, one request per batch. Batches a
// gateway already accepted are remembered per notification ID, so that the
// outbox's retry after a partial failure does not text the same people twice.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	nums, bad := phones(n.Mentions)
	if bad > 0 {
		countError("bad_phone") // numbers are personal data: counted, never logged
	}
	if len(nums) == 0 {
		countError("input")
		return channels.Permanent(fmt.Errorf("sms: notification %s: no phone numbers among %d mentions", n.ID, len(n.Mentions)))
	}
	text := message(n, s.cfg.MaxRunes)
	all := batches(nums, s.cfg.BatchSize)
	for i := s.progress(n.ID); i < len(all); i++ {
		body, err := s.render(request{Phones: all[i], Text: text, Title: n.Title, ID: n.ID})
		if err != nil {
			countError("input")
			return channels.Permanent(fmt.Errorf("sms: notification %s: %w", n.ID, err))
		}
		if err := s.post(ctx, body); err != nil {
			return fmt.Errorf("sms: batch %d/%d: %w", i+1, len(all), err)
		}
		s.setProgress(n.ID, i+1, len(all))
	}
	s.log.Debug("sms: sent", "id", n.ID, "phones", len(nums), "batches", len(all))
	return nil
}

// progress is how many batches of id were accepted by an earlier attempt.
func (s *Sender) progress(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done[id]
}

// setProgress records accepted batches; a finished notification is forgotten,
// and the map is bounded since only partial failures stay in it.
func (s *Sender) setProgress(id string, done, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if done == total {
		delete(s.done, id)
		return
	}
	if len(s.done) >= 10000 {
		clear(s.done)
	}
	s.done[id] = done
}

// post makes one gateway request and checks the reply.
func (s *Sender) post(ctx context.Context, body []byte) error {
	req, err := s.newRequest(ctx, body)
	if err != nil {
		return channels.Permanent(err)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		countError("transport")
		return fmt.Errorf("%s %s: %w", s.cfg.Method, s.shown, s.clean(unwrapURL(err)))
	}
	defer resp.Body.Close()
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		countError("transport")
		return fmt.Errorf("read reply from %s: %w", s.shown, s.clean(err))
	}
	return s.check(resp.StatusCode, reply)
}

func (s *Sender) newRequest(ctx context.Context, body []byte) (*http.Request, error) {
	target, rd, ctype := s.cfg.URL, io.Reader(bytes.NewReader(body)), "application/json"
	if s.cfg.ContentType == Form {
		ctype = "application/x-www-form-urlencoded"
	}
	if s.cfg.Method == http.MethodGet {
		target, rd = withQuery(target, string(body)), nil
	}
	req, err := http.NewRequestWithContext(ctx, s.cfg.Method, target, rd)
	if err != nil {
		return nil, fmt.Errorf("build request for %s: %w", s.shown, s.clean(err))
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range s.cfg.Headers {
		req.Header.Set(k, v.Reveal())
	}
	return req, nil
}

// withQuery appends the rendered form to the URL's own query.
func withQuery(u, q string) string {
	if q == "" {
		return u
	}
	if strings.Contains(u, "?") {
		return u + "&" + q
	}
	return u + "?" + q
}

// check maps the reply: an unlisted 429 or 5xx is worth a retry, any other
// unlisted status or a success field with the wrong value is Permanent.
func (s *Sender) check(code int, reply []byte) error {
	if !slices.Contains(s.cfg.SuccessCodes, code) {
		err := fmt.Errorf("%s: status %d: %s", s.shown, code, s.detail(reply))
		if code == http.StatusTooManyRequests || code >= 500 {
			countError("retryable_status")
			return err
		}
		countError("rejected")
		return channels.Permanent(err)
	}
	if s.cfg.SuccessField == "" {
		return nil
	}
	got, err := field(reply, s.cfg.SuccessField)
	if err == nil && got == s.cfg.SuccessValue {
		return nil
	}
	countError("rejected")
	if err != nil {
		return channels.Permanent(fmt.Errorf("%s: reply: %w: %s", s.shown, err, s.detail(reply)))
	}
	return channels.Permanent(fmt.Errorf("%s: %s = %q, want %q: %s", s.shown, s.cfg.SuccessField,
		s.scrub(got), s.cfg.SuccessValue, s.detail(reply)))
}

// detail quotes a reply in an error: scrubbed and short.
func (s *Sender) detail(b []byte) string {
	r := []rune(s.scrub(strings.TrimSpace(string(b))))
	if len(r) > maxDetail {
		r = append(r[:maxDetail], '…')
	}
	return string(r)
}

// scrub masks any configured secret a reply or error might echo.
func (s *Sender) scrub(t string) string {
	for _, sec := range s.secrets {
		if len(sec) >= 4 {
			t = strings.ReplaceAll(t, sec, "<secret>")
		}
	}
	return t
}

// clean keeps err (so errors.Is still sees a deadline) unless its text holds
// a secret, then it is replaced by the scrubbed text.
func (s *Sender) clean(err error) error {
	if t := s.scrub(err.Error()); t != err.Error() {
		return errors.New(t)
	}
	return err
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// countError counts failures by kind; the kinds are a fixed set.
func countError(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_channel_errors_total{channel="sms",kind="` + kind + `"}`).Inc()
}
