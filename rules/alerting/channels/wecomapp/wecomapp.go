// Package wecomapp owns the WeCom application-message channel (企业微信应用消息,
// channel kind `wecom_app`): it pages a *person* by their WeCom userid, one
// textcard per recipient whose button opens that person's own signed link
// (Recipient.AckURL, else the incident page).
//
// The published API it follows (developer.work.weixin.qq.com, 获取access_token
// /document/path/91039, 发送应用消息 /document/path/90236, 全局错误码
// /document/path/90455):
//
//   - GET  /cgi-bin/gettoken?corpid=ID&corpsecret=SECRET →
//     {"errcode":0,"access_token":"…","expires_in":7200}, cached by apptoken
//     and fetched again once when a send is refused with 40014/42001/42009.
//   - POST /cgi-bin/message/send?access_token=TOKEN with msgtype textcard
//     (title ≤ 128 bytes, description ≤ 512 bytes, url ≤ 2048 bytes, btntxt
//     ≤ 4 characters) → {"errcode":0,"invaliduser":"…","msgid":"…"}.
//
// Each message asks for WeCom's duplicate check (enable_duplicate_check), and
// the card of one notification to one person is the same bytes every time, so
// an outbox retry after a lost reply does not page the people already reached
// a second time. errcode 45009/45033/-1 and HTTP 429/5xx are retried later;
// 60020 (IP not allowed), 40056 (agentid), 81013 (all users invalid) and
// other refusals are permanent. A userid WeCom reports as invalid is logged
// and counted; when every recipient is invalid the page fails permanently.
//
// Wiring: New(Config, client, log); the secret may come from `secret_file`
// (internal/config inlines *_file for secret.Secret fields).
package wecomapp

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

// Channel is the channel kind: the metric label and the error prefix.
const Channel = "wecom_app"

// DefaultBaseURL is WeCom's API host; tests point BaseURL at a fake.
const DefaultBaseURL = "https://qyapi.weixin.qq.com"

// DefaultTimeout bounds each HTTP call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config is one WeCom self-built application (自建应用).
type Config struct {
	CorpID  string        `yaml:"corp_id"`  // 企业ID
	AgentID int           `yaml:"agent_id"` // the application's AgentId
	Secret  secret.Secret `yaml:"secret"`   // the application's Secret; or secret_file
	BaseURL string        `yaml:"base_url"` // default https://qyapi.weixin.qq.com
	Timeout time.Duration `yaml:"timeout"`  // per HTTP call, default 10s
}

// Sender sends WeCom application messages to people.
type Sender struct {
	base    *url.URL
	corpID  string
	agentID int
	secret  string
	timeout time.Duration
	client  *http.Client
	log     *slog.Logger
	tokens  *apptoken.Cache
}

var _ channels.Sender = (*Sender)(nil)

// New checks cfg; a nil client means http.DefaultClient, a nil logger
// discards. No request is made until the first Send.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	ep, err := httpsend.NewEndpoint(Channel, "API base address", cfg.BaseURL, client, log)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.TrimSpace(cfg.CorpID) == "":
		return nil, errors.New(Channel + ": corp_id is required")
	case cfg.AgentID <= 0:
		return nil, errors.New(Channel + ": agent_id must be the application's positive AgentId")
	case !cfg.Secret.IsSet():
		return nil, errors.New(Channel + ": secret (or secret_file) is required")
	case cfg.Timeout < 0:
		return nil, errors.New(Channel + ": timeout must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Sender{base: ep.URL, corpID: cfg.CorpID, agentID: cfg.AgentID, secret: cfg.Secret.Reveal(),
		timeout: cfg.Timeout, client: ep.Client, log: ep.Log}
	s.tokens = apptoken.New(s.fetchToken, nil)
	return s, nil
}

// Send pages every recipient that has a WeCom userid, one message each.
// The result: nil when at least one person was reached and nothing is worth
// retrying; a retryable error when any send may succeed later (the retry's
// duplicates are dropped by WeCom's duplicate check); Permanent when nobody
// has an address or every send was refused for good.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	targets := s.targets(n)
	if len(targets) == 0 {
		return channels.Permanent(fmt.Errorf("%s: none of the %d recipients has a WeCom userid (roster field wecom)", Channel, len(n.Recipients)))
	}
	out := channels.Outcome{Channel: Channel, Invalid: func(err error) bool { return errors.Is(err, errInvalidUser) },
		Refused: "WeCom refused the userid of every recipient: check the roster's wecom field and the application's visible range"}
	for _, r := range targets {
		out.Add(r.Name, s.sendOne(ctx, n, r))
	}
	return out.Result(len(targets))
}

// targets are the recipients with a usable userid; the others are counted as
// skipped. A userid with "|" or "@all" would widen touser to other people or
// the whole company, so it is refused rather than sent.
func (s *Sender) targets(n notice.Notification) []notice.Recipient {
	var out []notice.Recipient
	for _, r := range n.Recipients {
		switch {
		case r.WeCom == "":
			skipped("no_address")
		case strings.ContainsAny(r.WeCom, "| \t\r\n") || strings.EqualFold(r.WeCom, "@all"):
			skipped("bad_address")
			s.log.Warn("wecom_app recipient has an unusable userid", "name", r.Name, "id", n.ID)
		default:
			out = append(out, r)
		}
	}
	return out
}

func skipped(reason string) {
	metrics.GetOrCreateCounter(`swanwatch_channel_skipped_total{channel="` + Channel + `",reason="` + reason + `"}`).Inc()
}

// sendOne posts one person's card, refreshing the token once if refused.
func (s *Sender) sendOne(ctx context.Context, n notice.Notification, r notice.Recipient) error {
	msg := newMessage(n, r, s.agentID)
	err := s.tokens.Do(ctx, func(token string) error { return s.post(ctx, token, msg) })
	if err != nil {
		s.log.Warn("wecom_app send failed", "id", n.ID, "name", r.Name, "err", err)
	}
	return err
}

func (s *Sender) post(ctx context.Context, token string, msg message) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	u := s.endpoint("/cgi-bin/message/send", url.Values{"access_token": {token}})
	body, err := httpsend.PostJSON(ctx, s.client, httpsend.Request{
		Channel: Channel, URL: u, Body: msg, Secrets: []string{token, s.secret},
	})
	if err != nil {
		return err
	}
	rep, err := ParseSendReply(body)
	if err != nil {
		httpsend.Count(Channel, "decode")
		return fmt.Errorf("%s: %w", Channel, err)
	}
	return s.check(rep, msg.ToUser, token)
}

// endpoint joins path to the base address (which may have a path prefix).
func (s *Sender) endpoint(path string, q url.Values) string {
	u := *s.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = q.Encode()
	return u.String()
}
