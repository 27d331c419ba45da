// Package email owns the e-mail channel: one plain-text UTF-8 message per
// notification over SMTP (STARTTLS, implicit TLS, or plain for tests), with
// AUTH PLAIN or LOGIN. The Message-ID is derived from the notification ID so
// that a retried delivery is recognisably the same mail.
package email

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"time"

	"github.com/emersion/go-sasl"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// TLS modes.
const (
	StartTLS = "starttls" // default: port 587, upgrade required
	TLS      = "tls"      // implicit TLS, port 465
	Plain    = "plain"    // no TLS at all: tests and loopback relays only
)

// Config is one SMTP relay and its recipients.
type Config struct {
	Addr     string        `yaml:"addr"`     // host:port of the relay
	TLS      string        `yaml:"tls"`      // starttls (default), tls, plain
	CAFile   string        `yaml:"ca_file"`  // optional extra CA for the relay's certificate
	Auth     string        `yaml:"auth"`     // plain (default when username set), login, or empty for none
	Username string        `yaml:"username"` // optional
	Password secret.Secret `yaml:"password"`
	From     string        `yaml:"from"` // e.g. "SwanWatch <noc@smx.gov.cn>"
	To       []string      `yaml:"to"`
	Timeout  time.Duration `yaml:"timeout"` // whole session; default 30s
}

// Sender mails notifications through one relay.
type Sender struct {
	cfg  Config
	host string
	from *mail.Address
	to   []*mail.Address
	tls  *tls.Config
	log  *slog.Logger
}

// New validates cfg and returns a Sender.
func New(cfg Config, logger *slog.Logger) (*Sender, error) {
	host, _, err := net.SplitHostPort(cfg.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("email: addr %q: want host:port", cfg.Addr)
	}
	s := &Sender{cfg: cfg, host: host, log: logger}
	if err := s.validate(); err != nil {
		return nil, fmt.Errorf("email: %w", err)
	}
	if s.cfg.Timeout <= 0 {
		s.cfg.Timeout = 30 * time.Second
	}
	return s, nil
}

func (s *Sender) validate() error {
	if s.cfg.TLS == "" {
		s.cfg.TLS = StartTLS
	}
	if s.cfg.TLS != StartTLS && s.cfg.TLS != TLS && s.cfg.TLS != Plain {
		return fmt.Errorf("tls %q: want starttls, tls or plain", s.cfg.TLS)
	}
	if err := s.validateAuth(); err != nil {
		return err
	}
	var err error
	if s.from, err = mail.ParseAddress(s.cfg.From); err != nil {
		return fmt.Errorf("from %q: %w", s.cfg.From, err)
	}
	if len(s.cfg.To) == 0 {
		return errors.New("to: at least one recipient")
	}
	for _, a := range s.cfg.To {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return fmt.Errorf("to %q: %w", a, err)
		}
		s.to = append(s.to, addr)
	}
	s.tls, err = tlsConfig(s.host, s.cfg.CAFile)
	return err
}

func (s *Sender) validateAuth() error {
	if s.cfg.Auth == "" && s.cfg.Username != "" {
		s.cfg.Auth = "plain"
	}
	switch s.cfg.Auth {
	case "":
		return nil
	case "plain", "login":
	default:
		return fmt.Errorf("auth %q: want plain or login", s.cfg.Auth)
	}
	if s.cfg.Username == "" || !s.cfg.Password.IsSet() {
		return fmt.Errorf("auth %s: username and password are required", s.cfg.Auth)
	}
	if s.cfg.TLS == Plain && s.host != "127.0.0.1" && s.host != "localhost" && s.host != "::1" {
		return errors.New("auth over plain (unencrypted) smtp is allowed on loopback only")
	}
	return nil
}

// tlsConfig verifies the relay against the system roots plus caFile.
func tlsConfig(host, caFile string) (*tls.Config, error) {
	c := &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return c, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ca_file %s: no PEM certificate", caFile)
	}
	c.RootCAs = pool
	return c, nil
}

func (s *Sender) saslClient() sasl.Client {
	switch s.cfg.Auth {
	case "plain":
		return sasl.NewPlainClient("", s.cfg.Username, s.cfg.Password.Reveal())
	case "login":
		return sasl.NewLoginClient(s.cfg.Username, s.cfg.Password.Reveal())
	}
	return nil
}
