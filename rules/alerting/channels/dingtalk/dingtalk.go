// Package dingtalk owns the DingTalk (钉钉) custom-robot channel: one markdown
// message per notification to https://oapi.dingtalk.com/robot/send?access_token=…,
// signed (安全设置 加签) when a secret is configured, with the people on duty
// in at.atMobiles (and named as @phone in the text, which DingTalk requires
// for the mention to show).
package dingtalk

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
	"strconv"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// The robot API's error codes that change what we do.
const (
	ErrRateLimited = 130101 // more than 20 messages a minute: retry later
	ErrSecurity    = 310000 // signature, keyword or IP check failed: configuration
)

// Config is one robot. URL carries access_token; Secret (SEC…) enables signing.
type Config struct {
	URL    secret.Secret `yaml:"url"`
	Secret secret.Secret `yaml:"secret"`
}

// Sender posts to one DingTalk robot.
type Sender struct {
	url    *url.URL
	token  string
	secret string
	client *http.Client
	log    *slog.Logger
	now    func() time.Time // the signature's clock; tests pin it
}

var _ channels.Sender = (*Sender)(nil)

// New checks cfg; a nil client means http.DefaultClient, a nil logger discards.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	ep, err := httpsend.NewEndpoint("dingtalk", "robot address", cfg.URL.Reveal(), client, log)
	if err != nil {
		return nil, err
	}
	token := ep.URL.Query().Get("access_token")
	if token == "" {
		return nil, errors.New("dingtalk: url has no access_token= query parameter")
	}
	return &Sender{url: ep.URL, token: token, secret: cfg.Secret.Reveal(), client: ep.Client, log: ep.Log, now: time.Now}, nil
}

// Send posts n as one markdown message.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	body, err := httpsend.PostJSON(ctx, s.client, httpsend.Request{
		Channel: "dingtalk", URL: s.signedURL(), Body: newMessage(n), Secrets: []string{s.token, s.secret},
	})
	if err != nil {
		s.log.Warn("dingtalk send failed", "id", n.ID, "err", err)
		return err
	}
	return s.check(body)
}

// signedURL appends timestamp and sign when a secret is set; the signature
// is valid for an hour, so it is made per request.
func (s *Sender) signedURL() string {
	if s.secret == "" {
		return s.url.String()
	}
	ts := strconv.FormatInt(s.now().UnixMilli(), 10)
	q := s.url.Query()
	q.Set("timestamp", ts)
	q.Set("sign", Sign(s.secret, ts)) // Encode url-encodes it, as the docs ask
	u := *s.url
	u.RawQuery = q.Encode()
	return u.String()
}

// Sign is DingTalk's 加签: base64(HMAC-SHA256(key=secret,
// message=timestamp+"\n"+secret)), before URL encoding.
func Sign(secret, timestampMillis string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(timestampMillis + "\n" + secret))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// check reads the reply; errcode 0 is success.
func (s *Sender) check(body []byte) error {
	r, err := httpsend.ParseErrcodeReply(body)
	if err != nil {
		httpsend.Count("dingtalk", "decode")
		return fmt.Errorf("dingtalk: %w", err)
	}
	if r.ErrCode == 0 {
		return nil
	}
	err = fmt.Errorf("dingtalk: errcode %d: %s", r.ErrCode, httpsend.Detail(r.ErrMsg, s.token, s.secret))
	if r.ErrCode == ErrRateLimited {
		httpsend.Count("dingtalk", "rate_limit")
		return err
	}
	httpsend.Count("dingtalk", "api")
	return channels.Permanent(err)
}
