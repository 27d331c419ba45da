// Package webhook owns the generic webhook channel: it POSTs the Alertmanager
// webhook payload (version "4"), so any receiver written for Alertmanager
// works unchanged, plus SwanWatch's own fields under "swanwatch". Every
// request carries an Idempotency-Key header (the notification ID) so that a
// receiver can drop the duplicates that retries produce.
package webhook

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook/httpsend"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Config is one receiver. At most one of BearerToken and BasicAuth is set.
type Config struct {
	URL         secret.Secret `yaml:"url"`
	Receiver    string        `yaml:"receiver"`     // the payload's receiver name
	ExternalURL string        `yaml:"external_url"` // SwanWatch's own address, for links
	MaxAlerts   int           `yaml:"max_alerts"`   // 0: all; more are counted in truncatedAlerts
	BearerToken secret.Secret `yaml:"bearer_token"`
	BasicAuth   *BasicAuth    `yaml:"basic_auth"`
}

// BasicAuth is HTTP basic authentication.
type BasicAuth struct {
	Username string        `yaml:"username"`
	Password secret.Secret `yaml:"password"`
}

// Sender posts to one webhook receiver.
type Sender struct {
	cfg    Config
	url    string
	client *http.Client
	log    *slog.Logger
}

var _ channels.Sender = (*Sender)(nil)

// New checks cfg; a nil client means http.DefaultClient, a nil logger discards.
func New(cfg Config, client *http.Client, log *slog.Logger) (*Sender, error) {
	ep, err := httpsend.NewEndpoint("webhook", "address", cfg.URL.Reveal(), client, log)
	if err != nil {
		return nil, err
	}
	if cfg.BearerToken.IsSet() && cfg.BasicAuth != nil {
		return nil, errors.New("webhook: set bearer_token or basic_auth, not both")
	}
	if cfg.BasicAuth != nil && cfg.BasicAuth.Username == "" {
		return nil, errors.New("webhook: basic_auth needs a username")
	}
	if cfg.MaxAlerts < 0 {
		return nil, errors.New("webhook: max_alerts must not be negative")
	}
	if cfg.Receiver == "" {
		cfg.Receiver = "swanwatch"
	}
	return &Sender{cfg: cfg, url: ep.URL.String(), client: ep.Client, log: ep.Log}, nil
}

// Send posts n; any 2xx is a delivery and the reply body is not read further.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	_, err := httpsend.PostJSON(ctx, s.client, httpsend.Request{
		Channel: "webhook", URL: s.url, Header: s.header(n), Body: s.payload(n),
		Secrets: []string{s.cfg.BearerToken.Reveal(), s.password()},
	})
	if err != nil {
		s.log.Warn("webhook send failed", "id", n.ID, "err", err)
	}
	return err
}

func (s *Sender) header(n notice.Notification) http.Header {
	h := http.Header{}
	h.Set("Idempotency-Key", n.ID)
	switch {
	case s.cfg.BearerToken.IsSet():
		h.Set("Authorization", "Bearer "+s.cfg.BearerToken.Reveal())
	case s.cfg.BasicAuth != nil:
		r := http.Request{Header: http.Header{}}
		r.SetBasicAuth(s.cfg.BasicAuth.Username, s.password())
		h.Set("Authorization", r.Header.Get("Authorization"))
	}
	return h
}

func (s *Sender) password() string {
	if s.cfg.BasicAuth == nil {
		return ""
	}
	return s.cfg.BasicAuth.Password.Reveal()
}
