package app

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/alertmanager"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/dingtalk"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/email"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/feishu"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/sms"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/webhook"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/wecom"
)

// Channels are the senders of the configured receivers: one outbox channel
// per receiver and kind, named "receiver/kind" (e.g. "duty/wecom"), so a
// slow robot never holds up the SMS gateway of the same receiver.
type Channels struct {
	Senders   map[string]channels.Sender
	Receivers map[string][]string // receiver → its channel names
}

// BuildChannels makes the senders of cfg.Alerting.Receivers; the error lists
// every receiver whose channel settings are unusable. check-config calls it
// too, so a bad robot address is found before the server starts.
func BuildChannels(cfg *config.Config, logger *slog.Logger) (Channels, error) {
	out := Channels{Senders: map[string]channels.Sender{}, Receivers: map[string][]string{}}
	// Robots and webhooks share one client; each Send is bounded by the
	// outbox's per-send timeout through its context.
	client := &http.Client{Timeout: 30 * time.Second}
	var errs []error
	for _, r := range cfg.Alerting.Receivers {
		for kind, build := range channelBuilders(r, cfg.Server.ExternalURL) {
			name := r.Name + "/" + kind
			s, err := build(client, logger.With("channel", name))
			if err != nil {
				errs = append(errs, fmt.Errorf("alerting receiver %q: %w", r.Name, err))
				continue
			}
			out.Senders[name] = s
			out.Receivers[r.Name] = append(out.Receivers[r.Name], name)
		}
	}
	return out, errors.Join(errs...)
}

type buildFunc func(*http.Client, *slog.Logger) (channels.Sender, error)

// channelBuilders lists the channels a receiver configures, by kind.
func channelBuilders(r config.Receiver, externalURL string) map[string]buildFunc {
	out := map[string]buildFunc{}
	if c := r.WeCom; c != nil {
		out["wecom"] = func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return wecom.New(*c, h, l) }
	}
	if c := r.DingTalk; c != nil {
		out["dingtalk"] = func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return dingtalk.New(*c, h, l) }
	}
	if c := r.Feishu; c != nil {
		out["feishu"] = func(h *http.Client, l *slog.Logger) (channels.Sender, error) { return feishu.New(*c, h, l) }
	}
	if c := r.Webhook; c != nil {
		out["webhook"] = func(h *http.Client, l *slog.Logger) (channels.Sender, error) {
			wc := *c
			if wc.Receiver == "" {
				wc.Receiver = r.Name
			}
			if wc.ExternalURL == "" {
				wc.ExternalURL = externalURL
			}
			return webhook.New(wc, h, l)
		}
	}
	if c := r.SMS; c != nil {
		out["sms"] = func(_ *http.Client, l *slog.Logger) (channels.Sender, error) { return sms.New(*c, l) }
	}
	if c := r.Email; c != nil {
		out["email"] = func(_ *http.Client, l *slog.Logger) (channels.Sender, error) { return email.New(*c, l) }
	}
	if c := r.Alertmanager; c != nil {
		out["alertmanager"] = func(_ *http.Client, l *slog.Logger) (channels.Sender, error) { return alertmanager.New(*c, l) }
	}
	return out
}
