// Package dingwork owns the DingTalk work-notification channel (钉钉工作通知,
// channel kind `dingtalk_work`): it pages a *person* by their DingTalk userid,
// one action_card per recipient whose single button opens that person's own
// signed link (Recipient.AckURL, else the incident page).
//
// The published API it follows (open.dingtalk.com, 获取企业内部应用的
// access_token, 异步发送工作通知 asyncsend_v2, 消息类型与数据格式, 全局错误码):
//
//   - GET  /gettoken?appkey=KEY&appsecret=SECRET →
//     {"errcode":0,"access_token":"…","expires_in":7200}, cached by apptoken
//     and fetched again once when a send is refused with 40014/42001 (or 88
//     whose sub_code is one of them).
//   - POST /topapi/message/corpconversation/asyncsend_v2?access_token=TOKEN
//     with {"agent_id","userid_list","msg":{"msgtype":"action_card",…}} →
//     {"errcode":0,"task_id":…,"request_id":"…"}.
//
// DingTalk accepts the same content for the same person only once a day (a
// repeat is answered ok and not delivered), so every card carries the
// incident number and the escalation step: each page differs, and an outbox
// retry of one page (the same bytes) cannot reach a person twice. errcode -1
// and the flow-control codes 90002/90018/90019, HTTP 429/5xx are retried
// later; 33012 (invalid userid) is counted per person and permanent only when
// it is everyone; other refusals are permanent. The send is asynchronous on
// DingTalk's side: errcode 0 means accepted, not read (getsendresult is not
// polled).
//
// Wiring: New(Config, client, log); app_secret may come from
// `app_secret_file` (internal/config inlines *_file for secret.Secret fields).
package dingwork

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
const Channel = "dingtalk_work"

// DefaultBaseURL is DingTalk's (old-style) API host; tests point BaseURL at a fake.
const DefaultBaseURL = "https://oapi.dingtalk.com"

// DefaultTimeout bounds each HTTP call when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// Config is one DingTalk internal application (企业内部应用).
type Config struct {
	AppKey    string        `yaml:"app_key"`    // AppKey (Client ID)
	AppSecret secret.Secret `yaml:"app_secret"` // AppSecret (Client Secret); or app_secret_file
	AgentID   int64         `yaml:"agent_id"`   // the application's AgentId
	BaseURL   string        `yaml:"base_url"`   // default https://oapi.dingtalk.com
	Timeout   time.Duration `yaml:"timeout"`    // per HTTP call, default 10s
}

// Sender sends DingTalk work notifications to people.
type Sender struct {
	base    *url.URL
	appKey  string
	secret  string
	agentID int64
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
	case strings.TrimSpace(cfg.AppKey) == "":
		return nil, errors.New(Channel + ": app_key is required")
	case !cfg.AppSecret.IsSet():
		return nil, errors.New(Channel + ": app_secret (or app_secret_file) is required")
	case cfg.AgentID <= 0:
		return nil, errors.New(Channel + ": agent_id must be the application's positive AgentId")
	case cfg.Timeout < 0:
		return nil, errors.New(Channel + ": timeout must not be negative")
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Sender{base: ep.URL, appKey: cfg.AppKey, secret: cfg.AppSecret.Reveal(), agentID: cfg.AgentID,
		timeout: cfg.Timeout, client: ep.Client, log: ep.Log}
	s.tokens = apptoken.New(s.fetchToken, nil)
	return s, nil
}

// Send pages every recipient that has a DingTalk userid, one message each:
// nil when at least one person was reached and nothing is worth retrying; a
// retryable error when any send may succeed later; Permanent when nobody has
// an address or every send was refused for good.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	targets := s.targets(n)
	if len(targets) == 0 {
		return channels.Permanent(fmt.Errorf("%s: none of the %d recipients has a DingTalk userid (roster field dingtalk)", Channel, len(n.Recipients)))
	}
	out := channels.Outcome{Channel: Channel, Invalid: func(err error) bool { return errors.Is(err, errInvalidUser) },
		Refused: "DingTalk refused the userid of every recipient: check the roster's dingtalk field and the application's visible range"}
	for _, r := range targets {
		out.Add(r.Name, s.sendOne(ctx, n, r))
	}
	return out.Result(len(targets))
}

// targets are the recipients with a usable userid; the others are counted as
// skipped. userid_list is comma-separated, so a userid with a comma would
// page someone else too: it is refused rather than sent.
func (s *Sender) targets(n notice.Notification) []notice.Recipient {
	var out []notice.Recipient
	for _, r := range n.Recipients {
		switch {
		case r.DingTalk == "":
			skipped("no_address")
		case strings.ContainsAny(r.DingTalk, ", \t\r\n"):
			skipped("bad_address")
			s.log.Warn("dingtalk_work recipient has an unusable userid", "name", r.Name, "id", n.ID)
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
	req := request{AgentID: s.agentID, UserIDList: r.DingTalk, Msg: newMessage(n, r)}
	err := s.tokens.Do(ctx, func(token string) error { return s.post(ctx, token, req) })
	if err != nil {
		s.log.Warn("dingtalk_work send failed", "id", n.ID, "name", r.Name, "err", err)
	}
	return err
}

func (s *Sender) post(ctx context.Context, token string, req request) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	u := s.endpoint("/topapi/message/corpconversation/asyncsend_v2", url.Values{"access_token": {token}})
	body, err := httpsend.PostJSON(ctx, s.client, httpsend.Request{
		Channel: Channel, URL: u, Body: req, Secrets: []string{token, s.secret},
	})
	if err != nil {
		return err
	}
	rep, err := ParseSendReply(body)
	if err != nil {
		httpsend.Count(Channel, "decode")
		return fmt.Errorf("%s: %w", Channel, err)
	}
	return s.check(rep, req.UserIDList, token)
}

// endpoint joins path to the base address (which may have a path prefix).
func (s *Sender) endpoint(path string, q url.Values) string {
	u := *s.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawQuery = q.Encode()
	return u.String()
}
