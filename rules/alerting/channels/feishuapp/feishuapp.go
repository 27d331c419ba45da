// Package feishuapp owns the feishu_app channel: 飞书个人消息, a Feishu custom
// app (企业自建应用) sending an interactive card to each paged person.
//
// The app's tenant_access_token comes from
// POST {base_url}/open-apis/auth/v3/tenant_access_token/internal (app_id +
// app_secret) and is kept in an apptoken.Cache; each recipient with a Feishu
// open_id then gets one POST {base_url}/open-apis/im/v1/messages?receive_id_type=open_id
// carrying the card. A token Feishu refuses (99991661/99991663/…) is fetched
// anew once; a rate limit (HTTP 429, 99991400, 230020) or a 5xx is returned
// for the outbox to retry; anything else Feishu refuses (230013: the person
// is outside the app's availability, …) is channels.Permanent.
//
// Every message carries uuid = a hash of the notification ID and the open_id:
// Feishu sends at most one message per uuid within an hour, so when a page
// half-succeeded and the outbox retries it, the people already reached are
// not paged twice.
//
// Wiring: New(Config, client, log) returns the channels.Sender. Config's
// app_secret may come from app_secret_file (internal/config reads any
// *_file of a secret field).
package feishuapp

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/apptoken"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Channel is the channel kind (docs/oncall.md), the metric label and the
// prefix of every error.
const Channel = "feishu_app"

// Defaults of Config.
const (
	DefaultBaseURL = "https://open.feishu.cn"
	DefaultTimeout = 10 * time.Second
)

// Config is one Feishu custom app.
type Config struct {
	AppID     string        `yaml:"app_id"`     // cli_…
	AppSecret secret.Secret `yaml:"app_secret"` // or app_secret_file
	// BaseURL is the open platform's address: Feishu's by default, Lark's
	// (https://open.larksuite.com) abroad, a fake in tests.
	BaseURL string        `yaml:"base_url"`
	Timeout time.Duration `yaml:"timeout"` // per HTTP request, default 10s
}

// WithDefaults fills the zero fields.
func (c Config) WithDefaults() Config {
	if c.BaseURL == "" {
		c.BaseURL = DefaultBaseURL
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// Validate reports what is missing or wrong; it never quotes the secret.
// Call it on WithDefaults' result (an empty base_url is Feishu's).
func (c Config) Validate() error {
	var errs []error
	if c.BaseURL != "" {
		if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") ||
			u.Host == "" || u.User != nil || u.RawQuery != "" {
			errs = append(errs, errors.New(Channel+": base_url must be an http(s) address such as https://open.feishu.cn"))
		}
	}
	if strings.TrimSpace(c.AppID) == "" {
		errs = append(errs, errors.New(Channel+": app_id is required"))
	}
	if !c.AppSecret.IsSet() {
		errs = append(errs, errors.New(Channel+": app_secret (or app_secret_file) is required"))
	}
	return errors.Join(errs...)
}

// Sender sends a notification to each recipient's Feishu account.
type Sender struct {
	appID   string
	secret  string
	base    string // base URL without a trailing slash
	timeout time.Duration
	client  *http.Client
	log     *slog.Logger
	tokens  *apptoken.Cache
}

var _ channels.Sender = (*Sender)(nil)

// skipped counts recipients without a Feishu open_id (docs/oncall.md).
var skipped = metrics.NewCounter(`swanwatch_channel_skipped_total{channel="` + Channel + `",reason="no_address"}`)

// New checks cfg; a nil client means http.DefaultClient (each request is
// bounded by cfg.Timeout and the caller's ctx), a nil logger discards.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ep, err := httpsend.NewEndpoint(Channel, "base_url (https://open.feishu.cn)", cfg.BaseURL, client, log)
	if err != nil {
		return nil, err
	}
	s := &Sender{
		appID: strings.TrimSpace(cfg.AppID), secret: cfg.AppSecret.Reveal(),
		base: strings.TrimRight(ep.URL.String(), "/"), timeout: cfg.Timeout,
		client: ep.Client, log: ep.Log,
	}
	s.tokens = apptoken.New(s.fetchToken, nil)
	return s, nil
}

// Send posts one card to every recipient with a Feishu open_id. It goes on
// past a recipient that fails, so one wrong open_id does not keep the others
// from being paged; the error is retryable if any failure is.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	var failed []error
	sent, addressed, untried := 0, 0, 0
	for _, r := range n.Recipients {
		if r.Feishu == "" {
			skipped.Inc()
			s.log.Debug("feishu_app: recipient has no Feishu open_id", "id", n.ID, "person", r.Name)
			continue
		}
		addressed++
		if len(failed) > 0 && appWide(failed[len(failed)-1]) {
			untried++ // the next one would meet the same refusal
			continue
		}
		if err := ctx.Err(); err != nil {
			failed = append(failed, fmt.Errorf("%s: %w", r.Name, err))
			continue
		}
		if err := s.sendOne(ctx, n, r); err != nil {
			s.log.Warn("feishu_app send failed", "id", n.ID, "person", r.Name, "err", err)
			failed = append(failed, fmt.Errorf("%s: %w", r.Name, err))
			continue
		}
		sent++
	}
	if addressed == 0 {
		return channels.Permanent(fmt.Errorf("%s: none of the %d people paged has a Feishu open_id (roster field feishu)", Channel, len(n.Recipients)))
	}
	if untried > 0 {
		// Permanent only so as not to decide: the refusal before it does.
		failed = append(failed, channels.Permanent(fmt.Errorf("%d more not tried", untried)))
	}
	return summarise(sent, addressed, failed)
}

// summarise makes one error of the recipients' failures: retryable if any
// is (the retry re-sends with the same uuids, so those reached are not paged
// twice), Permanent if all are.
func summarise(sent, addressed int, failed []error) error {
	if len(failed) == 0 {
		return nil
	}
	retry := false
	parts := make([]error, 0, len(failed))
	for _, err := range failed {
		if channels.IsPermanent(err) {
			// Keep the text but not the mark: a retryable sibling decides.
			parts = append(parts, errors.New(err.Error()))
			continue
		}
		retry = true
		parts = append(parts, err)
	}
	err := fmt.Errorf("%s: sent to %d of %d: %w", Channel, sent, addressed, errors.Join(parts...))
	if retry {
		return err
	}
	return channels.Permanent(err)
}

// sendOne posts the card to one person, fetching the token anew once if
// Feishu refuses it.
func (s *Sender) sendOne(ctx context.Context, n notice.Notification, r notice.Recipient) error {
	content, err := cardJSON(n, r)
	if err != nil {
		return channels.Permanent(fmt.Errorf("encode card: %w", err))
	}
	body := messageRequest{ReceiveID: r.Feishu, MsgType: "interactive", Content: content, UUID: idempotencyKey(n.ID, r.Feishu)}
	return s.tokens.Do(ctx, func(token string) error {
		rep, err := s.call(ctx, messagesPath, token, body)
		if err != nil {
			return err
		}
		s.log.Debug("feishu_app sent", "id", n.ID, "person", r.Name, "message_id", rep.MessageID)
		return nil
	})
}

// messageRequest is the body of 发送消息 (im/v1/messages).
type messageRequest struct {
	ReceiveID string `json:"receive_id"`
	MsgType   string `json:"msg_type"`
	Content   string `json:"content"` // the card, JSON in a string
	UUID      string `json:"uuid"`
}
