package voice

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// call is one call request: what every provider template fills in.
type call struct {
	Phone  string // digits, optional leading +
	Text   string // Speech
	Call   string // the person's signed reference, echoed in the report
	ID     string // notification ID
	Fields map[string]string
}

// Send calls every recipient that has a phone, one request each. Resolved
// notifications are not called at all (nobody is woken for good news). People
// a gateway already accepted are remembered per notification ID, so the
// outbox's retry after a partial failure does not ring them twice.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	if n.Resolved {
		return nil
	}
	text := Speech(n)
	calls := s.targets(n, text)
	if len(calls) == 0 {
		httpsend.Count(Channel, "input")
		return channels.Permanent(fmt.Errorf("voice: notification %s: none of its %d recipients has a phone number",
			n.ID, len(n.Recipients)))
	}
	var errs []error
	permanent := true
	for _, c := range calls {
		if s.called(n.ID, c.Phone) {
			continue
		}
		err := s.place(ctx, c)
		countCall(s.cfg.Provider, err)
		if err != nil {
			// A number is personal data: the error names the recipient's place in the list only.
			errs = append(errs, fmt.Errorf("voice: notification %s: call %d of %d: %w", n.ID, c.index(calls), len(calls), err))
			permanent = permanent && channels.IsPermanent(err)
			continue
		}
		s.markCalled(n.ID, c.Phone, len(calls))
	}
	if len(errs) == 0 {
		s.log.Debug("voice: calls placed", "id", n.ID, "calls", len(calls))
		return nil
	}
	err := errors.Join(errs...)
	if permanent {
		return channels.Permanent(err)
	}
	return err
}

func (c call) index(all []call) int {
	for i := range all {
		if all[i].Phone == c.Phone {
			return i + 1
		}
	}
	return 0
}

// targets builds one call per recipient with a phone, each phone once;
// recipients without one are counted as skipped.
func (s *Sender) targets(n notice.Notification, text string) []call {
	seen := map[string]bool{}
	var out []call
	base := fields(n, text)
	for _, r := range n.Recipients {
		p := normalPhone(r.Phone)
		switch {
		case p == "":
			countSkipped("no_address")
			continue
		case len(r.Call) > MaxCallRef:
			countSkipped("bad_reference") // the notifier's bug; the gateway would cut or refuse it
			continue
		case seen[p]:
			continue
		}
		seen[p] = true
		out = append(out, call{Phone: p, Text: text, Call: r.Call, ID: n.ID, Fields: base})
	}
	return out
}

// normalPhone drops spaces and dashes; anything but an optional + and
// 5–20 digits is no phone.
func normalPhone(p string) string {
	p = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(p))
	if !channels.IsPhone(p) {
		return ""
	}
	return p
}

// national is the number as the Chinese providers' CalledNumber wants it
// without a country code: +86/0086 dropped.
func national(p string) string {
	for _, cc := range []string{"+86", "0086"} {
		if rest, ok := strings.CutPrefix(p, cc); ok && len(rest) >= 5 {
			return rest
		}
	}
	return strings.TrimPrefix(p, "+")
}

// e164 is +[country][number]; a number without + is taken as Chinese.
func e164(p string) string {
	if strings.HasPrefix(p, "+") {
		return p
	}
	return "+86" + national(p)
}

func (s *Sender) place(ctx context.Context, c call) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	switch s.cfg.Provider {
	case Aliyun:
		return s.aliyunCall(ctx, c)
	case Tencent:
		return s.tencentCall(ctx, c)
	}
	return s.genericCall(ctx, c)
}

func (s *Sender) called(id, phone string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done[id][phone]
}

// markCalled remembers an accepted call until every call of the
// notification was; the map only holds partial failures and is bounded.
func (s *Sender) markCalled(id, phone string, total int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.done[id]
	if m == nil {
		if len(s.done) >= 10000 {
			clear(s.done)
		}
		m = map[string]bool{}
		s.done[id] = m
	}
	m[phone] = true
	if len(m) >= total {
		delete(s.done, id)
	}
}

// do sends req and returns the status and the bounded reply. A transport
// error is retryable and never quotes the URL (it may hold a key).
func (s *Sender) do(req *http.Request) (int, []byte, error) {
	resp, err := s.client.Do(req)
	if err != nil {
		httpsend.Count(Channel, "network")
		return 0, nil, fmt.Errorf("%s %s: %s", req.Method, s.shown, s.detail(unwrapURL(err).Error()))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, httpsend.MaxResponseBytes))
	if err != nil {
		httpsend.Count(Channel, "network")
		return 0, nil, fmt.Errorf("read reply from %s: %s", s.shown, s.detail(err.Error()))
	}
	return resp.StatusCode, body, nil
}

func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryable marks a provider refusal a later try may pass (rate limits,
// the provider's own faults); anything else is Permanent.
func retryable(err error, retry bool) error {
	if retry {
		return err
	}
	return channels.Permanent(err)
}

func countCall(provider string, err error) {
	result := "ok"
	switch {
	case err == nil:
	case channels.IsPermanent(err):
		result = "failed"
	default:
		result = "retry"
	}
	metrics.GetOrCreateCounter(`swanwatch_voice_calls_total{provider="` + provider + `",result="` + result + `"}`).Inc()
}

func countSkipped(reason string) {
	metrics.GetOrCreateCounter(`swanwatch_channel_skipped_total{channel="` + Channel + `",reason="` + reason + `"}`).Inc()
}
