// Package sms owns the SMS channel: a generic HTTP SMS gateway (the contract's
// gateway, R-C5) described entirely in configuration — method, URL, headers, a
// body template in form or JSON encoding, and what a success reply looks like.
// Phone numbers come from Notification.Mentions, one request per batch.
//
// NewInbound (inbound.go) is the other direction: the gateway's upstream
// callback (上行短信回调) for 阿里云, 腾讯云 or a generic gateway hands each
// person's reply, normalised and deduplicated, to the caller; ParseAck tells a
// "1" (确认) from a note.
package sms

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// Content types of the rendered body.
const (
	Form = "form" // application/x-www-form-urlencoded; for GET, the query
	JSON = "json" // application/json
)

// Config describes one SMS gateway.
type Config struct {
	Method      string                   `yaml:"method"` // POST (default) or GET
	URL         string                   `yaml:"url"`
	Headers     map[string]secret.Secret `yaml:"headers"`      // e.g. Authorization; values are secrets
	Body        string                   `yaml:"body"`         // text/template over .Phones .Text .Title .ID
	ContentType string                   `yaml:"content_type"` // form or json (default)
	// SuccessCodes are the HTTP statuses that mean accepted; default [200].
	SuccessCodes []int `yaml:"success_codes"`
	// SuccessField is a dotted path into the JSON reply ("result.code",
	// "data.0.status"); when set, its value must equal SuccessValue.
	SuccessField string        `yaml:"success_field"`
	SuccessValue string        `yaml:"success_value"`
	MaxRunes     int           `yaml:"max_runes"`  // message cap, default 300, cut with …
	BatchSize    int           `yaml:"batch_size"` // phones per request, default 50
	Timeout      time.Duration `yaml:"timeout"`    // per request, default 10s
}

// Sender sends notifications through one gateway.
type Sender struct {
	cfg     Config
	tmpl    *template.Template
	secrets []string // header values and URL query values, scrubbed from errors
	shown   string   // the URL as errors show it
	client  *http.Client
	log     *slog.Logger

	mu   sync.Mutex
	done map[string]int // notification ID → batches already accepted
}

// New validates cfg, parses the body template and returns a Sender.
func New(cfg Config, logger *slog.Logger) (*Sender, error) {
	if err := defaults(&cfg); err != nil {
		return nil, fmt.Errorf("sms: %w", err)
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("sms: url: want http(s)://host/path") // not echoed: it may hold a key
	}
	tmpl, err := parseBody(cfg.Body)
	if err != nil {
		return nil, fmt.Errorf("sms: body: %w", err)
	}
	s := &Sender{cfg: cfg, tmpl: tmpl, shown: redact(u), client: &http.Client{Timeout: cfg.Timeout},
		log: logger, done: map[string]int{}}
	s.secrets = secretsOf(cfg, u)
	if _, err := s.render(request{Phones: []string{"13800000000"}, Text: "测试", Title: "测试", ID: "x"}); err != nil {
		return nil, fmt.Errorf("sms: body: %w", err)
	}
	return s, nil
}

// defaults fills the zero fields and rejects values that cannot work.
func defaults(c *Config) error {
	c.Method = strings.ToUpper(c.Method)
	if c.Method == "" {
		c.Method = http.MethodPost
	}
	if c.ContentType == "" {
		c.ContentType = JSON
	}
	switch {
	case c.Method != http.MethodPost && c.Method != http.MethodGet:
		return fmt.Errorf("method %q: want POST or GET", c.Method)
	case c.ContentType != Form && c.ContentType != JSON:
		return fmt.Errorf("content_type %q: want form or json", c.ContentType)
	case c.Method == http.MethodGet && c.ContentType != Form:
		return errors.New("method GET needs content_type form (the body becomes the query)")
	case strings.TrimSpace(c.Body) == "":
		return errors.New("body: a template is required")
	case c.MaxRunes < 0 || c.BatchSize < 0:
		return errors.New("max_runes and batch_size must not be negative")
	case c.SuccessValue != "" && c.SuccessField == "":
		return errors.New("success_value needs success_field")
	}
	setZero(&c.MaxRunes, 300)
	setZero(&c.BatchSize, 50)
	if len(c.SuccessCodes) == 0 {
		c.SuccessCodes = []int{http.StatusOK}
	}
	if c.Timeout <= 0 {
		c.Timeout = 10 * time.Second
	}
	return nil
}

func setZero(v *int, def int) {
	if *v == 0 {
		*v = def
	}
}

// redact names the endpoint without user info or query values.
func redact(u *url.URL) string {
	r := *u
	r.User, r.RawQuery, r.Fragment = nil, "", ""
	return r.String()
}

func secretsOf(cfg Config, u *url.URL) []string {
	var out []string
	for _, v := range cfg.Headers {
		out = append(out, v.Reveal())
	}
	for _, vs := range u.Query() {
		out = append(out, vs...)
	}
	if p, ok := u.User.Password(); ok {
		out = append(out, p)
	}
	return out
}
