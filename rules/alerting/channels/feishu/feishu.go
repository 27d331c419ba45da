// Package feishu owns the Feishu (飞书) custom-robot channel: one rich-text
// ("post") message per notification to
// https://open.feishu.cn/open-apis/bot/v2/hook/<token>, signed (签名校验) when
// a secret is configured. The token is in the path, so errors name the hook
// as …/hook/<secret>.
package feishu

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// The robot API's codes that change what we do.
const (
	ErrSignature = 19021 // sign match fail or timestamp is not within one hour
	ErrRateLimit = 9499  // too many requests
	ErrFrequency = 11232 // frequency limited
)

// Config is one robot. URL is the hook address (token in the path); Secret
// enables signing.
type Config struct {
	URL    secret.Secret `yaml:"url"`
	Secret secret.Secret `yaml:"secret"`
}

// Sender posts to one Feishu robot.
type Sender struct {
	url    string
	shown  string // url with the token masked
	token  string
	secret string
	client *http.Client
	log    *slog.Logger
	now    func() time.Time // the signature's clock; tests pin it
}

var _ channels.Sender = (*Sender)(nil)

// New checks cfg; a nil client means http.DefaultClient, a nil logger discards.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	ep, err := httpsend.NewEndpoint("feishu", "hook address", cfg.URL.Reveal(), client, log)
	if err != nil {
		return nil, err
	}
	u := ep.URL
	dir, token := path.Split(u.Path)
	if token == "" || path.Base(dir) != "hook" {
		return nil, errors.New("feishu: url must end in /hook/<token>")
	}
	shown := httpsend.Redact((&url.URL{Scheme: u.Scheme, Host: u.Host, Path: dir}).String()) + "<secret>"
	return &Sender{url: u.String(), shown: shown, token: token, secret: cfg.Secret.Reveal(),
		client: ep.Client, log: ep.Log, now: time.Now}, nil
}

// Send posts n as one rich-text message.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	msg := newMessage(n)
	if s.secret != "" {
		msg.Timestamp = strconv.FormatInt(s.now().Unix(), 10)
		msg.Sign = Sign(s.secret, msg.Timestamp)
	}
	body, err := httpsend.PostJSON(ctx, s.client, httpsend.Request{
		Channel: "feishu", URL: s.url, Shown: s.shown, Body: msg, Secrets: []string{s.token, s.secret},
	})
	if err != nil {
		s.log.Warn("feishu send failed", "id", n.ID, "err", err)
		return err
	}
	return s.check(body)
}

// Sign is Feishu's 签名校验. Unlike DingTalk, the HMAC key is
// timestamp+"\n"+secret and the message is empty: base64(HMAC-SHA256(
// key=timestamp+"\n"+secret, message="")). The timestamp is in seconds.
func Sign(secret, timestampSeconds string) string {
	m := hmac.New(sha256.New, []byte(timestampSeconds+"\n"+secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// check reads the reply; code 0 is success.
func (s *Sender) check(body []byte) error {
	r, err := ParseReply(body)
	if err != nil {
		httpsend.Count("feishu", "decode")
		return fmt.Errorf("feishu: %w", err)
	}
	if r.Code == 0 {
		return nil
	}
	err = fmt.Errorf("feishu: code %d: %s", r.Code, httpsend.Detail(r.Msg, s.token, s.secret))
	if r.Code == ErrRateLimit || r.Code == ErrFrequency {
		httpsend.Count("feishu", "rate_limit")
		return err
	}
	httpsend.Count("feishu", "api")
	return channels.Permanent(err)
}
