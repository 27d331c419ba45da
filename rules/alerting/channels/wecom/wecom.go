// Package wecom owns the WeCom (企业微信) group-robot channel: one markdown
// message per notification to the robot's webhook
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY), and, when the
// notification names people on duty, a second short text message that
// @-mentions them. WeCom's markdown cannot mention by phone number (only
// <@userid>), and the duty roster holds phone numbers, so the mention rides
// in a text message, whose mentioned_mobile_list does.
package wecom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Byte limits of the robot API (群机器人配置说明): markdown.content 4096,
// text.content 2048.
const (
	MaxMarkdownBytes = 4096
	MaxTextBytes     = 2048
)

// Config is one robot. URL is the whole webhook address, key included.
type Config struct {
	URL secret.Secret `yaml:"url"`
}

// Sender posts to one WeCom robot.
type Sender struct {
	url    string
	key    string // for scrubbing replies
	client *http.Client
	log    *slog.Logger
}

var _ channels.Sender = (*Sender)(nil)

// New checks cfg; a nil client means http.DefaultClient (the caller's ctx
// bounds each Send), a nil logger discards.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	ep, err := httpsend.NewEndpoint("wecom", "webhook address", cfg.URL.Reveal(), client, log)
	if err != nil {
		return nil, err
	}
	key := ep.URL.Query().Get("key")
	if key == "" {
		return nil, errors.New("wecom: url has no key= query parameter")
	}
	return &Sender{url: ep.URL.String(), key: key, client: ep.Client, log: ep.Log}, nil
}

// Send posts the markdown message, then the mention message if n has
// Mentions. An error on the first means nothing reached the group, so a retry
// resends both; the group may then see the mention twice, never not at all.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	if err := s.post(ctx, markdownMessage(n)); err != nil {
		return err
	}
	if len(n.Mentions) == 0 {
		return nil
	}
	return s.post(ctx, mentionMessage(n))
}

func (s *Sender) post(ctx context.Context, msg message) error {
	body, err := httpsend.PostJSON(ctx, s.client, httpsend.Request{
		Channel: "wecom", URL: s.url, Body: msg, Secrets: []string{s.key},
	})
	if err != nil {
		s.log.Warn("wecom send failed", "msgtype", msg.MsgType, "err", err)
		return err
	}
	return s.check(body)
}

// check reads the reply; errcode 0 is success.
func (s *Sender) check(body []byte) error {
	r, err := httpsend.ParseErrcodeReply(body)
	if err != nil {
		httpsend.Count("wecom", "decode")
		return fmt.Errorf("wecom: %w", err)
	}
	if r.ErrCode == 0 {
		return nil
	}
	err = fmt.Errorf("wecom: errcode %d: %s", r.ErrCode, httpsend.Detail(r.ErrMsg, s.key))
	if r.ErrCode == ErrRateLimited {
		httpsend.Count("wecom", "rate_limit")
		return err
	}
	httpsend.Count("wecom", "api")
	return channels.Permanent(err)
}
