package email

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/emersion/go-smtp"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// Send mails n to every recipient in one SMTP session. A 5xx reply (bad
// credentials, rejected recipient) is Permanent; network errors and 4xx
// replies are worth a retry.
func (s *Sender) Send(ctx context.Context, n notice.Notification) error {
	msg, err := buildMessage(s.from, s.to, n, time.Now())
	if err != nil {
		countError("input")
		return channels.Permanent(fmt.Errorf("email: notification %s: %w", n.ID, err))
	}
	c, err := s.dial(ctx)
	if err != nil {
		countError("dial")
		return classify(fmt.Errorf("email: dial %s: %w", s.cfg.Addr, err))
	}
	defer c.Close()
	if err := s.deliver(c, msg); err != nil {
		countError("smtp")
		return classify(fmt.Errorf("email: send via %s: %w", s.cfg.Addr, err))
	}
	s.log.Debug("email: sent", "id", n.ID, "recipients", len(s.to))
	return nil
}

// dial connects within ctx's deadline (or the configured timeout) and sets
// the same deadline on the whole session, since go-smtp has no context.
func (s *Sender) dial(ctx context.Context) (*smtp.Client, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.cfg.Addr)
	if err != nil {
		return nil, err
	}
	_ = conn.SetDeadline(deadline)
	switch s.cfg.TLS {
	case TLS:
		return smtp.NewClient(tls.Client(conn, s.tls)), nil
	case StartTLS:
		c, err := smtp.NewClientStartTLS(conn, s.tls)
		if err != nil {
			conn.Close()
		}
		return c, err
	}
	return smtp.NewClient(conn), nil
}

func (s *Sender) deliver(c *smtp.Client, msg []byte) error {
	if a := s.saslClient(); a != nil {
		if err := c.Auth(a); err != nil {
			return fmt.Errorf("auth: %w", err)
		}
	}
	rcpt := make([]string, len(s.to))
	for i, a := range s.to {
		rcpt[i] = a.Address
	}
	if err := c.SendMail(s.from.Address, rcpt, bytesReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// classify marks SMTP 5xx replies and an untrusted relay certificate
// Permanent: both need a person to fix them. Everything else may pass.
func classify(err error) error {
	var se *smtp.SMTPError
	var ve *tls.CertificateVerificationError
	if (errors.As(err, &se) && se.Code >= 500) || errors.As(err, &ve) {
		return channels.Permanent(err)
	}
	return err
}

// countError counts failures by kind; the kinds are a fixed set.
func countError(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_channel_errors_total{channel="email",kind="` + kind + `"}`).Inc()
}
