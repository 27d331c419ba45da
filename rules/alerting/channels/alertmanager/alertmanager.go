// Package alertmanager owns forwarding notifications to an external Prometheus
// Alertmanager (POST /api/v2/alerts), for sites that already route their alerts
// there. Alertmanager does its own grouping and dedup, so Send forwards the raw
// alerts of a notification; a resolved notification sets endsAt.
package alertmanager

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// maxErrBody bounds how much of an error response is read and quoted.
const maxErrBody = 512

// Config is one Alertmanager target.
type Config struct {
	URL         string        `yaml:"url"`          // base URL, e.g. http://alertmanager:9093
	BearerToken secret.Secret `yaml:"bearer_token"` // optional
	Username    string        `yaml:"username"`     // optional basic auth
	Password    secret.Secret `yaml:"password"`
	Timeout     time.Duration `yaml:"timeout"` // per request; default 10s
}

// Sender posts notifications to one Alertmanager.
type Sender struct {
	cfg      Config
	endpoint string
	client   *http.Client
	log      *slog.Logger
}

// New validates cfg and returns a Sender.
func New(cfg Config, logger *slog.Logger) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// The url is not echoed: a mistyped one may still hold a password.
		return nil, errors.New("alertmanager: url: want http(s)://host[:port]")
	}
	if u.User != nil || u.RawQuery != "" {
		return nil, errors.New("alertmanager: url: no credentials or query; use username/password or bearer_token")
	}
	if cfg.BearerToken.IsSet() && cfg.Username != "" {
		return nil, errors.New("alertmanager: bearer_token and username are exclusive")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	return &Sender{
		cfg:      cfg,
		endpoint: strings.TrimRight(u.String(), "/") + "/api/v2/alerts",
		client:   &http.Client{Timeout: cfg.Timeout},
		log:      logger,
	}, nil
}

// postableAlert is Alertmanager's API v2 PostableAlert.
type postableAlert struct {
	Labels       map[string]string `json:"labels"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	StartsAt     time.Time         `json:"startsAt,omitzero"`
	EndsAt       time.Time         `json:"endsAt,omitzero"`
	GeneratorURL string            `json:"generatorURL,omitempty"`
}

// Send forwards n's alerts. A notification without alerts is a Permanent error.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	body, err := encode(n, time.Now())
	if err != nil {
		countError("input")
		return channels.Permanent(fmt.Errorf("alertmanager: notification %s: %w", n.ID, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint, bytes.NewReader(body))
	if err != nil {
		return channels.Permanent(fmt.Errorf("alertmanager: build request: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	s.authorize(req)
	resp, err := s.client.Do(req)
	if err != nil {
		countError("transport")
		return fmt.Errorf("alertmanager: post %s: %w", s.endpoint, unwrapURL(err))
	}
	defer resp.Body.Close()
	if err := checkStatus(resp); err != nil {
		return err
	}
	s.log.Debug("alertmanager: forwarded", "id", n.ID, "alerts", len(n.Alerts))
	return nil
}

func (s *Sender) authorize(req *http.Request) {
	switch {
	case s.cfg.BearerToken.IsSet():
		req.Header.Set("Authorization", "Bearer "+s.cfg.BearerToken.Reveal())
	case s.cfg.Username != "":
		req.SetBasicAuth(s.cfg.Username, s.cfg.Password.Reveal())
	}
}

// encode turns n into the JSON array Alertmanager takes. Resolved alerts carry
// endsAt (their own, else now); firing ones leave it empty so that Alertmanager
// applies its resolve_timeout if we stop repeating them.
func encode(n notice.Notification, now time.Time) ([]byte, error) {
	if len(n.Alerts) == 0 {
		return nil, errors.New("no alerts to forward")
	}
	out := make([]postableAlert, 0, len(n.Alerts))
	for _, a := range n.Alerts {
		if len(a.Labels) == 0 {
			return nil, fmt.Errorf("alert %s has no labels", a.Fingerprint)
		}
		p := postableAlert{Labels: a.Labels, Annotations: a.Annotations,
			StartsAt: a.StartsAt, GeneratorURL: a.GeneratorURL}
		if n.Resolved || !a.Firing {
			p.EndsAt = a.EndsAt
			if p.EndsAt.IsZero() {
				p.EndsAt = now
			}
		}
		out = append(out, p)
	}
	return json.Marshal(out)
}

// checkStatus classifies the response: 2xx is delivered, 429 and 5xx are worth
// a retry, any other 4xx is our fault and Permanent.
func checkStatus(resp *http.Response) error {
	if resp.StatusCode/100 == 2 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxErrBody))
		return nil
	}
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrBody))
	err := fmt.Errorf("alertmanager: status %d: %s", resp.StatusCode, bytes.TrimSpace(msg))
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		countError("retryable_status")
		return err
	}
	countError("rejected")
	return channels.Permanent(err)
}

// unwrapURL drops *url.Error, whose text repeats the endpoint already named.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// countError counts failures by kind; the kinds are a fixed set.
func countError(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_channel_errors_total{channel="alertmanager",kind="` + kind + `"}`).Inc()
}
